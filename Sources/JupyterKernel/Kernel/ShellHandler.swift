import Foundation
import Language
import Notebook
import REPL
import Workbench

/// Answers shell requests, one at a time, on the cell thread: each between a busy and an idle
/// status on iopub.
final class ShellHandler: @unchecked Sendable {
    let cells: KernelCells
    let publisher: Publisher

    init(cells: KernelCells, publisher: Publisher) {
        self.cells = cells
        self.publisher = publisher
    }

    /// The reply to `request` (nil: none is due).
    func handle(_ request: WireMessage) -> WireMessage? {
        publisher.status("busy", parent: request)
        defer { publisher.status("idle", parent: request) }
        let content: [String: Any]
        switch request.type {
        case "kernel_info_request": content = KernelInfo.content
        case "execute_request": content = CellExecution(request: request, cells: cells, publisher: publisher).run()
        case "complete_request": content = complete(request.content)
        case "inspect_request": content = inspect(request.content)
        case "is_complete_request": content = isComplete(request.content["code"] as? String ?? "")
        case "history_request": content = ["status": "ok", "history": cells.history.answer(request.content)]
        case "comm_info_request": content = ["status": "ok", "comms": [String: Any]()]
        default:
            // A message that is no request (comm_open, comm_msg from widgets) gets no reply.
            guard request.type.hasSuffix("_request") else { return nil }
            content = ShellHandler.unsupported(request.type)
        }
        return WireMessage(
            type: request.type.replacingOccurrences(of: "_request", with: "_reply"), content: content, parent: request,
            session: "", identities: request.identities)
    }

    /// The reply to an execute request that is not run, because a cell before it failed.
    func abort(_ request: WireMessage) -> WireMessage {
        publisher.status("busy", parent: request)
        defer { publisher.status("idle", parent: request) }
        return WireMessage(
            type: "execute_reply", content: ["status": "aborted", "execution_count": cells.executionCount], parent: request,
            session: "", identities: request.identities)
    }

    /// Whether `reply` ends a failed cell whose request asked to stop on errors (the default).
    static func stopsQueue(_ request: WireMessage, _ reply: WireMessage) -> Bool {
        request.type == "execute_request" && reply.content["status"] as? String == "error"
            && request.content["stop_on_error"] as? Bool ?? true
    }

    static func unsupported(_ type: String) -> [String: Any] {
        [
            "status": "error", "ename": "unsupported", "evalue": "the fewshot kernel does not support \(type)",
            "traceback": [String](),
        ]
    }

    // MARK: Completion and inspection

    /// The REPL's completions for the word at the cursor (`cursor_pos` counts Unicode code
    /// points, protocol 5.2).
    private func complete(_ content: [String: Any]) -> [String: Any] {
        let code = content["code"] as? String ?? ""
        let at = CursorWord(code: code, cursor: content["cursor_pos"] as? Int ?? code.unicodeScalars.count)
        let matches = Completer(session: cells.workspace.session).candidates(
            line: at.line, word: at.word, wordStart: at.wordStartInLine)
        return [
            "status": "ok", "matches": matches, "cursor_start": at.wordStart, "cursor_end": at.cursor,
            "metadata": [String: Any](),
        ]
    }

    /// `help` for the name at the cursor.
    private func inspect(_ content: [String: Any]) -> [String: Any] {
        let code = content["code"] as? String ?? ""
        let name = CursorWord(code: code, cursor: content["cursor_pos"] as? Int ?? code.unicodeScalars.count).name
        let session = cells.workspace.session
        let found: Bool
        if session.builtins[name] != nil {
            found = true
        } else if case .function(let f)? = session.global(name), f.documentation != nil {
            found = true
        } else {
            found = false
        }
        guard found else { return ["status": "ok", "found": false, "data": [String: Any](), "metadata": [String: Any]()] }
        return [
            "status": "ok", "found": true, "data": ["text/plain": HelpText.text(for: name, in: session)],
            "metadata": [String: Any](),
        ]
    }

    /// complete, incomplete (an open bracket, string or block: the REPL's continuation test) or
    /// invalid (any other syntax error).
    private func isComplete(_ code: String) -> [String: Any] {
        if code.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix(":") { return ["status": "complete"] }
        if Session.isIncomplete(code) { return ["status": "incomplete", "indent": ""] }
        let syntaxError = cells.workspace.session.check(code, name: "<input>").contains { $0.kind == .syntax }
        return ["status": syntaxError ? "invalid" : "complete"]
    }
}
