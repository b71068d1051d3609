import Foundation
import SafeFiles

/// The recorded exchanges of a session: an append-only file of JSON lines that survives a crash.
///
/// Format (documented in docs/recording.md): a header line `{"fewshot-recordings":1}`, then one
/// `Recording` per line as sorted-key JSON, each line written with a single `write(2)` and ended
/// by `"\n"`. A crash can only leave the last line torn (no newline, or cut JSON); loading drops
/// it and keeps everything before it, and a file-backed store truncates it away before its next
/// append. When the same (key, sample) appears twice (refresh mode), the later line wins.
///
/// ```swift
/// let store = try RecordingStore(path: "session.fsrec")   // file-backed: appends go to disk
/// let copy = try RecordingStore(data: store.serialized()) // in memory, e.g. from a notebook
/// try copy.write(to: "elsewhere.fsrec")                    // atomic whole-file write
/// ```
public final class RecordingStore: @unchecked Sendable {
    /// The format version in the header line.
    public static let formatVersion = 1

    /// The file appended to, or nil for an in-memory store.
    public let path: String?
    /// How many bytes of a torn last line were dropped when the store was loaded.
    public let droppedBytes: Int

    private var lines: [Recording] = []
    private var latest: [SampleKey: Int] = [:]
    private var descriptor: Int32 = -1
    private let lock = NSLock()

    private struct SampleKey: Hashable {
        var key: String
        var sample: Int
    }

    private struct Header: Codable {
        var version: Int
        enum CodingKeys: String, CodingKey { case version = "fewshot-recordings" }
    }

    /// An empty in-memory store.
    public init() {
        path = nil
        droppedBytes = 0
    }

    /// A store read from serialised bytes (as `serialized()` wrote them), kept in memory.
    public init(data: Data) throws {
        let parsed = try Self.parse(data, source: "the embedded recordings")
        path = nil
        droppedBytes = data.count - parsed.validLength
        parsed.entries.forEach(insert)
    }

