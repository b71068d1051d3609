/// Text normalisation and tokenisation shared by ROUGE-L, TF-IDF, n-grams and the filters.
public enum TextTokens {
    /// Lower-cased runs of letters and digits; everything else separates. For ASCII text this
    /// is exactly the `rouge-score` package's default tokenizer (`[^a-z0-9]+` splits), so
    /// ROUGE-L scores match Self-Instruct's.
    ///
    /// ```swift
    /// TextTokens.words("Don't stop!")   // ["don", "t", "stop"]
    /// ```
    public static func words(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        for scalar in text.unicodeScalars {
            if isWordScalar(scalar) {
                current.unicodeScalars.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            } else if !current.isEmpty {
                out.append(current)
                current = ""
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// The text reduced for exact-duplicate checks: its `words` joined by single spaces.
    public static func normalized(_ text: String) -> String { words(text).joined(separator: " ") }

    /// Words split on whitespace only (punctuation kept), for length bounds.
    public static func whitespaceWords(_ text: String) -> [Substring] {
        text.split(whereSeparator: { $0.isWhitespace })
    }

    @inline(__always)
    static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII {
            let v = s.value
            return (v >= 48 && v <= 57) || (v >= 65 && v <= 90) || (v >= 97 && v <= 122)
        }
        return s.properties.isAlphabetic || s.properties.numericType != nil
    }
}

/// Maps words to small integer ids so similarity code compares integers, not strings.
public struct Vocabulary: Sendable {
    private var ids: [String: Int32] = [:]
    /// The words in id order.
    public private(set) var words: [String] = []

    /// An empty vocabulary.
    public init() {}

    /// The id of `word`, adding it when new.
    public mutating func id(_ word: String) -> Int32 {
        if let id = ids[word] { return id }
        let id = Int32(words.count)
        ids[word] = id
        words.append(word)
        return id
    }

    /// The id of `word`, or nil when unknown.
    public func existingID(_ word: String) -> Int32? { ids[word] }

    /// The ids of `text`'s words, adding new ones.
    public mutating func encode(_ text: String) -> [Int32] { TextTokens.words(text).map { id($0) } }

    /// Number of distinct words.
    public var count: Int { words.count }
}
