/// The character classes the BPE pre-tokenizer regexes test (`\p{L}`, `\p{N}`, `\p{M}`, `\s`),
/// computed the way llama.cpp's Unicode tables define them.
struct CodepointFlags {
    var isLetter = false
    var isNumber = false
    var isMark = false
    var isWhitespace = false
    /// False only for positions outside the current fragment (llama.cpp's empty flags).
    var exists = false

    /// Flags outside the fragment: every class test fails.
    static let none = CodepointFlags()

    /// llama.cpp's `\s` set (Unicode White_Space without U+001C...U+001F).
    static func isWhitespace(_ c: UInt32) -> Bool {
        switch c {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            true
        default: false
        }
    }

    init() {}

    init(_ c: UInt32) {
        exists = true
        isWhitespace = Self.isWhitespace(c)
        if c < 0x80 {
            let b = UInt8(c)
            isLetter = (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
            isNumber = b >= 0x30 && b <= 0x39
            return
        }
        guard let scalar = Unicode.Scalar(c) else { return }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            isLetter = true
        case .decimalNumber, .letterNumber, .otherNumber:
            isNumber = true
        case .nonspacingMark, .spacingMark, .enclosingMark:
            isMark = true
        default: break
        }
    }
}
