import CZMQ

/// One ZeroMQ context: the I/O threads every socket of the kernel shares.
///
/// `terminate()` waits until every socket made from it is closed, after sending what they
/// still hold (up to each socket's linger time); a thread blocked in a receive on one of its
/// sockets wakes with `ZMQError.terminated`.
public final class ZMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    private var terminated = false

    /// A new context.
    public init() throws(ZMQError) {
        guard let handle = zmq_ctx_new() else { throw ZMQError.last("zmq_ctx_new") }
        self.handle = handle
    }

    /// A socket of `kind` in this context.
    public func socket(_ kind: ZMQSocket.Kind) throws(ZMQError) -> ZMQSocket {
        try ZMQSocket(context: self, kind: kind)
    }

    /// Ends the context: blocks until all its sockets are closed.
    public func terminate() {
        guard !terminated else { return }
        terminated = true
        while zmq_ctx_term(handle) != 0 && zmq_errno() == EINTR {}
    }

    deinit { terminate() }
}

/// A ZeroMQ call that failed, with libzmq's own words for why.
public struct ZMQError: Error, CustomStringConvertible, Equatable {
    /// The failing call (`zmq_bind tcp://127.0.0.1:5555`).
    public var call: String
    /// `errno` as libzmq set it.
    public var code: Int32
    /// libzmq's message for the code.
    public var message: String

    public var description: String { "\(call): \(message)" }

    /// The context was terminated while the call waited.
    public var isTerminated: Bool { code == ETERM }

    static func last(_ call: String) -> ZMQError {
        let code = zmq_errno()
        return ZMQError(call: call, code: code, message: String(cString: zmq_strerror(code)))
    }
}
