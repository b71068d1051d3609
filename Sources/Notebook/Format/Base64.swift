// Base64 (RFC 4648, with padding) for PNG outputs: encoded as body lines of 76 characters,
// decoded strictly so that a damaged picture is reported, not silently changed.

enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        return table
    }()

    /// The base64 text of `bytes` on one line.
    static func encode(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= bytes.count {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [alphabet[Int(v >> 18)], alphabet[Int(v >> 12 & 63)], alphabet[Int(v >> 6 & 63)], alphabet[Int(v & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest > 0 {
            let v = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
            out += [alphabet[Int(v >> 18)], alphabet[Int(v >> 12 & 63)]]
            out += rest == 2 ? [alphabet[Int(v >> 6 & 63)], UInt8(ascii: "=")] : [UInt8(ascii: "="), UInt8(ascii: "=")]
        }
        return out
    }

    /// Appends `bytes` as `| ` body lines of at most 76 base64 characters.
    static func appendLines(_ bytes: [UInt8], into out: inout [UInt8]) {
        let text = encode(bytes)
        var i = 0
        while i < text.count {
            let j = min(i + 76, text.count)
            out += [UInt8(ascii: "|"), 0x20]
            out += text[i..<j]
            out.append(0x0A)
            i = j
        }
    }

    /// The bytes of base64 `text`, or nil when it is not canonical padded base64.
    static func decode(_ text: [UInt8]) -> [UInt8]? {
        guard text.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(text.count / 4 * 3)
        var i = 0
        while i < text.count {
            let last = i + 4 == text.count
            let pad = last ? (text[i + 3] == UInt8(ascii: "=") ? (text[i + 2] == UInt8(ascii: "=") ? 2 : 1) : 0) : 0
            var v: UInt32 = 0
            for k in 0..<(4 - pad) {
                let d = values[Int(text[i + k])]
                guard d != 0xFF else { return nil }
                v |= UInt32(d) << UInt32(18 - 6 * k)
            }
            out.append(UInt8(v >> 16))
            if pad < 2 { out.append(UInt8(v >> 8 & 0xFF)) }
            if pad < 1 { out.append(UInt8(v & 0xFF)) }
            // Canonical: the bits that padding drops must be zero.
            if pad == 2 && v & 0xFFFF != 0 { return nil }
            if pad == 1 && v & 0xFF != 0 { return nil }
            i += 4
        }
        return out
    }
}
