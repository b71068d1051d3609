/// Splits source bytes into tokens. Errors are collected as diagnostics and the lexer carries
/// on, so one bad character does not hide the rest of the file.
///
/// Newlines inside `(` `)` and `[` `]` are dropped here; inside `{` `}` they are kept because a
/// brace may open a block of statements. The parser skips newlines where an expression
/// obviously continues (after an operator or a comma).
public struct Lexer {
    public let file: SourceFile
    private let bytes: [UInt8]
    private var pos: Int
    private let end: Int
    /// Open brackets, innermost last, with their offsets (for "to match this '('" notes).
    private var brackets: [(UInt8, Int)] = []
    /// The innermost bracket still open at the end of input (its byte and offset), if any.
    public var unclosedBracket: (UInt8, Int)? { brackets.last }
    public private(set) var diagnostics: [Diagnostic] = []
    /// Kind used when input runs out inside a bracket or string: `.incomplete` for whole
    /// files, `.syntax` for the code of an interpolation (which does have an end).
    private let endKind: DiagnosticKind

    /// Lexes the whole file, or `range` of it (used for `{expr}` inside strings).
    public init(file: SourceFile, range: Range<Int>? = nil) {
        self.file = file
        self.bytes = file.bytes
        self.pos = range?.lowerBound ?? 0
        self.end = range?.upperBound ?? file.bytes.count
        self.endKind = range == nil ? .incomplete : .syntax
    }

    /// All tokens, ending with `.endOfInput`.
    public mutating func tokenize() -> [Token] {
        var tokens: [Token] = []
        tokens.reserveCapacity((end - pos) / 3 + 1)
        while true {
            let t = next()
            if case .newline = t.kind, let last = tokens.last {
                if case .newline = last.kind { continue }  // collapse blank lines
            }
            tokens.append(t)
            if case .endOfInput = t.kind { return tokens }
        }
    }

    private func range(_ s: Int, _ e: Int) -> SourceRange { SourceRange(file: file, start: s, end: e) }

    private mutating func error(_ kind: DiagnosticKind, _ message: String, _ s: Int, _ e: Int, notes: [DiagnosticNote] = []) {
        diagnostics.append(Diagnostic(kind, message, at: range(s, e), notes: notes))
    }

    private func peek(_ k: Int = 0) -> UInt8 { pos + k < end ? bytes[pos + k] : 0 }

    private var insideParens: Bool {
        if let top = brackets.last { return top.0 != UInt8(ascii: "{") }
        return false
    }

    private mutating func next() -> Token {
        // Skip spaces and comments; a newline becomes a token unless inside ( or [.
        while pos < end {
            let c = bytes[pos]
            if c == 0x20 || c == 0x09 || c == 0x0D {
                pos += 1
            } else if c == UInt8(ascii: "#") {
                while pos < end && bytes[pos] != 0x0A { pos += 1 }
            } else if c == 0x0A {
                pos += 1
                if !insideParens { return Token(kind: .newline, start: pos - 1, end: pos) }
            } else if c == UInt8(ascii: "\\") && peek(1) == 0x0A {
                pos += 2  // explicit line continuation
            } else {
                break
            }
        }
        guard pos < end else {
            return Token(kind: .endOfInput, start: end, end: end)
        }
        let start = pos
        let c = bytes[pos]
        if isIdentStart(c) { return identifier(start) }
        if isDigit(c) { return number(start) }
        if c == UInt8(ascii: "\"") { return string(start, quote: c, interpolating: true) }
        if c == UInt8(ascii: "'") { return string(start, quote: c, interpolating: false) }
        return symbol(start, c)
    }

    private func isIdentStart(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F
    }
    private func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    private mutating func identifier(_ start: Int) -> Token {
        while pos < end && (isIdentStart(bytes[pos]) || isDigit(bytes[pos])) { pos += 1 }
        let text = String(decoding: bytes[start..<pos], as: UTF8.self)
        if let k = Keyword(rawValue: text) { return Token(kind: .keyword(k), start: start, end: pos) }
        return Token(kind: .identifier(text), start: start, end: pos)
    }

