/// How values read: `print` shows strings bare; everything else (REPL results, elements of
/// lists and records) uses `repr`, where strings are quoted.
extension Value: CustomStringConvertible {
    /// The text `print` writes: strings as they are, other values as `repr`.
    public var description: String {
        if case .string(let s) = self { return s }
        return repr
    }

    /// The text of the value as it would be written in code.
    public var repr: String {
        var out = ""
        write(to: &out, depth: 0)
        return out
    }

    private static let maxDepth = 64

    func write(to out: inout String, depth: Int) {
        switch self {
        case .nil: out += "nil"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .float(let d): out += Value.formatFloat(d)
        case .string(let s): Value.quote(s, into: &out)
        case .list(let xs):
            if depth >= Value.maxDepth { out += "[...]"; return }
            out += "["
            for (i, x) in xs.enumerated() {
                if i > 0 { out += ", " }
                x.write(to: &out, depth: depth + 1)
            }
            out += "]"
        case .record(let r):
            if depth >= Value.maxDepth { out += "{...}"; return }
            out += "{"
            for (i, (k, v)) in r.fields.enumerated() {
                if i > 0 { out += ", " }
                out += Value.isIdentifier(k) ? k : Value.quoted(k)
                out += ": "
                v.write(to: &out, depth: depth + 1)
            }
            out += "}"
        case .function(let f): out += f.builtin != nil ? "<built-in \(f.name)>" : "<fn \(f.name)>"
        case .host(let h): out += h.summary
        }
    }

    /// Floats always show a decimal point or exponent, so `2.0` is not mistaken for `2`.
    static func formatFloat(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        if d == d.rounded(), abs(d) < 1e16 { return String(Int(d)) + ".0" }
        return "\(d)"
    }

    static func quoted(_ s: String) -> String {
        var out = ""
        quote(s, into: &out)
        return out
    }

    static func quote(_ s: String, into out: inout String) {
        out += "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "{": out += "\\{"
            case "}": out += "\\}"
            default:
                if ch.value < 0x20 { out += "\\u{\(String(ch.value, radix: 16))}" } else { out.unicodeScalars.append(ch) }
            }
        }
        out += "\""
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.utf8.first, !(first >= 0x30 && first <= 0x39) else { return false }
        return Keyword(rawValue: s) == nil
            && s.utf8.allSatisfy {
                ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F
            }
    }
}
