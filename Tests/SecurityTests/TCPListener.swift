import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A tiny TCP server on 127.0.0.1 that records every byte sent to it and answers each
/// connection with an HTTP 500 echoing the request: the stand-in for an attacker's server.
final class TCPListener: @unchecked Sendable {
    let port: UInt16
    private let socketFD: Int32
    private let lock = NSLock()
    private var bytes = Data()
    private var connectionCount = 0

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        socketFD = fd
        guard fd >= 0 else { throw ListenerError("socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else { throw ListenerError("bind/listen") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit { close(socketFD) }

    /// Everything received so far, on every connection.
    var received: Data {
        lock.lock()
        defer { lock.unlock() }
        return bytes
    }

    /// Connections accepted so far.
    var connections: Int {
        lock.lock()
        defer { lock.unlock() }
        return connectionCount
    }

    /// The connections accepted before this call, once every one of them has been taken: it
    /// connects once itself and waits (up to `limit` seconds) until the listener has read its
    /// own connection, which comes after all those made before it (a listener accepts in order).
    /// So "nobody connected" is checked without sleeping and hoping.
    func connectionsBefore(limit: Double = 30) throws -> Int {
        let marker = "PROBE-\(UUID().uuidString)"
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(probe) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(probe, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw ListenerError("connect to the listener") }
        let request = Array("\(marker)\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(probe, $0.baseAddress, $0.count, 0) }
        let deadline = Date().addingTimeInterval(limit)
        while !String(decoding: received, as: UTF8.self).contains(marker) {
            guard Date() < deadline else { throw ListenerError("the listener did not read its probe") }
            usleep(1_000)
        }
        return connections - 1
    }

    private func acceptLoop() {
        while true {
            let client = accept(socketFD, nil, nil)
            guard client >= 0 else { return }
            lock.lock()
            connectionCount += 1
            lock.unlock()
            var timeout = timeval(tv_sec: 0, tv_usec: 300_000)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = recv(client, &buffer, buffer.count, 0)
                guard n > 0 else { break }
                lock.lock()
                bytes.append(contentsOf: buffer[0..<n])
                lock.unlock()
                if String(decoding: bytes, as: UTF8.self).contains("\r\n\r\n") { break }
            }
            // Reflect the request (its Authorization header included) in the error body, as
            // a hostile server would to get the key printed or saved.
            let body = String(decoding: received, as: UTF8.self).replacingOccurrences(of: "\r\n", with: " | ")
            let reply =
                "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n"
                + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
            _ = reply.withCString { send(client, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
            close(client)
        }
    }
}

struct ListenerError: Error, CustomStringConvertible {
    var description: String
    init(_ step: String) { description = "listener: \(step) failed: \(String(cString: strerror(errno)))" }
}
