import Foundation

/// The teacher-fixture-server executable, started on a free port on 127.0.0.1 for one test and
/// stopped when released (it also exits by itself when this process ends): the one launcher
/// of the teacher, end-to-end and security tests.
public final class FixtureServer {
    /// The port it listens on.
    public let port: Int
    private let process = Process()
    private let input = Pipe()

    /// The API root to give a teacher (and `--allow-teacher-url`).
    public var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    /// Starts the server and waits for the port it chose. `arguments` go to it as well, e.g.
    /// `["--job-seconds", "1", "--job-fault", "partial", "--state", path, "--port", "43210"]`.
    public init(arguments: [String] = []) throws {
        process.executableURL = try Self.executable()
        process.arguments = ["--exit-with-parent"] + arguments
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        // The first line is "PORT <n>".
        var line = [UInt8]()
        var byte: UInt8 = 0
        while read(output.fileHandleForReading.fileDescriptor, &byte, 1) == 1, byte != 0x0A {
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else {
            process.terminate()
            throw FixtureError(message: "the fixture server did not report a port (said \"\(text)\")")
        }
        self.port = port
    }

    deinit { stop() }

    /// Stops the server now (a test of a teacher that went away).
    public func stop() {
        guard process.isRunning else { return }
        // SIGKILL: a child spawned from a dispatch thread may inherit a mask blocking SIGTERM.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// What the server has seen (`GET /v1/stats`).
    public func stats() throws -> FixtureStats {
        let body = try get("/v1/stats")
        guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw FixtureError(message: "stats are not a JSON object")
        }
        return FixtureStats(
            requests: object["requests"] as? Int ?? -1, connections: object["connections"] as? Int ?? -1,
            maxInFlight: object["maxInFlight"] as? Int ?? -1, attempts: object["attempts"] as? [String: Int] ?? [:],
            bodies: object["bodies"] as? [String: String] ?? [:],
            authorization: object["authorization"] as? String ?? "",
            batchesCreated: object["batchesCreated"] as? Int ?? -1, jobsCreated: object["jobsCreated"] as? Int ?? -1,
            cancels: object["cancels"] as? Int ?? -1)
    }

    /// Attempts per tag (see `FixtureStats.attempts`).
    public func attempts() throws -> [String: Int] { try stats().attempts }

    /// A plain HTTP GET over a socket (the tests do not lean on the client under test).
    private func get(_ path: String) throws -> Data {
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
        guard connected == 0 else { throw FixtureError(message: "cannot connect to the fixture server") }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var response = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count <= 0 { break }
            response.append(contentsOf: chunk[..<count])
        }
        guard let split = response.firstRange(of: Array("\r\n\r\n".utf8)) else {
            throw FixtureError(message: "no HTTP response from the fixture server")
        }
        return Data(response[split.upperBound...])
    }

    /// `teacher-fixture-server`, built next to the test binary.
    private static func executable() throws -> URL {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let me = URL(fileURLWithPath: path)
        var directory = me.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("teacher-fixture-server")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw FixtureError(message: "teacher-fixture-server was not found near \(me.path); run `swift build` first")
    }
}

/// What the fixture server has seen.
public struct FixtureStats: Sendable {
    /// Requests answered.
    public var requests: Int
    /// Connections accepted.
    public var connections: Int
    /// The most requests in flight at once.
    public var maxInFlight: Int
    /// Requests per tag (a tag is `#tag=...`, or the whole last message).
    public var attempts: [String: Int]
    /// The last request body per tag.
    public var bodies: [String: String]
    /// The last Authorization header received.
    public var authorization: String
    /// Batch jobs created (`POST /v1/batches`) since the server started (or its `--state` began).
    public var batchesCreated = 0
    /// Fine-tuning jobs created (`POST /v1/fine_tuning/jobs`).
    public var jobsCreated = 0
    /// Batches and fine-tuning jobs cancelled.
    public var cancels = 0
}

/// A fixture server that would not start or answer.
public struct FixtureError: Error, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    /// Makes an error.
    public init(message: String) { self.message = message }
    public var description: String { message }
}
