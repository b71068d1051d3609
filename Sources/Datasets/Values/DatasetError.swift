/// An error about data: where it happened (file, line) and what was expected.
///
/// Its description reads `tweets.csv:37: ragged row: expected 3 fields, found 4`.
public struct DatasetError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file, when the error is about one.
    public var file: String?
    /// The 1-based line in `file`, when known.
    public var line: Int?
    /// What went wrong and what was expected.
    public var message: String

    /// An error with a message and, optionally, where.
    public init(_ message: String, file: String? = nil, line: Int? = nil) {
        self.message = message
        self.file = file
        self.line = line
    }

    /// The same error, located in `file` (keeps a file already set).
    public func located(in file: String) -> DatasetError {
        var e = self
        if e.file == nil { e.file = file }
        return e
    }

    public var description: String {
        var prefix = ""
        if let file { prefix = file + (line.map { ":\($0)" } ?? "") + ": " } else if let line { prefix = "line \(line): " }
        return prefix + message
    }
}
