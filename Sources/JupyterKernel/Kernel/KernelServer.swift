import Foundation
import Language

/// A running Jupyter kernel: the five sockets of a connection file and the threads that serve
/// them (protocol 5.3).
///
/// - The main thread (`run()`) owns shell, control and stdin. Control requests (interrupt,
///   shutdown, kernel_info) are answered at once, even while a cell runs; shell requests go
///   in order to the cell thread.
/// - The cell thread runs one shell request at a time (`ShellHandler`): cells, completion,
///   inspection, history. When a cell fails with `stop_on_error`, the cells queued behind it
///   are aborted. Its replies go back through the main thread, which owns the socket.
/// - The heartbeat thread echoes every ping on its REP socket.
///
/// Every message received is checked against the connection key first; one with a bad
/// signature is dropped, unread, and the kernel goes on.
public final class KernelServer {
    private let connection: ConnectionInfo
    private let signer: MessageSigner
    private let context: ZMQContext
    private let shell: ZMQSocket
    private let control: ZMQSocket
    private let stdin: ZMQSocket
    private let heartbeat: ZMQSocket
    private let publisher: Publisher
    private let session = UUID().uuidString.lowercased()
    private let handler: ShellHandler
    private let requests = HandOff<WireMessage>()
    private let replies = HandOff<WireMessage>()
    private let log: (String) -> Void
    /// Messages dropped for a bad signature (tests read it through the log).
    public private(set) var droppedMessages = 0

    /// Binds every socket of `connection` (only its address) and prepares the cells' workspace.
    /// `log` receives one line per dropped message or failure (the kernel's standard error).
    public init(connection: ConnectionInfo, cells: KernelCells, log: @escaping (String) -> Void) throws {
        self.connection = connection
        self.signer = MessageSigner(key: connection.key)
        self.log = log
        context = try ZMQContext()
        shell = try context.socket(.router)
        control = try context.socket(.router)
        stdin = try context.socket(.router)
        heartbeat = try context.socket(.reply)
        let iopub = try context.socket(.publish)
        try shell.bind(connection.endpoint(connection.shellPort))
        try control.bind(connection.endpoint(connection.controlPort))
        try stdin.bind(connection.endpoint(connection.stdinPort))
        try heartbeat.bind(connection.endpoint(connection.heartbeatPort))
        try iopub.bind(connection.endpoint(connection.iopubPort))
        publisher = Publisher(socket: iopub, signer: signer, session: session)
        handler = ShellHandler(cells: cells, publisher: publisher)
    }

    /// Serves requests until a shutdown request; returns then (the caller exits). A cell still
    /// running is cancelled and abandoned.
    public func run() {
        startHeartbeat()
        startCellThread()
        publisher.status("starting", parent: nil)
        var stopping = false
        while !stopping {
            let ready: [Bool]
            do {
                ready = try ZMQSocket.poll([shell, control, stdin], timeoutMilliseconds: 5)
            } catch {
                log("poll failed: \(error)")
                break
            }
            if ready[1], let message = receive(control) { stopping = answerControl(message) }
            if !stopping, ready[0], let message = receive(shell) { requests.put(message) }
            if ready[2] { _ = receive(stdin) }  // no input is ever requested: drop stray replies
            for reply in replies.drain() { send(reply, on: shell) }
        }
        close()
    }

    // MARK: Threads

    private func startHeartbeat() {
        let heartbeat = heartbeat
        Thread.detachNewThread {
            while true {
                do {
                    guard let ping = try heartbeat.receive() else { continue }
                    try heartbeat.send(ping)
                } catch {
                    break  // the context is ending
                }
            }
            heartbeat.close()
        }
    }

    private func startCellThread() {
        let requests = requests, replies = replies, handler = handler
        let thread = Thread {
            while true {
                let request = requests.take()
                guard let reply = handler.handle(request) else { continue }
                replies.put(reply)
                // A cell that failed (or was interrupted) with stop_on_error stops the cells
                // queued behind it, as "Run All" expects: they are answered "aborted", unrun.
                guard ShellHandler.stopsQueue(request, reply) else { continue }
                for queued in requests.drain() {
                    if let answer = queued.type == "execute_request" ? handler.abort(queued) : handler.handle(queued) {
                        replies.put(answer)
                    }
                }
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    // MARK: Control

    /// Answers a control request; true for shutdown.
    private func answerControl(_ message: WireMessage) -> Bool {
        publisher.status("busy", parent: message)
        defer { publisher.status("idle", parent: message) }
        switch message.type {
        case "kernel_info_request":
            send(reply(message, "kernel_info_reply", KernelInfo.content), on: control)
        case "interrupt_request":
            handler.cells.interrupt()
            send(reply(message, "interrupt_reply", ["status": "ok"]), on: control)
        case "shutdown_request":
            let restart = message.content["restart"] as? Bool ?? false
            handler.cells.interrupt()
            send(reply(message, "shutdown_reply", ["status": "ok", "restart": restart]), on: control)
            return true
        default:
            log("unsupported control message \(message.type)")
            guard message.type.hasSuffix("_request") else { break }
            send(
                reply(
                    message, message.type.replacingOccurrences(of: "_request", with: "_reply"),
                    ShellHandler.unsupported(message.type)), on: control)
        }
        return false
    }

    private func reply(_ request: WireMessage, _ type: String, _ content: [String: Any]) -> WireMessage {
        WireMessage(type: type, content: content, parent: request, session: session, identities: request.identities)
    }

    // MARK: Sockets

    private func receive(_ socket: ZMQSocket) -> WireMessage? {
        do {
            guard let frames = try socket.receive() else { return nil }
            return try WireMessage.decode(frames, signer: signer)
        } catch let error as WireError {
            if error == .badSignature { droppedMessages += 1 }
            log("\(error)")
        } catch {
            log("receive failed: \(error)")
        }
        return nil
    }

    private func send(_ message: WireMessage, on socket: ZMQSocket) {
        var message = message
        message.header["session"] = session
        do { try socket.send(message.encode(signer: signer)) } catch { log("send failed: \(error)") }
    }

    /// Closes every socket (queued replies still leave, up to a second) and ends the context.
    private func close() {
        for reply in replies.drain() { send(reply, on: shell) }
        publisher.close()
        shell.close()
        control.close()
        stdin.close()
        context.terminate()
    }
}
