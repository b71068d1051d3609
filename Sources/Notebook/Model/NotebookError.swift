import SafeFiles

/// Why a notebook could not be read, written or changed. Each case's `description` is a
/// complete message for the user, naming the file and line where there is one.
///
///     do { _ = try Notebook.load(from: "nb.fsnb") }
///     catch let error as NotebookError { print(error) }
///     // nb.fsnb:12: error: unknown output kind line '--- graph': ...
public enum NotebookError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file is not a well-formed notebook; `line` is 1-based.
    case malformed(path: String?, line: Int, message: String)
    /// The file is a notebook of a major version this fewshot cannot read.
    case unsupportedVersion(path: String?, found: String)
    /// The file could not be read or written (a folder in the way, no permission, a FIFO, a
    /// full disk); the problem says which path and what went wrong in plain words.
    case file(FileProblem)
    /// Two cells share an id.
    case duplicateCellID(String)
    /// A cell id breaks the rule of `Cell.isValidID`.
    case invalidCellID(String)
    /// A header entry looks like a secret (an API key, a token, a password in a URL); nothing
    /// was written.
    case secretInMetadata(key: String, reason: String)
    /// A header key is malformed or is one the format reserves.
    case invalidMetadataKey(String)
    /// A notebook that keeps its teacher recording in a sidecar has none next to it.
    case sidecarMissing(path: String)
    /// The sidecar next to the notebook is not the one the notebook was saved with.
    case sidecarMismatch(path: String)
    /// A cell kind cannot hold what it was given (a text cell with outputs).
    case invalidCell(id: String, reason: String)

    /// The 1-based line the error is about, where there is one.
    public var line: Int? {
        if case .malformed(_, let line, _) = self { return line }
        if case .unsupportedVersion = self { return 1 }
        return nil
    }

    /// The message for the user: `PATH:LINE: error: ...` when there is a file and a line.
    public var description: String {
        switch self {
        case .malformed(let path, let line, let message):
            return "\(path ?? "<notebook>"):\(line): error: \(message)"
        case .unsupportedVersion(let path, let found):
            let newer = (Int(found.prefix { $0 != "." }) ?? 0) > FormatVersion.current.major
            let known = FormatVersion.readableMajors.map { "\($0).x" }.joined(separator: " and ")
            return "\(path ?? "<notebook>"):1: error: notebook format version \(found) is "
                + (newer
                    ? "newer than this fewshot reads (\(known)); upgrade fewshot to open it"
                    : "not one this fewshot reads (\(known))")
        case .file(let problem):
            return "error: \(problem)"
        case .duplicateCellID(let id):
            return "error: two cells have the id '\(id)'"
        case .invalidCellID(let id):
            return "error: '\(id)' is not a cell id (1 to 64 of A-Z a-z 0-9 _ -)"
        case .secretInMetadata(let key, let reason):
            return "error: refusing to save header '\(key)': \(reason); secrets never go into notebooks"
        case .invalidMetadataKey(let key):
            return "error: '\(key)' cannot be a header key (lower-case letters, digits and '-', "
                + "not a name the format reserves)"
        case .sidecarMissing(let path):
            return "\(path): error: the notebook keeps its teacher recording here, but the file is missing"
        case .sidecarMismatch(let path):
            return "\(path): error: this teacher recording is not the one the notebook was saved with"
        case .invalidCell(let id, let reason):
            return "error: cell '\(id)': \(reason)"
        }
    }
}
