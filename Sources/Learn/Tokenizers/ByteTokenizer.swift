/// A byte-level tokenizer for models trained from scratch: ids 0-255 are UTF-8 bytes and
/// id 256 marks the end of a text.
///
/// ```swift
/// let ids = ByteTokenizer().encode("héllo")   // [104, 195, 169, 108, 108, 111]
/// ```
public struct ByteTokenizer: Sendable {
    /// The end-of-text id (256).
    public static let endOfText = 256
    /// Number of ids: 256 bytes plus end-of-text.
    public static let vocabularySize = 257
    /// The name stored in checkpoints.
    public static let kind = "byte"

    public init() {}

    /// The UTF-8 bytes of `text`.
    public func encode(_ text: String) -> [Int] { text.utf8.map { Int($0) } }

    /// The text of `ids`, skipping end-of-text and repairing invalid UTF-8.
    public func decode(_ ids: [Int]) -> String {
        String(decoding: ids.compactMap { (0..<256).contains($0) ? UInt8($0) : nil }, as: UTF8.self)
    }
}
