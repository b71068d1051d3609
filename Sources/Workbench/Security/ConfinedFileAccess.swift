import Foundation
import Language

/// The file policy of `fewshot run` and `fewshot check`: code from a notebook or script may
/// touch only files under a few folders (its own folder, fewshot's cache, and the paths the
/// user allowed with `--allow-fs`).
///
/// Paths are checked after resolving symbolic links, so `../secret`, `/etc/passwd` and a link
/// `data.csv -> /home/me/.ssh/id_ed25519` are all refused, with an error naming the path and
/// the flag that allows it. The returned path is the resolved one, so the file opened is the
/// file checked. (The language cannot create links, so a link that appears between the check
/// and the open needs a process outside fewshot.)
///
/// ```swift
/// session.fileAccess = ConfinedFileAccess(roots: ["/work/notebooks", NSHomeDirectory() + "/.cache/fewshot"])
/// ```
public final class ConfinedFileAccess: FileAccessPolicy, @unchecked Sendable {
    /// A folder (or single file) code may use.
    public struct Root: Hashable, Sendable {
        /// The root with links resolved.
        public var path: String
        /// Whether code may write under it (the stdlib folder is read-only).
        public var writable: Bool
    }

    /// The places code may use, links resolved.
    public let roots: [Root]

    /// A policy allowing reads and writes under `roots` and reads only under `readOnlyRoots`.
    /// Roots are made absolute against the working directory and their links resolved; a root
    /// that does not exist yet is kept as written (it may be created later).
    public init(roots: [String], readOnlyRoots: [String] = []) {
        func root(_ path: String, writable: Bool) -> Root {
            let absolute = Self.absolute(path)
            return Root(path: Self.realPath(absolute) ?? absolute, writable: writable)
        }
        let writable = roots.map { root($0, writable: true) }
        let readable = readOnlyRoots.map { root($0, writable: false) }
        var seen = Set<Root>()
        self.roots = (writable + readable).filter { seen.insert($0).inserted }
        super.init()
    }

    public override func resolve(_ path: String, mode: Mode, relativeTo directory: String) throws -> String {
        let lexical = try super.resolve(path, mode: mode, relativeTo: directory)
        guard let real = Self.realPath(lexical) else {
            throw RuntimeError("cannot use '\(path)': it goes through too many symbolic links (a loop?)")
        }
        if let root = roots.first(where: { Self.contains($0.path, real) }) {
            guard mode == .read || root.writable else {
                throw RuntimeError("cannot write '\(path)': \(root.path) is read-only for notebooks and scripts")
            }
            return real
        }
        throw RuntimeError(refusal(path, lexical: lexical, real: real, mode: mode))
    }

    /// The error for a path outside every root: what was asked, where it leads, and the flag.
    private func refusal(_ path: String, lexical: String, real: String, mode: Mode) -> String {
        let verb = mode == .read ? "read" : "write"
        let via = real == lexical ? "" : " (through a symbolic link, it leads to \(real))"
        let allowed = roots.map(\.path).joined(separator: ", ")
        return "cannot \(verb) '\(path)'\(via): it is outside the folders this notebook or script may use "
            + "(\(allowed)). If you trust it, run again with --allow-fs \(real)"
    }

    /// Whether `path` is `root` or inside it.
    static func contains(_ root: String, _ path: String) -> Bool {
        root == "/" || path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/")
    }

    static func absolute(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        let url =
            expanded.hasPrefix("/")
            ? URL(fileURLWithPath: expanded)
            : URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(expanded)
        return url.standardizedFileURL.path
    }

    /// `path` (absolute, no `..`) with every symbolic link resolved. The part that does not
    /// exist yet (a file about to be written) is appended to the resolved existing part; a
    /// link whose target does not exist resolves to where it points. nil for a loop of links.
    static func realPath(_ path: String) -> String? {
        var resolved = ""
        var remaining = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var hops = 0
        while !remaining.isEmpty {
            let component = remaining.removeFirst()
            if component == "." { continue }
            if component == ".." {
                resolved = (resolved as NSString).deletingLastPathComponent
                if resolved == "/" { resolved = "" }
                continue
            }
            let candidate = resolved + "/" + component
            guard let target = linkTarget(candidate) else {
                resolved = candidate
                continue
            }
            hops += 1
            if hops > 40 { return nil }
            let parts = target.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            if target.hasPrefix("/") { resolved = "" }
            remaining = parts + remaining
        }
        return resolved.isEmpty ? "/" : resolved
    }

    /// The target of the symbolic link at `path`, or nil when it is not a link.
    private static func linkTarget(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
