// The file system calls the notebook needs, on the C library directly: reading a whole file,
// and replacing one atomically (write a temporary file in the same directory, fsync it,
// rename it over the old one, fsync the directory).

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The C library's `read`, which `FileIO.read` would otherwise shadow.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}

enum FileIO {
    /// The whole content of the file at `path`.
    static func read(_ path: String) throws(NotebookError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .io(path: path, operation: "stat", errno: errno) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(info.st_size) + 1)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, operation: "read", errno: errno)
            }
            if n == 0 { return bytes }
            bytes += chunk[0..<n]
        }
    }

    /// Whether something exists at `path`.
    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// Replaces the file at `path` with `bytes` so that, whenever the process or the machine
    /// stops, the path holds either the old content or the new, never a mix.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(NotebookError) {
        let (directory, name) = split(path)
        let prefix = ".\(name).tmp-"
        removeStaleTemporaries(in: directory, prefix: prefix)
        var generator = SystemRandomNumberGenerator()
        let temporary = "\(directory)/\(prefix)\(getpid())-\(String(generator.next() & 0xFFFF_FFFF, radix: 16))"
        // Keep the permissions of the file we replace; a new file gets 0666 less the umask.
        var info = stat()
        let existingMode: mode_t? = stat(path, &info) == 0 ? info.st_mode & 0o7777 : nil
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, existingMode ?? 0o666)
        guard fd >= 0 else { throw .io(path: temporary, operation: "create", errno: errno) }
        var isOpen = true
        do throws(NotebookError) {
            try writeAll(fd, bytes, path: temporary)
            // open(2) applied the umask; a replaced file keeps exactly its old mode.
            if let mode = existingMode, fchmod(fd, mode) != 0 {
                throw .io(path: temporary, operation: "chmod", errno: errno)
            }
            guard fsync(fd) == 0 else { throw .io(path: temporary, operation: "fsync", errno: errno) }
            isOpen = false
            guard close(fd) == 0 else { throw .io(path: temporary, operation: "close", errno: errno) }
        } catch {
            if isOpen { close(fd) }
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw .io(path: path, operation: "rename", errno: code)
        }
        // The rename is durable only once the directory entry is on disk.
        let dirFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dirFD >= 0 else { throw .io(path: directory, operation: "open directory", errno: errno) }
        defer { close(dirFD) }
        guard fsync(dirFD) == 0 else { throw .io(path: directory, operation: "fsync directory", errno: errno) }
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(NotebookError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, operation: "write", errno: errno)
            }
            offset += n
        }
    }

    /// The directory (`.` when there is none) and the file name of `path`.
    static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }

    /// Removes temporary files that saves killed before their rename left behind: those named
    /// `prefix` + the id of a process that no longer runs.
    private static func removeStaleTemporaries(in directory: String, prefix: String) {
        guard let dir = opendir(directory) else { return }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name.hasPrefix(prefix) else { continue }
            let pidText = name.dropFirst(prefix.count).prefix { $0 != "-" }
            guard let pid = pid_t(pidText), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                unlink("\(directory)/\(name)")
            }
        }
    }
}
