import Foundation

/// A port on 127.0.0.1 that refuses every connection for as long as this object lives: a TCP
/// socket bound to it that never listens. Nothing else can take the port meanwhile, so a test
/// of "cannot connect" depends neither on a freed port staying free nor on nothing listening
/// on a well-known port such as 9.
public final class RefusingPort {
    /// The port.
    public let port: Int
    private let fd: Int32

    /// Binds `port` (a fresh one when 0) and checks that a connection to it is refused. Taking
    /// over the port of a server just stopped keeps its URL refusing for the rest of a test.
    public init(port wanted: Int = 0) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        guard fd >= 0 else {
            port = 0
            throw FixtureError(message: "socket() failed")
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(wanted).bigEndian
        // The stopped server's closed connections may linger in TIME_WAIT; they do not listen.
        var reuse: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard bound == 0, named == 0 else {
            port = 0  // every field set: deinit closes the socket
            throw FixtureError(message: "cannot bind port \(wanted) on 127.0.0.1 (errno \(errno))")
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        guard Self.refuses(port) else {
            throw FixtureError(message: "port \(port) accepted a connection while bound and not listening")
        }
    }

    deinit { close(fd) }

    /// `http://127.0.0.1:PORT/v1`, a teacher's API root that nobody answers.
    public var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    /// Whether a connection to `port` is refused (ECONNREFUSED) right now.
    private static func refuses(_ port: Int) -> Bool {
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(probe) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(probe, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return result != 0 && errno == ECONNREFUSED
    }
}
