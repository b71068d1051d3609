/// Files and JSON. Every path goes through the session's `FileAccessPolicy`.
enum IOBuiltins {
    typealias P = BuiltinParameter

    static let all: [Builtin] = [
        Builtin(
            "read_text", [P("path", .string)], category: "files",
            doc: """
                Reads a UTF-8 text file (relative paths are relative to the script).
                Example: let text = read_text("notes.txt")
                """
        ) { args, ctx in
            .string(try ctx.fileAccess.readText(try args.string("path"), relativeTo: ctx.directory))
        },
        Builtin(
            "write_text", [P("path", .string), P("text", .string)], category: "files",
            doc: """
                Writes text to a file, replacing it atomically.
                Example: write_text("out.txt", "done\\n")
                """
        ) { args, ctx in
            try ctx.fileAccess.writeText(try args.string("text"), to: try args.string("path"), relativeTo: ctx.directory)
            return .nil
        },
        Builtin(
            "json", [P("value"), P("indent", .int, default: 0, bounds: .between(0, 16))], category: "files",
            doc: """
                Encodes a value as JSON text (records keep their field order); `indent` > 0 pretty-prints.
                Example: json({a: [1, true, nil]})  # "{\\"a\\":[1,true,null]}"
                """
        ) { args, _ in
            .string(try JSON.encode(args[0], indent: max(0, min(try args.int("indent"), 16))))
        },
        Builtin(
            "parse_json", [P("text", .string)], category: "files",
            doc: """
                Decodes JSON text into values (objects become records, null becomes nil).
                Example: parse_json("[1, 2.5, \\"x\\"]")  # [1, 2.5, "x"]
                """
        ) { args, _ in
            do { return try JSON.decode(try args.string("text")) } catch let e as JSON.DecodeError {
                throw args.error("text", "invalid JSON at character \(e.offset + 1): \(e.message)")
            }
        },
    ]
}

/// A small JSON encoder and decoder with a nesting limit.
enum JSON {
    struct DecodeError: Error {
        let message: String
        let offset: Int
    }

    static func encode(_ v: Value, indent: Int, depth: Int = 0) throws -> String {
        if depth > 200 { throw RuntimeError("value is nested too deeply for JSON") }
        let nl = indent > 0 ? "\n" + String(repeating: " ", count: indent * (depth + 1)) : ""
        let close = indent > 0 ? "\n" + String(repeating: " ", count: indent * depth) : ""
        let colon = indent > 0 ? ": " : ":"
        switch v {
        case .nil: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .float(let d):
            guard d.isFinite else { throw RuntimeError("cannot encode \(Value.formatFloat(d)) as JSON") }
            return Value.formatFloat(d)
        case .string(let s): return quote(s)
        case .list(let xs):
            if xs.isEmpty { return "[]" }
            return "[" + nl + (try xs.map { try encode($0, indent: indent, depth: depth + 1) }).joined(separator: "," + nl)
                + close + "]"
        case .record(let r):
            if r.count == 0 { return "{}" }
            let fields = try r.fields.map { quote($0.key) + colon + (try encode($0.value, indent: indent, depth: depth + 1)) }
            return "{" + nl + fields.joined(separator: "," + nl) + close + "}"
        case .function, .host:
            throw RuntimeError("cannot encode \(v.typeName) as JSON")
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if ch.value < 0x20 {
                    let hex = String(ch.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(ch)
                }
            }
        }
        return out + "\""
    }

    static func decode(_ text: String) throws -> Value {
        var p = Decoder(bytes: Array(text.utf8))
        p.skipSpace()
        let v = try p.value(depth: 0)
        p.skipSpace()
        if p.i < p.bytes.count { throw DecodeError(message: "unexpected text after the value", offset: p.i) }
        return v
    }

    struct Decoder {
        let bytes: [UInt8]
        var i = 0

        mutating func skipSpace() {
            while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
        }

        func fail(_ m: String) -> DecodeError { DecodeError(message: m, offset: i) }

        mutating func literal(_ word: String, _ v: Value) throws -> Value {
            let w = Array(word.utf8)
            guard i + w.count <= bytes.count, Array(bytes[i..<i + w.count]) == w else { throw fail("unexpected character") }
            i += w.count
            return v
        }

        mutating func value(depth: Int) throws -> Value {
            if depth > 200 { throw fail("nested too deeply") }
            guard i < bytes.count else { throw fail("unexpected end of JSON") }
            switch bytes[i] {
            case UInt8(ascii: "n"): return try literal("null", .nil)
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "["):
                i += 1
                var xs: [Value] = []
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .list(xs) }
                while true {
                    skipSpace()
                    xs.append(try value(depth: depth + 1))
                    skipSpace()
                    guard i < bytes.count else { throw fail("unexpected end of JSON") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "]") { i += 1; return .list(xs) }
                    throw fail("expected ',' or ']'")
                }
            case UInt8(ascii: "{"):
                i += 1
                var r = Record()
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .record(r) }
                while true {
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a field name in quotes") }
                    let k = try string()
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                    i += 1
                    skipSpace()
                    r[k] = try value(depth: depth + 1)
                    skipSpace()
                    guard i < bytes.count else { throw fail("unexpected end of JSON") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "}") { i += 1; return .record(r) }
                    throw fail("expected ',' or '}'")
                }
            default:
                return try number()
            }
        }

        mutating func number() throws -> Value {
            let start = i
            var isFloat = false
            while i < bytes.count, let c = Optional(bytes[i]),
                (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || c == UInt8(ascii: ".")
                    || c == UInt8(ascii: "e") || c == UInt8(ascii: "E")
            {
                if c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") { isFloat = true }
                i += 1
            }
            let text = String(decoding: bytes[start..<i], as: UTF8.self)
            if !isFloat, let v = Int(text) { return .int(v) }
            if let d = Double(text), !text.isEmpty { return .float(d) }
            i = start
            throw fail("unexpected character")
        }

        mutating func string() throws -> String {
            i += 1
            var out: [UInt8] = []
            while i < bytes.count {
                let c = bytes[i]
                if c == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
                if c == UInt8(ascii: "\\") {
                    i += 1
                    guard i < bytes.count else { break }
                    let e = bytes[i]
                    i += 1
                    switch e {
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "u"):
                        guard i + 4 <= bytes.count,
                            var code = UInt32(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16)
                        else {
                            throw fail("invalid \\u escape")
                        }
                        i += 4
                        // A surrogate pair encodes one scalar above U+FFFF.
                        if (0xD800..<0xDC00).contains(code), i + 6 <= bytes.count, bytes[i] == UInt8(ascii: "\\"),
                            bytes[i + 1] == UInt8(ascii: "u"),
                            let low = UInt32(String(decoding: bytes[i + 2..<i + 6], as: UTF8.self), radix: 16),
                            (0xDC00..<0xE000).contains(low)
                        {
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                            i += 6
                        }
                        out += Array(String(Character(Unicode.Scalar(code) ?? "\u{FFFD}")).utf8)
                    default: out.append(e)
                    }
                } else {
                    out.append(c)
                    i += 1
                }
            }
            throw fail("unterminated string")
        }
    }
}
