/// Turns token bytes into text as they stream in, holding back an incomplete UTF-8 sequence
/// (a character split across tokens) until the rest arrives.
public struct UTF8StreamDecoder: Sendable {
    private var pending: [UInt8] = []

    /// Creates an empty decoder.
    public init() {}

    /// Adds bytes and returns the text now complete.
    public mutating func append(_ bytes: [UInt8]) -> String {
        pending += bytes
        let complete = Self.completePrefixLength(pending)
        guard complete > 0 else { return "" }
        let text = String(decoding: pending[..<complete], as: UTF8.self)
        pending.removeFirst(complete)
        return text
    }

    /// Returns whatever is left (an unfinished sequence becomes U+FFFD).
    public mutating func flush() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// The length of the longest prefix not ending inside a possibly unfinished character.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        let n = bytes.count
        // Look back at most 3 bytes for the lead byte of a multi-byte sequence.
        var i = n - 1
        while i >= 0 && i >= n - 4 {
            let b = bytes[i]
            if b & 0xC0 != 0x80 {
                let need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
                return n - i >= need ? n : i
            }
            i -= 1
        }
        return n
    }
}
