import Crypto
import Foundation

extension ChatRequest {
    /// The request as canonical JSON: sorted keys, no insignificant whitespace, unset fields left
    /// out. Equal requests give equal bytes, whatever order their fields were set in.
    public func canonicalJSON() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings, numbers and arrays cannot fail.
        return (try? encoder.encode(self)) ?? Data()
    }

    /// The hex SHA-256 of `canonicalJSON()`: the key recordings are filed under.
    public var recordingKey: String {
        SHA256.hash(data: canonicalJSON()).map { String(format: "%02x", $0) }.joined()
    }

    /// A short description for messages: the model and the start of the last message.
    public var shortDescription: String {
        let last = messages.last?.content ?? ""
        let start = last.count > 60 ? String(last.prefix(60)) + "..." : last
        return "\(model): \"\(start.replacingOccurrences(of: "\n", with: " "))\""
    }
}
