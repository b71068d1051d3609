#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a file could not be read or written, as a complete sentence in plain words that names
/// the path: every reader and writer of fewshot reports file errors through it, so a user sees
/// "cannot write 'out/': it is a folder, not a file" rather than an error number or domain.
///
///     do { try SafeFile.writeAtomically(Array("hi\n".utf8), to: "/tmp") }
///     catch { print(error) }   // cannot write '/tmp': it is a folder, not a file
public struct FileProblem: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was being done with the file.
    public enum Action: String, Hashable, Sendable {
        case read, write
    }

    /// What went wrong.
    public enum Reason: Hashable, Sendable {
        /// A system call failed with this error number.
        case system(operation: String, errno: Int32)
        /// The path names something that is not a regular file (`what`: "a folder", "a named pipe (FIFO)", ...).
        case notRegularFile(what: String)
        /// The file is larger than the limit for this kind of file.
        case tooLarge(size: Int, limit: Int)
    }

    /// The path as the user gave it (or as it was resolved).
    public var path: String
    /// Reading or writing.
    public var action: Action
    /// What went wrong.
    public var reason: Reason

    /// A problem with `path` while doing `action`.
    public init(path: String, action: Action, reason: Reason) {
        self.path = path
        self.action = action
        self.reason = reason
    }

    /// The system error number, when a system call failed.
    public var errno: Int32? {
        if case .system(_, let code) = reason { return code }
        return nil
    }

    /// The system call that failed ("open", "write", "rename", ...), when one did.
    public var operation: String? {
        if case .system(let operation, _) = reason { return operation }
        return nil
    }

    /// `cannot write 'PATH': REASON`.
    public var description: String {
        "cannot \(action.rawValue) '\(path)': \(explanation)"
    }

    /// The reason alone, in plain words.
    public var explanation: String {
        switch reason {
        case .notRegularFile(let what):
            return "it is \(what), not a regular file"
        case .tooLarge(let size, let limit):
            return "the file is \(size) bytes, more than the \(limit) bytes fewshot reads for it"
        case .system(let operation, let code):
            return Self.words(for: code, operation: operation, action: action, path: path)
        }
    }

    /// Plain words for an error number, knowing what was being done.
    static func words(for code: Int32, operation: String, action: Action, path: String) -> String {
        switch code {
        case EISDIR: return "it is a folder, not a file"
        case ENOENT:
            if action == .write {
                let directory = SafeFile.split(path).directory
                return access(directory, F_OK) == 0
                    ? "the folder '\(directory)' does not accept new files" : "the folder '\(directory)' does not exist"
            }
            return "there is no such file"
        case ENOTDIR: return "a part of the path is a file, not a folder"
        case EACCES, EPERM:
            return
                "permission denied (\(action == .write ? "the file or its folder is not writable" : "the file is not readable"))"
        case ENOSPC: return "the disk is full"
        case EDQUOT: return "the disk quota is used up"
        case EROFS: return "the file system is read-only"
        case ENAMETOOLONG: return "the path or a name in it is too long"
        case ELOOP: return "the path goes through too many symbolic links (a loop?)"
        case EMFILE, ENFILE: return "too many files are open"
        case EIO: return "an input/output error (the disk or the network file system failed)"
        case EFBIG: return "the file is too large for the file system"
        case EXDEV: return "the temporary file and the target are on different file systems"
        case EBUSY, ETXTBSY: return "the file is busy"
        default: return "\(operation) failed: \(String(cString: strerror(code)))"
        }
    }
}
