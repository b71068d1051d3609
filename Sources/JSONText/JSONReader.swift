import OrderedCollections

/// The one JSON parser of fewshot (RFC 8259): keeps object keys in order, tells integers from
/// doubles, refuses nesting deeper than a limit, and reports the line and column of a syntax
/// error with what was expected.
///
/// ```swift
/// let v = try JSONReader.parse(#"{"b": 1, "a": [true, null]}"#)   // keys stay b, a
/// ```
public struct JSONReader {
    /// The nesting limit when the caller gives none: arrays and objects 512 deep.
    public static let defaultMaxDepth = 512

    private let bytes: [UInt8]
    private let maxDepth: Int
    private var i = 0
    private var line = 1
    private var lineStart = 0
    private var depth = 0

    /// Parses one JSON value filling the whole text (whitespace around it allowed).
    /// - Parameters:
    ///   - firstLine: the line number of the text's first line (a JSONL file's line).
    ///   - maxDepth: how many arrays and objects may nest.
    /// - Throws: `JSONSyntaxError` with the line, the column and what was expected.
    public static func parse(_ text: String, firstLine: Int = 1, maxDepth: Int = defaultMaxDepth) throws -> JSON {
        var r = JSONReader(bytes: Array(text.utf8), maxDepth: maxDepth)
        r.line = firstLine
        r.skipSpace()
        let v = try r.value()
        r.skipSpace()
        if r.i < r.bytes.count { throw r.error("expected end of JSON after the value, found \(r.found())") }
        return v
    }

    /// Parses the first JSON object in `text` that starts at a `{`, ignoring text around it
    /// (a teacher's prose or a code fence). Returns nil when there is no `{`.
    public static func parseEmbeddedObject(_ text: String, maxDepth: Int = defaultMaxDepth) throws -> JSON? {
        let bytes = Array(text.utf8)
        guard let start = bytes.firstIndex(of: UInt8(ascii: "{")) else { return nil }
        var r = JSONReader(bytes: bytes, maxDepth: maxDepth)
        for (k, b) in bytes[..<start].enumerated() where b == UInt8(ascii: "\n") {
            r.line += 1
            r.lineStart = k + 1
        }
        r.i = start
        return try r.value()
    }

    private init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    private func error(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(message, line: line, column: i - lineStart + 1, offset: i, atEndOfInput: i >= bytes.count)
    }

    private func found() -> String {
        guard i < bytes.count else { return "end of input" }
        let end = min(bytes.count, i + 12)
        return "'" + String(decoding: bytes[i..<end], as: UTF8.self) + (end < bytes.count ? "…'" : "'")
    }

    private mutating func skipSpace() {
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "\n"): i += 1; line += 1; lineStart = i
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): i += 1
            default: return
            }
        }
    }

    private mutating func value() throws -> JSON {
        guard i < bytes.count else { throw error("expected a JSON value, found end of input") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw error("expected a JSON value, found \(found())")
        }
    }

    private mutating func literal(_ word: String) throws {
        let w = Array(word.utf8)
        guard i + w.count <= bytes.count, Array(bytes[i..<i + w.count]) == w else {
            throw error("expected a JSON value, found \(found())")
        }
        i += w.count
    }

    private mutating func nest() throws {
        depth += 1
        if depth > maxDepth { throw error("JSON nested deeper than \(maxDepth) levels") }
    }

    private mutating func object() throws -> JSON {
        try nest()
        defer { depth -= 1 }
        i += 1
        var fields = OrderedDictionary<String, JSON>()
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(fields) }
        while true {
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
                throw error("expected a string key in the object, found \(found())")
            }
            let key = try string()
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else {
                throw error("expected ':' after the key \"\(key)\", found \(found())")
            }
            i += 1
            skipSpace()
            fields[key] = try value()
            skipSpace()
            guard i < bytes.count else { throw error("expected ',' or '}' in the object, found end of input") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(fields) }
            throw error("expected ',' or '}' in the object, found \(found())")
        }
    }

    private mutating func array() throws -> JSON {
        try nest()
        defer { depth -= 1 }
        i += 1
        var items: [JSON] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
        while true {
            skipSpace()
            items.append(try value())
            skipSpace()
            guard i < bytes.count else { throw error("expected ',' or ']' in the array, found end of input") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            throw error("expected ',' or ']' in the array, found \(found())")
        }
    }

    private mutating func string() throws -> String {
        i += 1
        var out: [UInt8] = []
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
            if b == UInt8(ascii: "\\") {
                i += 1
                guard i < bytes.count else { break }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""): out.append(e)
                case UInt8(ascii: "\\"): out.append(e)
                case UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "f"): out.append(12)
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    // A surrogate pair encodes one scalar above U+FFFF; a lone half becomes U+FFFD.
                    if (0xD800..<0xDC00).contains(scalar), i + 1 < bytes.count,
                        bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u")
                    {
                        i += 2
                        let low = try hex4()
                        if (0xDC00..<0xE000).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                    }
                    let s = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                    out.append(contentsOf: Array(String(Character(s)).utf8))
                default:
                    i -= 1
                    throw error("expected an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX) in a string, found \(found())")
                }
            } else if b < 0x20 {
                throw error(b == 10 ? "unterminated string (a raw newline inside it)" : "raw control character in a string")
            } else {
                out.append(b)
                i += 1
            }
        }
        throw error("unterminated string, expected '\"'")
    }

    private mutating func hex4() throws -> UInt32 {
        let isHex: (UInt8) -> Bool = { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) }
        guard i + 4 <= bytes.count, bytes[i..<i + 4].allSatisfy(isHex),
            let v = UInt32(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16)
        else {
            throw error("expected 4 hex digits after \\u, found \(found())")
        }
        i += 4
        return v
    }

    /// RFC 8259's number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, nothing more
    /// (no `+`, no leading zeros, no bare `.` or exponent).
    private mutating func number() throws -> JSON {
        let start = i
        var isInteger = true
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        func digits() -> Int {
            let s = i
            while i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) { i += 1 }
            return i - s
        }
        let intStart = i
        let intDigits = digits()
        guard intDigits > 0 else { throw error("expected digits in a number, found \(found())") }
        if intDigits > 1, bytes[intStart] == UInt8(ascii: "0") {
            i = intStart
            throw error("a number cannot start with 0 followed by more digits, found \(found())")
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            isInteger = false
            guard digits() > 0 else { throw error("expected digits after '.', found \(found())") }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            isInteger = false
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { throw error("expected digits in the exponent, found \(found())") }
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        if isInteger, let v = Int(text) { return .int(v) }
        guard let d = Double(text), d.isFinite else { throw error("number out of range: \(text)") }
        return .double(d)
    }
}
