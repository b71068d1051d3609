import Foundation

/// One Jupyter message as it travels on a socket (protocol 5.3):
///
///     [identities...] "<IDS|MSG>" signature header parent_header metadata content [buffers...]
///
/// The JSON parts are kept as dictionaries; `WireMessage.decode` checks the signature before
/// parsing anything.
public struct WireMessage {
    /// The ROUTER routing frames before the delimiter (replies go back with the same).
    public var identities: [[UInt8]]
    public var header: [String: Any]
    public var parentHeader: [String: Any]
    public var metadata: [String: Any]
    public var content: [String: Any]
    /// Raw binary buffers after the content (kept, not used).
    public var buffers: [[UInt8]]

    /// The protocol version the kernel speaks.
    public static let protocolVersion = "5.3"
    static let delimiter = Array("<IDS|MSG>".utf8)

    /// `header.msg_type` (`execute_request`, ...).
    public var type: String { header["msg_type"] as? String ?? "" }
    /// `header.msg_id`.
    public var id: String { header["msg_id"] as? String ?? "" }

    /// A new message of `type` answering `parent` (nil: none), in `session`.
    public init(
        type: String, content: [String: Any], parent: WireMessage?, session: String, identities: [[UInt8]] = [],
        metadata: [String: Any] = [:]
    ) {
        self.identities = identities
        self.header = [
            "msg_id": UUID().uuidString.lowercased(), "msg_type": type, "session": session,
            "username": "fewshot", "date": WireMessage.timestamp(), "version": WireMessage.protocolVersion,
        ]
        self.parentHeader = parent?.header ?? [:]
        self.metadata = metadata
        self.content = content
        self.buffers = []
    }

    /// Parses received frames. Throws `WireError.badSignature` when the signature does not
    /// match (the message must be dropped), `.malformed` when it is not a protocol message.
    public static func decode(_ frames: [[UInt8]], signer: MessageSigner) throws(WireError) -> WireMessage {
        guard let split = frames.firstIndex(of: delimiter) else { throw .malformed("no <IDS|MSG> delimiter") }
        let rest = Array(frames[(split + 1)...])
        guard rest.count >= 5 else { throw .malformed("\(rest.count) frames after the delimiter, expected at least 5") }
        guard signer.isValid(rest[0], for: Array(rest[1...4])) else { throw .badSignature }
        func object(_ bytes: [UInt8], _ name: String) throws(WireError) -> [String: Any] {
            guard let value = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
                throw .malformed("\(name) is not a JSON object")
            }
            return value
        }
        var message = WireMessage(type: "", content: [:], parent: nil, session: "")
        message.identities = Array(frames[..<split])
        message.header = try object(rest[1], "header")
        message.parentHeader = try object(rest[2], "parent_header")
        message.metadata = try object(rest[3], "metadata")
        message.content = try object(rest[4], "content")
        message.buffers = Array(rest.dropFirst(5))
        guard !message.type.isEmpty else { throw .malformed("the header has no msg_type") }
        return message
    }

    /// The frames to send, signed.
    public func encode(signer: MessageSigner) -> [[UInt8]] {
        let parts = [header, parentHeader, metadata, content].map(WireMessage.json)
        return identities + [WireMessage.delimiter, Array(signer.signature(parts).utf8)] + parts + buffers
    }

    static func json(_ object: [String: Any]) -> [UInt8] {
        let options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: options) else { return Array("{}".utf8) }
        return Array(data)
    }

    private static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}

/// Why received frames are not a message the kernel accepts.
public enum WireError: Error, Equatable, CustomStringConvertible {
    /// The HMAC signature does not match: the message is dropped unread.
    case badSignature
    /// Not a protocol message (no delimiter, missing frames, bad JSON).
    case malformed(String)

    public var description: String {
        switch self {
        case .badSignature: return "a message with a bad signature was dropped"
        case .malformed(let why): return "a malformed message was dropped: \(why)"
        }
    }
}
