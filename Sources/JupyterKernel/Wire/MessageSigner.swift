@preconcurrency import Crypto

/// Signs and checks messages with HMAC-SHA256 over the four JSON frames (header, parent
/// header, metadata, content), as the Jupyter wire protocol asks. An empty key turns signing
/// off, as Jupyter does.
///
/// ```swift
/// let signer = MessageSigner(key: "secret")
/// let signature = signer.signature([header, parent, metadata, content])  // 64 hex digits
/// signer.isValid(signature, for: [header, parent, metadata, content])    // true
/// ```
public struct MessageSigner: Sendable {
    private let key: SymmetricKey?

    /// A signer with `key` (its UTF-8 bytes).
    public init(key: String) {
        self.key = key.isEmpty ? nil : SymmetricKey(data: Array(key.utf8))
    }

    /// The hex signature of the frames; empty when signing is off.
    public func signature(_ frames: [[UInt8]]) -> String {
        guard let key else { return "" }
        var mac = HMAC<SHA256>(key: key)
        for frame in frames { mac.update(data: frame) }
        return Self.hex(Array(mac.finalize()))
    }

    /// Whether `signature` (hex, as received) signs the frames. Compared in constant time, so
    /// the time taken says nothing about how much of a forged signature was right.
    public func isValid(_ signature: [UInt8], for frames: [[UInt8]]) -> Bool {
        guard key != nil else { return true }
        let expected = Array(self.signature(frames).utf8)
        guard signature.count == expected.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(signature, expected) { difference |= a ^ b }
        return difference == 0
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
