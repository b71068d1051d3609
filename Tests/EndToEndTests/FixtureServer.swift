import Foundation
import Testing

/// The teacher-fixture-server on a free port, stopped with the test (or with this process).
final class FixtureServer {
    let process = Process()
    let port: Int
    private let input = Pipe()

    init() throws {
        process.executableURL = FewshotProcess.packageRoot.appendingPathComponent(".build/debug/teacher-fixture-server")
        process.arguments = ["--exit-with-parent"]
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var line = [UInt8]()
        var byte: UInt8 = 0
        while read(output.fileHandleForReading.fileDescriptor, &byte, 1) == 1, byte != 0x0A { line.append(byte) }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else {
            process.terminate()
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "the fixture said \(text)"])
        }
        self.port = port
    }

    deinit { stop() }

    /// The API root to give a teacher (and `--allow-teacher-url`).
    var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Attempts per tag, from `GET /v1/stats` (over a plain socket).
    func attempts() throws -> [String: Int] {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(connected == 0)
        let request = Array("GET /v1/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var response = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while case let count = recv(fd, &chunk, chunk.count, 0), count > 0 { response.append(contentsOf: chunk[..<count]) }
        let split = try #require(response.firstRange(of: Array("\r\n\r\n".utf8)))
        let object = try JSONSerialization.jsonObject(with: Data(response[split.upperBound...])) as? [String: Any]
        return object?["attempts"] as? [String: Int] ?? [:]
    }
}
