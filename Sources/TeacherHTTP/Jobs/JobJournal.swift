import Crypto
import Foundation
import SafeFiles
import Teacher

/// Where fewshot notes each job it starts on a server, the moment the server gives it an id, so
/// that running the same cell again (after Ctrl-C, a crash or `kill -9`) finds the job and waits
/// for it instead of paying for a second one.
///
/// A job is filed under what it was asked to do (`spec`: a hash of the batch's input file, or of
/// the fine-tuning job's files and settings) and a hash of the server's URL. The file is JSON
/// lines, each appended with one `write(2)`; a torn last line is ignored. No key, and no URL
/// (which may carry a password), is ever written here.
///
/// ```swift
/// let journal = JobJournal(path: "/home/me/.local/state/fewshot/jobs.jsonl")
/// if let id = journal.job(kind: "batch", spec: spec, server: url) { /* resume it */ }
/// try journal.note(kind: "batch", spec: spec, server: url, id: "batch_abc")
/// ```
public final class JobJournal: JobRegistry, @unchecked Sendable {
    /// The journal file; nil keeps it in memory (jobs then last as long as the session).
    public let path: String?
    private var memory: [Entry] = []
    private let lock = NSLock()

    struct Entry: Codable {
        var kind: String
        var spec: String
        var server: String
        var id: String
    }

    /// A journal in the file at `path` (created with its folder when first written), or in memory.
    public init(path: String?) {
        self.path = path
    }

    /// The default place: `$XDG_STATE_HOME/fewshot/jobs.jsonl`, else `~/.local/state/fewshot/jobs.jsonl`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let state = environment["XDG_STATE_HOME"], !state.isEmpty { return state + "/fewshot/jobs.jsonl" }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.local/state/fewshot/jobs.jsonl"
    }

    /// The hex SHA-256 of `parts` joined: the `spec` of a job.
    public static func spec(_ parts: [[UInt8]]) -> String {
        var hash = SHA256()
        for part in parts {
            hash.update(data: Array(String(part.count).utf8) + [0x3A])
            hash.update(data: part)
        }
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// The id of the last job noted for `spec` on `server`, if any.
    public func job(kind: String, spec: String, server: String) -> String? {
        lock.lock()
        defer { lock.unlock() }
        let server = Self.serverKey(server)
        return entries().last { $0.kind == kind && $0.spec == spec && $0.server == server }?.id
    }

    /// Notes a job the server just created.
    public func note(kind: String, spec: String, server: String, id: String) throws {
        lock.lock()
        defer { lock.unlock() }
        let entry = Entry(kind: kind, spec: spec, server: Self.serverKey(server), id: id)
        guard let path else {
            memory.append(entry)
            return
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let line = Array(try encoder.encode(entry)) + [0x0A]
        try? FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // O_NONBLOCK: a FIFO put where the journal should be must not hang the cell.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NONBLOCK, 0o600)
        guard descriptor >= 0 else {
            throw TeacherError(
                .store, "\(FileProblem(path: path, action: .write, reason: .system(operation: "open", errno: errno)))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            throw TeacherError(.store, "the job journal \(path) is not a regular file")
        }
        let written = line.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        guard written == line.count else {
            throw TeacherError(.store, "cannot note job \(id) in \(path): \(String(cString: strerror(errno)))")
        }
        fsync(descriptor)
    }

    /// The server as the journal files it: a hash of its URL, so a URL that carries a user name
    /// and password (`https://me:secret@host/v1`) never reaches the file.
    static func serverKey(_ server: String) -> String {
        String(spec([Array(server.utf8)]).prefix(32))
    }

    private func entries() -> [Entry] {
        guard let path else { return memory }
        guard SafeFile.exists(path), let bytes = try? SafeFile.read(path) else { return [] }
        let decoder = JSONDecoder()
        return bytes.split(separator: 0x0A).compactMap { try? decoder.decode(Entry.self, from: Data($0)) }
    }
}

/// Where a job's id is kept the moment a server gives it, and found again when the same job is
/// asked for: the `JobJournal`, or (in the Workbench) the journal and the notebook's recording.
public protocol JobRegistry: AnyObject {
    /// The id of the last job noted for `spec` on `server`, if any.
    func job(kind: String, spec: String, server: String) -> String?
    /// Notes a job the server just created.
    func note(kind: String, spec: String, server: String, id: String) throws
}
