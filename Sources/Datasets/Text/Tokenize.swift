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
        var text = text
        if let ascii = text.withUTF8({ asciiWords($0) }) { return ascii }
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

    /// The words of ASCII text, scanning bytes (the common case, many times faster than
    /// the Unicode path); nil when the text has a non-ASCII byte.
    private static func asciiWords(_ bytes: UnsafeBufferPointer<UInt8>) -> [String]? {
        var out: [String] = []
        var start = -1
        var lowered = [UInt8](repeating: 0, count: 32)
        func flush(_ end: Int) {
            let length = end - start
            if lowered.count < length { lowered = [UInt8](repeating: 0, count: length) }
            for k in 0..<length {
                let b = bytes[start + k]
                lowered[k] = b >= 65 && b <= 90 ? b + 32 : b
            }
            out.append(String(decoding: lowered[0..<length], as: UTF8.self))
        }
        for i in 0..<bytes.count {
            let b = bytes[i]
            if b >= 0x80 { return nil }
            let isWord = (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122)
            if isWord {
                if start < 0 { start = i }
            } else if start >= 0 {
                flush(i)
                start = -1
            }
        }
        if start >= 0 { flush(bytes.count) }
        return out
    }

    /// The text reduced for exact-duplicate checks: its `words` joined by single spaces.
    public static func normalized(_ text: String) -> String { words(text).joined(separator: " ") }

    /// True when `needle` occurs as a contiguous run in `haystack` (a phrase in a text's words).
    public static func containsRun(_ haystack: [String], _ needle: [String]) -> Bool {
        guard !needle.isEmpty, needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains { start in
            haystack[start] == needle[0] && haystack[start..<start + needle.count].elementsEqual(needle)
        }
    }

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