    private mutating func number(_ start: Int) -> Token {
        var isFloat = false
        while pos < end && (isDigit(bytes[pos]) || bytes[pos] == UInt8(ascii: "_")) { pos += 1 }
        if peek() == UInt8(ascii: "."), isDigit(peek(1)) {
            isFloat = true
            pos += 1
            while pos < end && (isDigit(bytes[pos]) || bytes[pos] == UInt8(ascii: "_")) { pos += 1 }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            let sign = peek(1) == UInt8(ascii: "+") || peek(1) == UInt8(ascii: "-") ? 1 : 0
            if isDigit(peek(1 + sign)) {
                isFloat = true
                pos += 1 + sign
                while pos < end && isDigit(bytes[pos]) { pos += 1 }
            }
        }
        if pos < end && (isIdentStart(bytes[pos])) {
            while pos < end && (isIdentStart(bytes[pos]) || isDigit(bytes[pos])) { pos += 1 }
            error(.syntax, "invalid number literal '\(file.slice(start..<pos))'", start, pos)
            return Token(kind: .invalid, start: start, end: pos)
        }
        let text = String(decoding: bytes[start..<pos].filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
        if isFloat, let v = Double(text) { return Token(kind: .float(v), start: start, end: pos) }
        if !isFloat, let v = Int(text) { return Token(kind: .int(v), start: start, end: pos) }
        error(.syntax, "number literal '\(file.slice(start..<pos))' is too large", start, pos)
        return Token(kind: .invalid, start: start, end: pos)
    }

    private mutating func symbol(_ start: Int, _ c: UInt8) -> Token {
        let two = pos + 1 < end ? String(decoding: bytes[pos..<pos + 2], as: UTF8.self) : ""
        if let s = Symbol(rawValue: two), two.count == 2 {
            pos += 2
            return Token(kind: .symbol(s), start: start, end: pos)
        }
        if c < 0x80, let s = Symbol(rawValue: String(UnicodeScalar(c))) {
            pos += 1
            switch s {
            case .lparen, .lbracket, .lbrace: brackets.append((c, start))
            case .rparen, .rbracket, .rbrace:
                // Pop to the matching opener; a stray closer is left for the parser to report.
                let opener: UInt8 = s == .rparen ? 0x28 : s == .rbracket ? 0x5B : 0x7B
                if let i = brackets.lastIndex(where: { $0.0 == opener }) { brackets.removeSubrange(i...) }
            default: break
            }
            return Token(kind: .symbol(s), start: start, end: pos)
        }
        // Skip one whole UTF-8 scalar so the message shows the character.
        pos += 1
        while pos < end && bytes[pos] & 0xC0 == 0x80 { pos += 1 }
        let ch = file.slice(start..<pos)
        let shown = ch == "\u{FFFD}" ? "invalid UTF-8 or replacement character" : "character '\(ch)'"
        error(.syntax, "unexpected \(shown)", start, pos)
        return Token(kind: .invalid, start: start, end: pos)
    }

    /// Reads `"..."` or `"""..."""`, with escapes and `{expr}` interpolation, or `'...'` or
    /// `'''...'''`, with escapes but no interpolation: `{` is plain text there, which is how
    /// prompt templates write their slots (`'Review: {text}'`).
    private mutating func string(_ start: Int, quote: UInt8, interpolating: Bool) -> Token {
        let triple = peek(1) == quote && peek(2) == quote
        pos += triple ? 3 : 1
        var parts: [StringPart] = []
        var text: [UInt8] = []
        func flush() {
            if !text.isEmpty { parts.append(.text(String(decoding: text, as: UTF8.self))); text.removeAll() }
        }
        while true {
            guard pos < end else {
                error(
                    endKind, "unterminated string", start, start + (triple ? 3 : 1),
                    notes: [DiagnosticNote("the string starts here and is never closed", at: range(start, start + 1))])
                flush()
                return Token(kind: .string(parts), start: start, end: pos)
            }
            let c = bytes[pos]
            if c == quote {
                if !triple { pos += 1; break }
                if peek(1) == quote && peek(2) == quote { pos += 3; break }
                text.append(c); pos += 1
            } else if c == 0x0A && !triple {
                let tripled = String(repeating: String(UnicodeScalar(quote)), count: 3)
                error(.syntax, "unterminated string (use \(tripled) for multi-line strings)", start, pos)
                flush()
                return Token(kind: .string(parts), start: start, end: pos)
            } else if c == UInt8(ascii: "\\") {
                escape(&text)
            } else if c == UInt8(ascii: "{") && interpolating {
                flush()
                let open = pos
                if let code = interpolation() {
                    parts.append(.code(code))
                } else {
                    // Reported; read the rest as plain text so the string still ends where written.
                    pos = open + 1
                    text.append(c)
                }
            } else {
                // Copy a run of ordinary bytes at once (keeps 10 MB literals fast).
                var j = pos + 1
                while j < end {
                    let b = bytes[j]
                    if b == quote || b == 0x0A || b == UInt8(ascii: "\\") || (b == UInt8(ascii: "{") && interpolating) { break }
                    j += 1
                }
                text.append(contentsOf: bytes[pos..<j])
                pos = j
            }
        }
        flush()
        if triple { parts = dedentTriple(parts) }
        return Token(kind: .string(parts), start: start, end: pos)
    }

    private mutating func escape(_ text: inout [UInt8]) {
        let s = pos
        pos += 1
        guard pos < end else { return }
        let e = bytes[pos]
        pos += 1
        switch e {
        case UInt8(ascii: "n"): text.append(0x0A)
        case UInt8(ascii: "t"): text.append(0x09)
        case UInt8(ascii: "r"): text.append(0x0D)
        case UInt8(ascii: "0"): text.append(0)
        case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "{"), UInt8(ascii: "}"): text.append(e)
        case UInt8(ascii: "u") where peek() == UInt8(ascii: "{"):
            let hs = pos + 1
            var he = hs
            while he < end && bytes[he] != UInt8(ascii: "}") && he - hs < 8 { he += 1 }
            if he < end, bytes[he] == UInt8(ascii: "}"),
                let v = UInt32(String(decoding: bytes[hs..<he], as: UTF8.self), radix: 16),
                let scalar = Unicode.Scalar(v)
            {
                text.append(contentsOf: Array(String(Character(scalar)).utf8))
                pos = he + 1
            } else {
                error(.syntax, "invalid unicode escape", s, min(he + 1, end))
                pos = min(he + 1, end)
            }
        default:
            error(.syntax, "unknown escape sequence '\\\(String(UnicodeScalar(e)))'", s, pos)
        }
    }

