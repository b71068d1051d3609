/// The character classes the BPE pre-tokenizer regexes test (`\p{L}`, `\p{N}`, `\p{M}`, `\s`),
/// computed the way llama.cpp's Unicode tables define them.
///
/// The pre-tokenizers read text as *classified scalars*: each Unicode scalar value (21 bits)
/// with its flags in the top byte, so one load gives both and the classes are computed once per
/// character (`classify(utf8:)`).
struct CodepointFlags {
    let bits: UInt8

    private static let letter: UInt8 = 1, number: UInt8 = 2, mark: UInt8 = 4, whitespace: UInt8 = 8
    /// Set for every real character; clear only for positions outside the current fragment.
    private static let present: UInt8 = 16

    var isLetter: Bool { bits & Self.letter != 0 }
    var isNumber: Bool { bits & Self.number != 0 }
    var isMark: Bool { bits & Self.mark != 0 }
    var isWhitespace: Bool { bits & Self.whitespace != 0 }
    /// False only for positions outside the current fragment (llama.cpp's empty flags).
    var exists: Bool { bits & Self.present != 0 }

    /// Flags outside the fragment: every class test fails.
    static let none = CodepointFlags(bits: 0)

    init(bits: UInt8) { self.bits = bits }

    /// The flags of a classified scalar.
    @inline(__always)
    init(classified: UInt32) { bits = UInt8(truncatingIfNeeded: classified >> 24) }

    /// llama.cpp's `\s` set (Unicode White_Space without U+001C...U+001F).
    static func isWhitespace(_ c: UInt32) -> Bool {
        switch c {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            true
        default: false
        }
    }

    /// The flags of scalar value `c`.
    init(_ c: UInt32) {
        var bits = Self.present
        if Self.isWhitespace(c) { bits |= Self.whitespace }
        if c < 0x80 {
            let b = UInt8(c)
            if (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) { bits |= Self.letter }
            if b >= 0x30 && b <= 0x39 { bits |= Self.number }
        } else if let scalar = Unicode.Scalar(c) {
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
                bits |= Self.letter
            case .decimalNumber, .letterNumber, .otherNumber:
                bits |= Self.number
            case .nonspacingMark, .spacingMark, .enclosingMark:
                bits |= Self.mark
            default: break
            }
        }
        self.bits = bits
    }

    /// Scalar value `c` with its flags in the top byte.
    static func classified(_ c: UInt32) -> UInt32 {
        c | UInt32(CodepointFlags(c).bits) << 24
    }

    /// The scalar value of a classified scalar.
    @inline(__always)
    static func scalar(_ classified: UInt32) -> UInt32 { classified & 0x1F_FFFF }

    private static let classifiedASCII: [UInt32] = (0..<128).map { classified(UInt32($0)) }

    /// The classified scalars of valid UTF-8 (a Swift string's bytes, cut only between characters,
    /// as special tokens cut them).
    static func classify(utf8 bytes: UnsafeBufferPointer<UInt8>) -> [UInt32] {
        let ascii = classifiedASCII
        return [UInt32](unsafeUninitializedCapacity: bytes.count) { out, count in
            var n = 0
            var i = 0
            let end = bytes.count
            // Non-ASCII text usually repeats a few characters (accents, emoji): remember the last.
            var lastScalar: UInt32 = 0
            var lastClassified = ascii[0]
            while i < end {
                let b0 = UInt32(bytes[i])
                if b0 < 0x80 {
                    out[n] = ascii[Int(b0)]
                    i += 1
                } else {
                    // Whole characters only: a cut inside one would read past the end.
                    precondition(i + (b0 < 0xE0 ? 2 : b0 < 0xF0 ? 3 : 4) <= end, "UTF-8 cut inside a character")
                    var c: UInt32
                    if b0 < 0xE0 {
                        c = (b0 & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F)
                        i += 2
                    } else if b0 < 0xF0 {
                        c = (b0 & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
                        i += 3
                    } else {
                        c = (b0 & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12 | UInt32(bytes[i + 2] & 0x3F) << 6
                        c |= UInt32(bytes[i + 3] & 0x3F)
                        i += 4
                    }
                    if c != lastScalar {
                        lastScalar = c
                        lastClassified = classified(c)
                    }
                    out[n] = lastClassified
                }
                n += 1
            }
            count = n
        }
    }

    /// The number of UTF-8 bytes of a classified scalar.
    @inline(__always)
    static func utf8Width(_ classified: UInt32) -> Int {
        let c = scalar(classified)
        return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x1_0000 ? 3 : 4
    }
}
