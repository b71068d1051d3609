/// The kinds of token the lexer produces.
public enum TokenKind: Equatable, Sendable {
    case int(Int)
    case float(Double)
    /// A string literal, split into literal text and interpolated code (byte ranges in the file).
    case string([StringPart])
    case identifier(String)
    case keyword(Keyword)
    case symbol(Symbol)
    /// A line break that can end a statement.
    case newline
    case endOfInput
    /// Something the lexer could not read; it already reported a diagnostic.
    case invalid
}

/// A piece of a string literal.
public enum StringPart: Equatable, Sendable {
    case text(String)
    /// The source bytes of an interpolated `{expr}` (without the braces).
    case code(Range<Int>)
}

/// Reserved words.
public enum Keyword: String, CaseIterable, Sendable {
    case `let`, `var`, `fn`, `if`, `else`, `for`, `in`, `while`, `break`, `continue`, `return`
    case `and`, `or`, `not`, `true`, `false`, `nil`, `import`
}

/// Punctuation and operators.
public enum Symbol: String, CaseIterable, Sendable {
    case lparen = "(", rparen = ")", lbracket = "[", rbracket = "]", lbrace = "{", rbrace = "}"
    case comma = ",", colon = ":", semicolon = ";", dot = "."
    case plus = "+", minus = "-", star = "*", slash = "/", slashSlash = "//", percent = "%"
    case equal = "=", equalEqual = "==", bangEqual = "!="
    case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case plusEqual = "+=", minusEqual = "-=", starEqual = "*=", slashEqual = "/="
    case arrow = "=>", pipe = "|>"
}

/// A token and the byte range it covers.
public struct Token: Sendable {
    public let kind: TokenKind
    public let start: Int
    public let end: Int

    /// How the token reads in a message: `')'`, `end of input`, `'foo'`.
    public var quoted: String {
        switch kind {
        case .int(let v): return "'\(v)'"
        case .float(let v): return "'\(v)'"
        case .string: return "a string"
        case .identifier(let s): return "'\(s)'"
        case .keyword(let k): return "'\(k.rawValue)'"
        case .symbol(let s): return "'\(s.rawValue)'"
        case .newline: return "end of line"
        case .endOfInput: return "end of input"
        case .invalid: return "invalid input"
        }
    }
}