    /// Finds the end of `{...}` inside a string, skipping nested braces and strings.
    private mutating func interpolation() -> Range<Int>? {
        let open = pos
        pos += 1
        var depth = 1
        while pos < end {
            let c = bytes[pos]
            if c == UInt8(ascii: "{") {
                depth += 1
            } else if c == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 { pos += 1; return (open + 1)..<(pos - 1) }
            } else if c == 0x22 || c == UInt8(ascii: "'") {
                // A string inside the interpolated code: skip it (it may contain braces).
                pos += 1
                while pos < end && bytes[pos] != c && bytes[pos] != 0x0A {
                    pos += bytes[pos] == UInt8(ascii: "\\") ? 2 : 1
                }
                if pos >= end || bytes[pos] == 0x0A { break }
            } else if c == 0x0A {
                break
            }
            pos += 1
        }
        pos = min(pos, end)
        let kind: DiagnosticKind = pos >= end ? endKind : .syntax
        error(
            kind, "unterminated interpolation in string: expected '}'", min(pos, end), min(pos, end),
            notes: [DiagnosticNote("to match this '{'", at: range(open, open + 1))])
        return nil
    }

    /// A triple-quoted string that starts with a newline drops it, and the common indentation
    /// of its lines is removed, so prompts can be indented with the code around them.
    private func dedentTriple(_ parts: [StringPart]) -> [StringPart] {
        guard case .text(let first)? = parts.first, first.hasPrefix("\n") else { return parts }
        var parts = parts
        parts[0] = .text(String(first.dropFirst()))
        // Measure the indentation of the text lines (code parts count as content).
        var minIndent = Int.max
        var atLineStart = true, indent = 0
        for part in parts {
            switch part {
            case .code:
                if atLineStart { minIndent = min(minIndent, indent); atLineStart = false }
            case .text(let t):
                for ch in t.unicodeScalars {
                    if atLineStart {
                        if ch == " " { indent += 1; continue }
                        if ch == "\n" { indent = 0; continue }
                        minIndent = min(minIndent, indent); atLineStart = false
                    }
                    if ch == "\n" { atLineStart = true; indent = 0 }
                }
            }
        }
        if atLineStart { minIndent = min(minIndent, indent) }  // closing quotes' indentation
        if minIndent == Int.max { minIndent = 0 }
        var result: [StringPart] = []
        atLineStart = true
        for part in parts {
            guard case .text(let t) = part else { result.append(part); atLineStart = false; continue }
            var out = ""
            var skip = atLineStart ? minIndent : 0
            for ch in t.unicodeScalars {
                if skip > 0 && ch == " " { skip -= 1; continue }
                skip = 0
                out.unicodeScalars.append(ch)
                if ch == "\n" { skip = minIndent }
            }
            atLineStart = skip > 0
            result.append(.text(out))
        }
        // Closing quotes on their own line: the final line break belongs to the layout.
        if case .text(let last)? = result.last, last.hasSuffix("\n") {
            result[result.count - 1] = .text(String(last.dropLast()))
        }
        return result
    }
}
