import Foundation

/// The iopub socket, shared by the thread that runs cells and the one that answers control
/// requests: every send holds a lock (a ZeroMQ socket is not thread-safe).
final class Publisher: @unchecked Sendable {
    private let socket: ZMQSocket
    private let signer: MessageSigner
    private let session: String
    private let lock = NSLock()
    private var closed = false

    init(socket: ZMQSocket, signer: MessageSigner, session: String) {
        self.socket = socket
        self.signer = signer
        self.session = session
    }

    /// Publishes a message of `type` answering `parent`.
    func publish(_ type: String, _ content: [String: Any], parent: WireMessage?, metadata: [String: Any] = [:]) {
        let message = WireMessage(
            type: type, content: content, parent: parent, session: session, identities: [Array(type.utf8)],
            metadata: metadata)
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return }
        try? socket.send(message.encode(signer: signer))
    }

    /// `status` with `execution_state` busy, idle or starting.
    func status(_ state: String, parent: WireMessage?) {
        publish("status", ["execution_state": state], parent: parent)
    }

    /// Closes the socket; later publishes are dropped.
    func close() {
        lock.lock()
        defer { lock.unlock() }
        closed = true
        socket.close()
    }
}

/// A queue of work handed from one thread to another, waited on with a semaphore.
final class HandOff<Item>: @unchecked Sendable {
    private var items: [Item] = []
    private let lock = NSLock()
    private let ready = DispatchSemaphore(value: 0)

    func put(_ item: Item) {
        lock.lock()
        items.append(item)
        lock.unlock()
        ready.signal()
    }

    /// The next item, waiting for one.
    func take() -> Item {
        ready.wait()
        lock.lock()
        defer { lock.unlock() }
        return items.removeFirst()
    }

    /// Everything queued now, without waiting.
    func drain() -> [Item] {
        lock.lock()
        defer { lock.unlock() }
        let taken = items
        for _ in taken { _ = ready.wait(timeout: .now()) }
        items.removeAll()
        return taken
    }
}
