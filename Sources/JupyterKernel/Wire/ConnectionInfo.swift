import Foundation
import SafeFiles

/// The connection file Jupyter writes for a kernel it starts (`kernel -f FILE`): where each
/// socket listens and the key that signs every message.
///
/// ```json
/// {"transport": "tcp", "ip": "127.0.0.1", "shell_port": 53794, "iopub_port": 53795,
///  "stdin_port": 53796, "control_port": 53797, "hb_port": 53798,
///  "key": "a0436f6c-1916-498b-8eb9-e81ab9368e84", "signature_scheme": "hmac-sha256"}
/// ```
public struct ConnectionInfo: Equatable, Sendable {
    /// `tcp` or `ipc`.
    public var transport: String
    /// The one address the kernel binds to.
    public var ip: String
    public var shellPort: Int
    public var iopubPort: Int
    public var stdinPort: Int
    public var controlPort: Int
    public var heartbeatPort: Int
    /// The HMAC key (its UTF-8 bytes); empty: messages are neither signed nor checked.
    public var key: String
    /// Only `hmac-sha256` is supported.
    public var signatureScheme: String

    /// Reads and checks a connection file.
    public init(file path: String) throws {
        let bytes: [UInt8]
        do { bytes = try SafeFile.read(path, limit: 1 << 20) } catch {
            throw KernelError("cannot read the connection file: \(error)")
        }
        try self.init(json: bytes, source: path)
    }

    /// Parses a connection file's JSON.
    public init(json bytes: [UInt8], source: String = "connection file") throws {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw KernelError("\(source) is not a JSON object")
        }
        func port(_ name: String) throws -> Int {
            guard let value = object[name] as? Int, (0...65535).contains(value) else {
                throw KernelError("\(source): '\(name)' must be a port number")
            }
            return value
        }
        transport = object["transport"] as? String ?? "tcp"
        guard transport == "tcp" || transport == "ipc" else {
            throw KernelError("\(source): transport '\(transport)' is not tcp or ipc")
        }
        guard let ip = object["ip"] as? String, !ip.isEmpty else { throw KernelError("\(source): 'ip' is missing") }
        self.ip = ip
        shellPort = try port("shell_port")
        iopubPort = try port("iopub_port")
        stdinPort = try port("stdin_port")
        controlPort = try port("control_port")
        heartbeatPort = try port("hb_port")
        key = object["key"] as? String ?? ""
        signatureScheme = object["signature_scheme"] as? String ?? "hmac-sha256"
        guard signatureScheme == "hmac-sha256" else {
            throw KernelError("\(source): signature scheme '\(signatureScheme)' is not supported (only hmac-sha256)")
        }
    }

    /// The endpoint of a port: `tcp://127.0.0.1:5555`, or `ipc://IP-5555` for ipc.
    public func endpoint(_ port: Int) -> String {
        transport == "ipc" ? "ipc://\(ip)-\(port)" : "tcp://\(ip):\(port)"
    }
}

/// Why the kernel cannot start or go on, in plain words.
public struct KernelError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