    /// A store backed by the file at `path`, created when missing; every `append` goes to disk.
    ///
    /// A torn last line left by a crash is dropped (see `droppedBytes`) and cut from the file.
    public init(path: String) throws {
        self.path = path
        let existing: Data
        do {
            existing = SafeFile.exists(path) ? Data(try SafeFile.read(path)) : Data()
        } catch {
            throw TeacherError(.store, "\(error)")
        }
        let parsed = try Self.parse(existing, source: path)
        droppedBytes = existing.count - parsed.validLength
        parsed.entries.forEach(insert)
        descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw TeacherError(
                .store, "\(FileProblem(path: path, action: .write, reason: .system(operation: "open", errno: errno)))")
        }
        if droppedBytes > 0, ftruncate(descriptor, off_t(parsed.validLength)) != 0 {
            throw TeacherError(.store, "cannot cut the torn last line of \(path): \(String(cString: strerror(errno)))")
        }
        if parsed.validLength == 0 {
            try writeLine(Self.encode(Header(version: Self.formatVersion)))
        }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Every recording in the order it was added (superseded ones included).
    public var entries: [Recording] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }

    /// How many recordings are stored.
    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return lines.count
    }

    /// The latest recording of sample `sample` of the request with key `key`.
    public func recording(key: String, sample: Int) -> Recording? {
        lock.lock()
        defer { lock.unlock() }
        return latest[SampleKey(key: key, sample: sample)].map { lines[$0] }
    }

    /// How many consecutive samples (0, 1, 2, ...) of the request with key `key` are stored.
    public func sampleCount(key: String) -> Int {
        lock.lock()
        defer { lock.unlock() }
        var count = 0
        while latest[SampleKey(key: key, sample: count)] != nil { count += 1 }
        return count
    }

    /// Adds a recording, writing it to the file first when the store is file-backed.
    public func append(_ recording: Recording) throws {
        let line = Self.redacted(try Self.encode(recording))
        lock.lock()
        defer { lock.unlock() }
        if descriptor >= 0 { try writeLine(line) }
        insert(recording)
    }

    /// The whole store in the file format, e.g. to embed in a notebook.
    public func serialized() -> Data {
        lock.lock()
        defer { lock.unlock() }
        var data = (try? Self.encode(Header(version: Self.formatVersion))) ?? Data()
        for recording in lines {
            if let line = try? Self.encode(recording) { data.append(line) }
        }
        return data
    }

    /// `data` (JSON lines) with every known secret replaced (`SecretRedaction`): a teacher may
    /// echo the API key in a reply, and the key must not reach the file.
    static func redacted(_ data: Data) -> Data {
        var bytes = [UInt8](data)
        return SecretRedaction.redact(bytes: &bytes) ? Data(bytes) : data
    }

    /// Writes the whole store to `path` atomically (a temporary file renamed over it), with
    /// known secrets redacted.
    public func write(to path: String) throws {
        do {
            try SafeFile.writeAtomically(Array(Self.redacted(serialized())), to: path)
        } catch {
            throw TeacherError(.store, "cannot write the recordings: \(error)")
        }
    }

    /// Forces appended lines to stable storage (`fsync`); a process crash loses nothing without it.
    public func sync() throws {
        lock.lock()
        defer { lock.unlock() }
        guard descriptor >= 0 else { return }
        if fsync(descriptor) != 0 {
            throw TeacherError(.store, "cannot sync \(path ?? ""): \(String(cString: strerror(errno)))")
        }
    }

    // MARK: - Reading and writing lines

    private func insert(_ recording: Recording) {
        latest[SampleKey(key: recording.key, sample: recording.sample)] = lines.count
        lines.append(recording)
    }

    /// Writes one whole line with one `write(2)` (retrying the rest after a short write).
    private func writeLine(_ line: Data) throws {
        try line.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw TeacherError(.store, "cannot append to \(path ?? ""): \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }
    }

    private static func encode<Value: Encodable>(_ value: Value) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(0x0A)
        return data
    }

    /// Parses the file format; returns the recordings and the length of the intact prefix.
    ///
    /// A last line without its newline, or one that does not parse, is torn and left out; a bad
    /// line anywhere else means the file was damaged by something other than a crash: an error.
    private static func parse(_ data: Data, source: String) throws -> (entries: [Recording], validLength: Int) {
        let bytes = [UInt8](data)
        var entries: [Recording] = []
        var start = 0
        var lineNumber = 0
        let decoder = JSONDecoder()
        while start < bytes.count {
            lineNumber += 1
            guard let newline = bytes[start...].firstIndex(of: 0x0A) else { break }  // torn: no newline
            let line = Data(bytes[start..<newline])
            let isLast = newline == bytes.count - 1
            do {
                if lineNumber == 1 {
                    let header = try decoder.decode(Header.self, from: line)
                    guard header.version <= formatVersion else {
                        throw TeacherError(
                            .store, "\(source) is recordings format \(header.version); this fewshot reads up to \(formatVersion)")
                    }
                } else {
                    entries.append(try decoder.decode(Recording.self, from: line))
                }
            } catch let error as TeacherError {
                throw error
            } catch {
                if isLast { break }  // torn: cut JSON with a newline after it
                throw TeacherError(
                    .store, "\(source) line \(lineNumber) is not a recording: \(describe(error))",
                    hint: "The file was damaged; restore it or move it away to start afresh")
            }
            start = newline + 1
        }
        if start == 0, !bytes.isEmpty {
            // Nothing intact: only a header cut by a crash may be dropped, never a foreign file.
            let header = Array("{\"fewshot-recordings\":".utf8)
            let length = min(bytes.count, header.count)
            guard bytes[..<length].elementsEqual(header[..<length]) else {
                throw TeacherError(.store, "\(source) is not a fewshot recordings file")
            }
        }
        return (entries, start)
    }
}
