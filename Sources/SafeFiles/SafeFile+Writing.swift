// Atomic replacement of a whole file: the bytes go to a temporary file in the same folder,
// which is fsynced and renamed over the target, and the folder is fsynced. A crash or a kill
// at any moment leaves the old content or the new one under the real name.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension SafeFile {
    /// Replaces the file at `path` with `bytes`, keeping its permissions (a new file gets 0666
    /// less the umask). Errors name `path` (never the temporary file) and say in plain words
    /// what went wrong: a folder in the way, a missing folder, no permission, a full disk.
    ///
    /// The temporary file is `.NAME.tmp-PID-RANDOM`. Temporary files of this form in the same
    /// folder whose process no longer runs (saves that were killed) are removed first.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws(FileProblem) {
        let failure: FileProblem? = bytes.withUnsafeBytes { raw in
            do throws(FileProblem) {
                try writeAtomically(raw, to: path)
                return nil
            } catch { return error }
        }
        if let failure { throw failure }
    }

    /// `writeAtomically` for bytes in memory that is not an array (a `Data`'s bytes).
    public static func writeAtomically(_ bytes: UnsafeRawBufferPointer, to path: String) throws(FileProblem) {
        func problem(_ operation: String, _ code: Int32) -> FileProblem {
            FileProblem(path: path, action: .write, reason: .system(operation: operation, errno: code))
        }
        let (directory, name) = split(path)
        guard !name.isEmpty, name != ".", name != ".." else { throw problem("open", EISDIR) }
        // What is already there decides the mode, and whether it may be replaced at all.
        var info = stat()
        var existingMode: mode_t?
        if stat(path, &info) == 0 {
            if let what = nonRegularKind(info.st_mode) {
                if what == "a folder" { throw problem("open", EISDIR) }
                throw FileProblem(path: path, action: .write, reason: .notRegularFile(what: what))
            }
            existingMode = info.st_mode & 0o7777
        } else if errno == ENOTDIR || errno == ELOOP || errno == ENAMETOOLONG || errno == EACCES {
            throw problem("stat", errno)
        }
        let prefix = ".\(name).tmp-"
        removeStaleTemporaries(in: directory)
        var generator = SystemRandomNumberGenerator()
        let temporary = "\(directory)/\(prefix)\(getpid())-\(String(generator.next() & 0xFFFF_FFFF, radix: 16))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, existingMode ?? 0o666)
        guard fd >= 0 else { throw problem("create", errno) }
        var isOpen = true
        do throws(FileProblem) {
            var offset = 0
            while offset < bytes.count {
                let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw problem("write", errno)
                }
                offset += n
            }
            // open(2) applied the umask; a replaced file keeps exactly its old mode.
            if let mode = existingMode, fchmod(fd, mode) != 0 { throw problem("chmod", errno) }
            guard fsync(fd) == 0 else { throw problem("fsync", errno) }
            isOpen = false
            guard close(fd) == 0 else { throw problem("close", errno) }
        } catch {
            if isOpen { close(fd) }
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw problem("rename", code)
        }
        // The rename is durable only once the folder entry is on disk.
        let dirFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dirFD >= 0 else { throw problem("open the folder", errno) }
        defer { close(dirFD) }
        guard fsync(dirFD) == 0 || errno == EINVAL else { throw problem("fsync the folder", errno) }
    }

    /// Removes the temporary files that saves killed before their rename left in `directory`:
    /// `.NAME.tmp-PID` or `.NAME.tmp-PID-HEX` where no process `PID` runs any more.
    public static func removeStaleTemporaries(in directory: String) {
        guard let dir = opendir(directory) else { return }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let pid = temporaryOwner(name), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                unlink("\(directory)/\(name)")
            }
        }
    }

    /// The process id in a temporary file name `.NAME.tmp-PID[-HEX]`, or nil for any other name.
    static func temporaryOwner(_ name: String) -> pid_t? {
        guard name.hasPrefix("."), let marker = name.ranges(of: ".tmp-").last,
            marker.lowerBound > name.index(after: name.startIndex)
        else { return nil }
        let parts = name[marker.upperBound...].split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2, let pid = pid_t(parts[0]), pid > 0,
            parts[0].allSatisfy(\.isASCII),
            parts.count == 1 || (1...8).contains(parts[1].count) && parts[1].allSatisfy({ $0.isHexDigit && $0.isASCII })
        else { return nil }
        return pid
    }
}
