// The one place where fewshot opens files for reading and replaces files when writing. Every
// reader (notebooks, models, tokenizers, datasets, `import`, `load`) refuses what is not a
// regular file before reading a byte, so a FIFO or a device named `x.gguf` cannot block or
// flood it; every writer replaces files atomically and cleans up after writers that were killed.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The C library's `read`, which `SafeFile.read` would otherwise shadow.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}

/// Reading regular files and replacing files atomically, with errors in plain words.
///
///     let bytes = try SafeFile.read("notebooks/sentiment.fsnb")
///     try SafeFile.writeAtomically(bytes, to: "copy.fsnb")
public enum SafeFile {
    /// An open file descriptor of a regular file and its size; close it with `close(fd)`.
    public struct OpenFile: Sendable {
        /// The descriptor, opened read-only.
        public var fd: Int32
        /// The file's size in bytes when it was opened.
        public var size: Int
    }

    /// Opens `path` read-only after checking that it is a regular file. It is opened
    /// non-blocking, so a FIFO with no writer does not block, and refused after `fstat`
    /// before anything is read. The caller closes the descriptor.
    public static func openForReading(_ path: String, limit: Int? = nil) throws(FileProblem) -> OpenFile {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw FileProblem(path: path, action: .read, reason: .system(operation: "open", errno: errno)) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw FileProblem(path: path, action: .read, reason: .system(operation: "stat", errno: code))
        }
        if let what = nonRegularKind(info.st_mode) {
            close(fd)
            throw FileProblem(path: path, action: .read, reason: .notRegularFile(what: what))
        }
        let size = Int(info.st_size)
        if let limit, size > limit {
            close(fd)
            throw FileProblem(path: path, action: .read, reason: .tooLarge(size: size, limit: limit))
        }
        // Regular files ignore O_NONBLOCK; clear it anyway so reads behave as plain reads.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return OpenFile(fd: fd, size: size)
    }

    /// Checks that `path` is a regular file that can be opened for reading, and returns its size.
    @discardableResult
    public static func checkReadable(_ path: String, limit: Int? = nil) throws(FileProblem) -> Int {
        let file = try openForReading(path, limit: limit)
        close(file.fd)
        return file.size
    }

    /// The whole content of the regular file at `path`; `limit` refuses larger files before
    /// reading them.
    public static func read(_ path: String, limit: Int? = nil) throws(FileProblem) -> [UInt8] {
        let file = try openForReading(path, limit: limit)
        defer { close(file.fd) }
        var bytes = [UInt8](repeating: 0, count: file.size)
        var count = 0
        while true {
            if count == bytes.count {
                // The file grew since fstat: read on in chunks, still within the limit.
                if let limit, count >= limit {
                    throw FileProblem(path: path, action: .read, reason: .tooLarge(size: count + 1, limit: limit))
                }
                bytes.append(contentsOf: repeatElement(0, count: max(1 << 16, count / 2)))
            }
            let n = bytes.withUnsafeMutableBytes { systemRead(file.fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileProblem(path: path, action: .read, reason: .system(operation: "read", errno: errno))
            }
            if n == 0 { break }
            count += n
        }
        bytes.removeLast(bytes.count - count)
        return bytes
    }

    /// Whether something (of any kind) exists at `path`.
    public static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// "a folder", "a named pipe (FIFO)", ... for a mode that is not a regular file's; nil for one.
    static func nonRegularKind(_ mode: mode_t) -> String? {
        switch mode & 0o170000 {
        case 0o100000: return nil
        case 0o040000: return "a folder"
        case 0o010000: return "a named pipe (FIFO)"
        case 0o020000: return "a character device"
        case 0o060000: return "a block device"
        case 0o140000: return "a socket"
        default: return "a special file"
        }
    }

    /// The directory (`.` when there is none) and the file name of `path`.
    public static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }
}
