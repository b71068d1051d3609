import OrderedCollections

/// A JSON parser that keeps object keys in order, tells integers from doubles and reports
/// the line and column of a syntax error.
///
/// ```swift
/// let v = try JSONReader.parse(#"{"b": 1, "a": [true, null]}"#)   // keys stay b, a
/// ```
public struct JSONReader {
    private let bytes: [UInt8]
    private var i = 0
    private var line = 1
    private var lineStart = 0
    private var depth = 0

    /// Parses one JSON value filling the whole text (whitespace around it allowed).
    /// - Throws: `DatasetError` with the line (counted from `firstLine`) and what was expected.
    public static func parse(_ text: String, firstLine: Int = 1) throws -> FieldValue {
        var r = JSONReader(bytes: Array(text.utf8))
        r.line = firstLine
        r.skipSpace()
        let v = try r.value()
        r.skipSpace()
        if r.i < r.bytes.count { throw r.error("expected end of JSON after the value, found \(r.found())") }
        return v
    }

    /// Parses the first JSON object in `text` that starts at a `{`, ignoring text around it
    /// (a teacher's prose or a code fence). Returns nil when there is no `{`.
    public static func parseEmbeddedObject(_ text: String) throws -> FieldValue? {
        let bytes = Array(text.utf8)
        guard let start = bytes.firstIndex(of: UInt8(ascii: "{")) else { return nil }
        var r = JSONReader(bytes: bytes)
        for (k, b) in bytes[..<start].enumerated() where b == UInt8(ascii: "\n") {
            r.line += 1
            r.lineStart = k + 1
        }
        r.i = start
        return try r.value()
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private func error(_ message: String) -> DatasetError {
        DatasetError("\(message) (column \(i - lineStart + 1))", line: line)
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

    private mutating func value() throws -> FieldValue {
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
        if depth > 512 { throw error("JSON nested deeper than 512 levels") }
    }

    private mutating func object() throws -> FieldValue {
        try nest()
        defer { depth -= 1 }
        i += 1
        var fields = OrderedDictionary<String, FieldValue>()
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .record(Row(fields)) }
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
            if bytes[i] == UInt8(ascii: "}") { i += 1; return .record(Row(fields)) }
            throw error("expected ',' or '}' in the object, found \(found())")
        }
    }

    private mutating func array() throws -> FieldValue {
        try nest()
        defer { depth -= 1 }
        i += 1
        var items: [FieldValue] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .list(items) }
        while true {
            skipSpace()
            items.append(try value())
            skipSpace()
            guard i < bytes.count else { throw error("expected ',' or ']' in the array, found end of input") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return .list(items) }
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
        guard i + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16) else {
            throw error("expected 4 hex digits after \\u, found \(found())")
        }
        i += 4
        return v
    }

    private mutating func number() throws -> FieldValue {
        let start = i
        var isInteger = true
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        func digits() -> Int {
            let s = i
            while i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) { i += 1 }
            return i - s
        }
        guard digits() > 0 else { throw error("expected digits in a number, found \(found())") }
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
        guard let d = Double(text) else { throw error("number out of range: \(text)") }
        return .double(d)
    }
}
