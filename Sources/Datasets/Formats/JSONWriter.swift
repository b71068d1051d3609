/// Compact JSON text of values, keys in record order (one line, as JSONL needs).
public enum JSONWriter {
    /// JSON text of `value`. Non-finite doubles become `null`, since JSON has no NaN or infinity.
    public static func string(_ value: FieldValue) -> String {
        var out = ""
        write(value, into: &out)
        return out
    }

    /// JSON text of a record as an object.
    public static func string(_ record: Row) -> String { string(.record(record)) }

    /// A double as JSON: integral values keep a `.0`, others the shortest round-trip form.
    static func number(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        return "\(d)"
    }

    static func write(_ value: FieldValue, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += number(d)
        case .string(let s): quote(s, into: &out)
        case .list(let items):
            out += "["
            for (n, item) in items.enumerated() {
                if n > 0 { out += "," }
                write(item, into: &out)
            }
            out += "]"
        case .record(let r):
            out += "{"
            for (n, (k, v)) in r.fields.enumerated() {
                if n > 0 { out += "," }
                quote(k, into: &out)
                out += ":"
                write(v, into: &out)
            }
            out += "}"
        }
    }

    static func quote(_ s: String, into out: inout String) {
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
}
