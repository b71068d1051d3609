/// The one JSON writer of fewshot: compact text on one line (as JSONL needs), or pretty-printed
/// with an indent and optionally sorted keys (as Jupyter writes notebooks).
///
/// ```swift
/// JSONWriter.string(.array([.int(1), .double(2.0)]))              // [1,2.0]
/// JSONWriter.string(.object(["a": .int(1)]), indent: 2)         // {\n  "a": 1\n}
/// ```
public enum JSONWriter {
    /// JSON text of `value`, compact when `indent` is 0, else one member per line, nested
    /// members `indent` spaces further in, `": "` after keys. `sortedKeys` writes object keys
    /// in code-point order instead of their own order. Non-finite doubles become `null`,
    /// since JSON has no NaN or infinity.
    public static func string(_ value: JSON, indent: Int = 0, sortedKeys: Bool = false) -> String {
        var out = ""
        write(value, into: &out, indent: max(0, indent), sortedKeys: sortedKeys, level: 0)
        return out
    }

    /// A double as JSON: the shortest text that reads back as the same double, integral values
    /// with a `.0` (`2.0`, `-0.0`, `1e+16`); `null` when it is not finite.
    public static func number(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        return "\(d)"
    }

    /// Appends `s` as a JSON string: in double quotes, escaping only `"`, `\` and control
    /// characters (every other character is written as it is, in UTF-8).
    public static func quote(_ s: String, into out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20:
                let hex = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(u)
            }
        }
        out += "\""
    }

    /// `s` as a JSON string (see `quote(_:into:)`).
    public static func quoted(_ s: String) -> String {
        var out = ""
        quote(s, into: &out)
        return out
    }

    private static func write(_ value: JSON, into out: inout String, indent: Int, sortedKeys: Bool, level: Int) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += number(d)
        case .string(let s): quote(s, into: &out)
        case .array(let items):
            guard !items.isEmpty else { out += "[]"; return }
            out += "["
            for (n, item) in items.enumerated() {
                if n > 0 { out += "," }
                newline(&out, indent: indent, level: level + 1)
                write(item, into: &out, indent: indent, sortedKeys: sortedKeys, level: level + 1)
            }
            newline(&out, indent: indent, level: level)
            out += "]"
        case .object(let members):
            guard !members.isEmpty else { out += "{}"; return }
            out += "{"
            let keys = sortedKeys ? members.keys.sorted() : Array(members.keys)
            for (n, key) in keys.enumerated() {
                if n > 0 { out += "," }
                newline(&out, indent: indent, level: level + 1)
                quote(key, into: &out)
                out += indent > 0 ? ": " : ":"
                write(members[key]!, into: &out, indent: indent, sortedKeys: sortedKeys, level: level + 1)
            }
            newline(&out, indent: indent, level: level)
            out += "}"
        }
    }

    private static func newline(_ out: inout String, indent: Int, level: Int) {
        guard indent > 0 else { return }
        out += "\n" + String(repeating: " ", count: indent * level)
    }
}
