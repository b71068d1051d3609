/// GPT-2's byte-level alphabet: every byte is shown as one printable character, so a BPE
/// vocabulary of strings can hold arbitrary bytes. Printable Latin-1 bytes stand for
/// themselves; the rest (controls, space, 0x7F...0xA0, 0xAD) map to U+0100 upward in order.
enum BPEByteLevel {
    /// The character that stands for each byte.
    static let characterOfByte: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            if (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b) {
                table[b] = Unicode.Scalar(UInt32(b))!
            } else {
                table[b] = Unicode.Scalar(next)!
                next += 1
            }
        }
        return table
    }()

    /// The byte each alphabet character stands for.
    static let byteOfCharacter: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for (b, c) in characterOfByte.enumerated() { map[c.value] = UInt8(b) }
        return map
    }()

    /// The bytes a byte-level token string stands for, or nil if it uses a character outside the alphabet.
    static func bytes(of token: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(token.utf8.count)
        for scalar in token.unicodeScalars {
            guard let b = byteOfCharacter[scalar.value] else { return nil }
            out.append(b)
        }
        return out
    }

    /// The byte-level string of `bytes`.
    static func string(of bytes: [UInt8]) -> String {
        var s = String.UnicodeScalarView()
        for b in bytes { s.append(characterOfByte[Int(b)]) }
        return String(s)
    }
}
