// A small JSON value and its writer, for the ipynb export: keys sorted and one space of
// indent per level, as Jupyter itself writes notebooks, so exports diff cleanly against them.

indirect enum JSONText {
    case string(String)
    case int(Int)
    case double(Double)
    case null
    case array([JSONText])
    case object([String: JSONText])

    /// The value as JSON text with a final newline.
    func serialized() -> String {
        var out = ""
        write(to: &out, indent: 0)
        out += "\n"
        return out
    }

    private func write(to out: inout String, indent: Int) {
        switch self {
        case .string(let s): JSONText.quote(s, into: &out)
        case .int(let n): out += String(n)
        case .double(let d): out += d.isFinite ? String(d) : "null"
        case .null: out += "null"
        case .array(let items):
            guard !items.isEmpty else { out += "[]"; return }
            out += "[\n"
            for (k, item) in items.enumerated() {
                out += String(repeating: " ", count: indent + 1)
                item.write(to: &out, indent: indent + 1)
                out += k + 1 < items.count ? ",\n" : "\n"
            }
            out += String(repeating: " ", count: indent) + "]"
        case .object(let members):
            guard !members.isEmpty else { out += "{}"; return }
            out += "{\n"
            let keys = members.keys.sorted()
            for (k, key) in keys.enumerated() {
                out += String(repeating: " ", count: indent + 1)
                JSONText.quote(key, into: &out)
                out += ": "
                members[key]!.write(to: &out, indent: indent + 1)
                out += k + 1 < keys.count ? ",\n" : "\n"
            }
            out += String(repeating: " ", count: indent) + "}"
        }
    }

    private static func quote(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    /// Jupyter's multi-line string: the text split after each line feed.
    static func lines(_ text: String) -> JSONText {
        var pieces: [JSONText] = []
        var current: [UInt8] = []
        for byte in text.utf8 {
            current.append(byte)
            if byte == 0x0A {
                pieces.append(.string(String(decoding: current, as: UTF8.self)))
                current.removeAll(keepingCapacity: true)
            }
        }
        if !current.isEmpty { pieces.append(.string(String(decoding: current, as: UTF8.self))) }
        return .array(pieces)
    }
}
