import CZMQ

/// One ZeroMQ socket, owned by this object and closed when it goes (or by `close()`).
///
/// A socket is not thread-safe: one thread at a time uses it (the kernel keeps each socket on
/// one thread, or behind a lock). Messages are multipart: a list of frames of bytes.
///
/// ```swift
/// let context = try ZMQContext()
/// let echo = try context.socket(.reply)
/// try echo.bind("tcp://127.0.0.1:5555")
/// while let frames = try echo.receive() { try echo.send(frames) }
/// ```
public final class ZMQSocket: @unchecked Sendable {
    /// The socket types the Jupyter protocol uses.
    public enum Kind {
        /// ROUTER: shell, control and stdin (each message starts with the peer's identity).
        case router
        /// DEALER: a client's end of a ROUTER socket (tests).
        case dealer
        /// PUB: iopub, outputs and status broadcast to every client.
        case publish
        /// SUB: a client's end of iopub (tests).
        case subscribe
        /// REP: the heartbeat, which echoes what it gets.
        case reply
        /// REQ: a client's end of the heartbeat (tests).
        case request

        var raw: Int32 {
            switch self {
            case .router: return ZMQ_ROUTER
            case .dealer: return ZMQ_DEALER
            case .publish: return ZMQ_PUB
            case .subscribe: return ZMQ_SUB
            case .reply: return ZMQ_REP
            case .request: return ZMQ_REQ
            }
        }
    }

    private var handle: UnsafeMutableRawPointer?
    /// Keeps the context alive while the socket is open.
    private let context: ZMQContext

    init(context: ZMQContext, kind: Kind) throws(ZMQError) {
        guard let handle = zmq_socket(context.handle, kind.raw) else { throw ZMQError.last("zmq_socket") }
        self.handle = handle
        self.context = context
        // Pending messages may take up to a second to leave when the socket closes (a
        // shutdown reply must reach the client), never block the process longer.
        try setOption(ZMQ_LINGER, 1000)
        if kind == .subscribe { try subscribeToAll() }
    }

    /// Binds to an endpoint such as `tcp://127.0.0.1:5555` (only that address).
    public func bind(_ endpoint: String) throws(ZMQError) {
        guard zmq_bind(try open(), endpoint) == 0 else { throw ZMQError.last("zmq_bind \(endpoint)") }
    }

    /// Connects to an endpoint (clients; tests).
    public func connect(_ endpoint: String) throws(ZMQError) {
        guard zmq_connect(try open(), endpoint) == 0 else { throw ZMQError.last("zmq_connect \(endpoint)") }
    }

    /// Sends one multipart message.
    public func send(_ frames: [[UInt8]]) throws(ZMQError) {
        let socket = try open()
        for (index, frame) in frames.enumerated() {
            let flags = index + 1 < frames.count ? ZMQ_SNDMORE : 0
            while true {
                let sent = frame.withUnsafeBytes { zmq_send(socket, $0.baseAddress, $0.count, flags) }
                if sent >= 0 { break }
                if zmq_errno() != EINTR { throw ZMQError.last("zmq_send") }
            }
        }
    }

    /// Receives one multipart message, waiting for it; nil when `timeoutMilliseconds` passed
    /// first (a negative timeout waits for ever).
    public func receive(timeoutMilliseconds: Int = -1) throws(ZMQError) -> [[UInt8]]? {
        if timeoutMilliseconds >= 0 {
            guard try ZMQSocket.poll([self], timeoutMilliseconds: timeoutMilliseconds).first == true else { return nil }
        }
        let socket = try open()
        var frames: [[UInt8]] = []
        var more = true
        while more {
            var message = zmq_msg_t()
            zmq_msg_init(&message)
            defer { zmq_msg_close(&message) }
            while zmq_msg_recv(&message, socket, 0) < 0 {
                if zmq_errno() != EINTR { throw ZMQError.last("zmq_msg_recv") }
            }
            let size = zmq_msg_size(&message)
            let data = zmq_msg_data(&message)
            frames.append(size == 0 ? [] : Array(UnsafeRawBufferPointer(start: data, count: size)))
            more = zmq_msg_more(&message) != 0
        }
        return frames
    }

    /// Which of `sockets` have a message to read, waiting up to `timeoutMilliseconds`.
    public static func poll(_ sockets: [ZMQSocket], timeoutMilliseconds: Int) throws(ZMQError) -> [Bool] {
        var items: [zmq_pollitem_t] = []
        for socket in sockets {
            items.append(zmq_pollitem_t(socket: try socket.open(), fd: -1, events: Int16(ZMQ_POLLIN), revents: 0))
        }
        let count = items.withUnsafeMutableBufferPointer {
            zmq_poll($0.baseAddress, Int32($0.count), timeoutMilliseconds)
        }
        if count < 0 {
            if zmq_errno() == EINTR { return sockets.map { _ in false } }
            throw ZMQError.last("zmq_poll")
        }
        return items.map { $0.revents & Int16(ZMQ_POLLIN) != 0 }
    }

    /// The endpoint the socket was last bound to (the port chosen for `tcp://127.0.0.1:*`).
    public var lastEndpoint: String {
        guard let socket = handle else { return "" }
        var buffer = [CChar](repeating: 0, count: 256)
        var size = buffer.count
        guard zmq_getsockopt(socket, ZMQ_LAST_ENDPOINT, &buffer, &size) == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Closes the socket now (pending messages still leave, up to the linger time).
    public func close() {
        if let socket = handle { zmq_close(socket) }
        handle = nil
    }

    deinit { close() }

    private func open() throws(ZMQError) -> UnsafeMutableRawPointer {
        guard let handle else { throw ZMQError(call: "socket", code: ENOTSOCK, message: "the socket is closed") }
        return handle
    }

    private func setOption(_ option: Int32, _ value: Int32) throws(ZMQError) {
        var value = value
        guard zmq_setsockopt(try open(), option, &value, MemoryLayout<Int32>.size) == 0 else {
            throw ZMQError.last("zmq_setsockopt")
        }
    }

    private func subscribeToAll() throws(ZMQError) {
        guard zmq_setsockopt(try open(), ZMQ_SUBSCRIBE, nil, 0) == 0 else { throw ZMQError.last("zmq_setsockopt") }
    }
}
