/// Why a text is not JSON, and where: the line and column (both from 1, the column counted in
/// UTF-8 bytes from the start of the line) and the byte offset from the start of the text.
public struct JSONSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was expected and what was found ("expected ',' or ']' in the array, found 'x'").
    public let message: String
    /// The line of the error, counted from the reader's first line.
    public let line: Int
    /// The column of the error on its line, from 1.
    public let column: Int
    /// The byte offset of the error in the text, from 0.
    public let offset: Int
    /// True when the text ended before the value did (an unclosed array, object or string).
    public let atEndOfInput: Bool

    /// Makes an error at a position.
    public init(_ message: String, line: Int, column: Int, offset: Int, atEndOfInput: Bool = false) {
        self.message = message
        self.line = line
        self.column = column
        self.offset = offset
        self.atEndOfInput = atEndOfInput
    }

    /// `LINE:COL: MESSAGE`.
    public var description: String { "\(line):\(column): \(message)" }
}
