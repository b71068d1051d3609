import Foundation

/// BERT's text normaliser and pre-tokeniser (Hugging Face `tokenizers`' `BertNormalizer` and
/// `BertPreTokenizer`), on Unicode scalars, as `tokenizers` works on Rust `char`s.
///
/// Normalising, in this order:
/// 1. clean: drop NUL, U+FFFD and control characters (categories Cc, Cf, Cs and Co, except
///    tab, newline and carriage return; unassigned code points stay, as in `tokenizers`), and
///    turn every whitespace character into a space;
/// 2. put spaces around CJK ideographs (so each becomes its own word);
/// 3. strip accents: canonical decomposition (NFD), then drop non-spacing marks (Mn);
/// 4. lower-case, character by character (full mappings, no context: `Σ` is always `σ`).
///
/// Pre-tokenising splits at whitespace (dropped) and makes every punctuation character
/// (ASCII punctuation, or a Unicode P* category) a word of its own.
///
/// ```swift
/// BertNormalizer().words("Héllo, 世界!")  // ["hello", ",", "世", "界", "!"]
/// ```
public struct BertNormalizer: Sendable {
    /// Whether to lower-case (and, as `tokenizers` does when `strip_accents` is unset, strip accents).
    public var lowercase: Bool

    /// A normaliser; `lowercase` false keeps case and accents (a cased vocabulary).
    public init(lowercase: Bool = true) { self.lowercase = lowercase }

    /// `text` normalised (steps 1 to 4 above).
    public func normalize(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for s in normalized(Array(text.unicodeScalars)) { out.append(s) }
        return String(out)
    }

    /// The words of normalised `text`: whitespace-separated runs with punctuation split off.
    public func words(_ text: String) -> [[Unicode.Scalar]] { words(scalars: Array(text.unicodeScalars)) }

    /// The words of normalised `scalars` (see `words(_:)`).
    public func words(scalars: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        var words: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        for s in normalized(scalars) {
            if s.properties.isWhitespace {
                if !current.isEmpty { words.append(current) }
                current = []
            } else if Self.isPunctuation(s) {
                if !current.isEmpty { words.append(current) }
                words.append([s])
                current = []
            } else {
                current.append(s)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// Steps 1 to 4 on scalars. Every step appends one scalar at a time to an array, so a
    /// text of any length is normalised in time proportional to its length.
    func normalized(_ input: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var cleaned: [Unicode.Scalar] = []
        cleaned.reserveCapacity(input.count)
        var ascii = true
        for s in input {
            if s.value == 0 || s.value == 0xFFFD || Self.isControl(s) { continue }
            if Self.isWhitespace(s) {
                cleaned.append(" ")
            } else if Self.isCJK(s) {
                cleaned.append(" ")
                cleaned.append(s)
                cleaned.append(" ")
                ascii = false
            } else {
                cleaned.append(s)
                if !s.isASCII { ascii = false }
            }
        }
        guard lowercase else { return cleaned }
        if ascii {
            // NFD leaves ASCII as it is, and ASCII has no marks: only the case changes.
            return cleaned.map { $0.value >= 65 && $0.value <= 90 ? Unicode.Scalar($0.value + 32)! : $0 }
        }
        var text = String.UnicodeScalarView()
        for s in cleaned { text.append(s) }
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(cleaned.count)
        for s in String(text).decomposedStringWithCanonicalMapping.unicodeScalars
        where s.properties.generalCategory != .nonspacingMark {
            if s.isASCII {
                out.append(s.value >= 65 && s.value <= 90 ? Unicode.Scalar(s.value + 32)! : s)
            } else {
                for m in s.properties.lowercaseMapping.unicodeScalars { out.append(m) }
            }
        }
        return out
    }

    /// Tab, newline, carriage return, or a scalar with Unicode's White_Space property.
    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        s == "\t" || s == "\n" || s == "\r" || s.properties.isWhitespace
    }

    /// A scalar of category Cc, Cf, Cs or Co (control, format, surrogate, private use), except
    /// tab, newline and carriage return. Unassigned code points (Cn) are not control
    /// characters here: `tokenizers` keeps them (and WordPiece then makes their word `[UNK]`).
    static func isControl(_ s: Unicode.Scalar) -> Bool {
        if s == "\t" || s == "\n" || s == "\r" { return false }
        switch s.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse: return true
        default: return false
        }
    }

    /// ASCII punctuation (`!` to `/`, `:` to `@`, `[` to `` ` ``, `{` to `~`) or a P* category.
    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v) {
            return true
        }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation:
            return true
        default: return false
        }
    }

    /// A CJK ideograph, by the blocks `tokenizers` lists (not Hangul, kana or CJK punctuation).
    static func isCJK(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
            0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default: return false
        }
    }
}
