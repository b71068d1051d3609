// The backslash escapes of the .fsnb format, used by escaped body lines (`\ ...`) and by
// quoted values (`"..."`). See docs/fsnb.md, "Escapes".

enum Escaping {
    /// What `escape` must protect besides the characters every escaped text protects.
    struct Mode {
        /// Escape a trailing run of spaces as `\x20` (body lines: editors strip trailing blanks).
        var trailingSpaces: Bool
        /// Escape `"` and line feeds (quoted values live on one line between quotes).
        var quoted: Bool
    }

    private static let hex: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// Appends the escaped form of `bytes` to `out`: backslash, controls, DEL, the scalars in
    /// `UTF8Scan.needsEscape`, bytes that are not well-formed UTF-8, and what `mode` adds.
    static func escape(_ bytes: UnsafeBufferPointer<UInt8>, mode: Mode, into out: inout [UInt8]) {
        let end = bytes.count
        var trailingStart = end
        if mode.trailingSpaces {
            while trailingStart > 0 && bytes[trailingStart - 1] == 0x20 { trailingStart -= 1 }
        }
        var i = 0
        while i < end {
            let b = bytes[i]
            if b < 0x80 {
                switch b {
                case 0x5C: out += [0x5C, 0x5C]
                case 0x09: out += [0x5C, UInt8(ascii: "t")]
                case 0x0D: out += [0x5C, UInt8(ascii: "r")]
                case 0x0A where mode.quoted: out += [0x5C, UInt8(ascii: "n")]
                case 0x22 where mode.quoted: out += [0x5C, 0x22]
                case 0x20 where i >= trailingStart: appendByteEscape(b, into: &out)
                case 0x00..<0x20, 0x7F: appendByteEscape(b, into: &out)
                default: out.append(b)
                }
                i += 1
                continue
            }
            let n = UTF8Scan.sequenceLength(bytes, at: i, end: end)
            if n == 0 {
                appendByteEscape(b, into: &out)
                i += 1
                continue
            }
            let scalar = UTF8Scan.scalar(bytes, at: i, length: n)
            if UTF8Scan.needsEscape(scalar) {
                out += Array("\\u{".utf8)
                for shift in stride(from: 12, through: 0, by: -4) {
                    out.append(hex[Int((scalar >> UInt32(shift)) & 0xF)])
                }
                out.append(UInt8(ascii: "}"))
            } else {
                out += UnsafeBufferPointer(rebasing: bytes[i..<i + n])
            }
            i += n
        }
    }

    private static func appendByteEscape(_ b: UInt8, into out: inout [UInt8]) {
        out += [0x5C, UInt8(ascii: "x"), hex[Int(b >> 4)], hex[Int(b & 0xF)]]
    }

    /// Appends the bytes that the escaped text `bytes` stands for to `out`; throws a message
    /// naming the bad escape (the caller adds the line number).
    static func unescape(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) throws(FormatProblem) {
        let end = bytes.count
        var i = 0
        while i < end {
            let b = bytes[i]
            guard b == 0x5C else {
                out.append(b)
                i += 1
                continue
            }
            guard i + 1 < end else { throw FormatProblem("a lone '\\' ends the text") }
            let e = bytes[i + 1]
            switch e {
            case 0x5C: out.append(0x5C); i += 2
            case 0x22: out.append(0x22); i += 2
            case UInt8(ascii: "t"): out.append(0x09); i += 2
            case UInt8(ascii: "r"): out.append(0x0D); i += 2
            case UInt8(ascii: "n"): out.append(0x0A); i += 2
            case UInt8(ascii: "x"):
                guard i + 3 < end, let hi = hexValue(bytes[i + 2]), let lo = hexValue(bytes[i + 3]) else {
                    throw FormatProblem("'\\x' must be followed by two hex digits")
                }
                out.append(UInt8(hi << 4 | lo))
                i += 4
            case UInt8(ascii: "u"):
                var j = i + 2
                guard j < end, bytes[j] == UInt8(ascii: "{") else {
                    throw FormatProblem("'\\u' must be followed by '{hex}'")
                }
                j += 1
                var value: UInt32 = 0
                var digits = 0
                while j < end, let d = hexValue(bytes[j]), digits < 6 {
                    value = value << 4 | UInt32(d)
                    digits += 1
                    j += 1
                }
                guard digits > 0, j < end, bytes[j] == UInt8(ascii: "}"),
                    let scalar = Unicode.Scalar(value)
                else { throw FormatProblem("'\\u{...}' must hold 1 to 6 hex digits naming a Unicode scalar") }
                out += Array(String(Character(scalar)).utf8)
                i = j + 1
            default:
                throw FormatProblem("unknown escape '\\\(Unicode.Scalar(e))'")
            }
        }
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x41...0x46: return b - 0x41 + 10
        case 0x61...0x66: return b - 0x61 + 10
        default: return nil
        }
    }
}

/// A problem with the text of a notebook file, before the reader attaches its line number.
struct FormatProblem: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
