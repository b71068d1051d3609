import Foundation
import Notebook
import REPL
import Workbench

/// One `execute_request`: runs the cell, publishing its outputs on iopub as they come
/// (`stream`, `display_data`, `execute_result`, `error`), and returns the reply's content.
///
/// How fewshot's outputs look in Jupyter:
/// - printed text: a stdout `stream`;
/// - the cell's final value: `execute_result` (text/plain; a table also as text/html);
/// - tables: `display_data` with text/plain (the box-drawn table) and text/html when the table
///   has rows and columns; plots: image/svg+xml;
/// - an error: `error`, the traceback being the fewshot diagnostic (`cell-3:1:5: error: ...`,
///   the source line, the caret, the DSL call stack);
/// - `clear_output()`: `clear_output`;
/// - progress bars: a `display_data` redrawn with `update_display_data`, emptied at the end
///   (the bar's final line is printed as at the REPL).
///
/// Outputs that stand for a table or a progress bar carry `metadata.fewshot.output`, so
/// `fewshot import` can tell them from other displays.
struct CellExecution {
    let request: WireMessage
    let cells: KernelCells
    let publisher: Publisher

    func run() -> [String: Any] {
        let code = request.content["code"] as? String ?? ""
        let silent = request.content["silent"] as? Bool ?? false
        let storeHistory = !silent && (request.content["store_history"] as? Bool ?? true)
        if storeHistory { cells.executionCount += 1 }
        let count = max(cells.executionCount, 1)
        if !silent { publisher.publish("execute_input", ["code": code, "execution_count": count], parent: request) }
        if let command = KernelCommand(code) {
            let outcome = command.run(cells: cells, count: count, publish: silent ? { _ in } : output)
            if let failure = outcome.failure, !silent { publisher.publish("error", failure, parent: request) }
            return finish(outcome, count: count)
        }
        var result = ""
        var failure: [String: Any]?
        let progress = ProgressDisplay(publisher: publisher, parent: request)
        LiveProgress.display = silent ? nil : progress
        defer { LiveProgress.display = nil }
        let ran = cells.run(code, count: count) { live in
            if case .error(let message, let diagnostic) = live.output {
                failure = CellExecution.error(message: message, diagnostic: diagnostic)
            }
            guard !silent else { return }
            if live.isResult, case .stream(_, let text) = live.output {
                result += text
            } else {
                output(live)
            }
        }
        if !result.isEmpty {
            let text = result.hasSuffix("\n") ? String(result.dropLast()) : result
            publisher.publish(
                "execute_result", ["execution_count": count, "data": ["text/plain": text], "metadata": [String: Any]()],
                parent: request)
        }
        if storeHistory {
            cells.history.append(line: count, input: code, output: ran.outputs.map(\.plainText).joined())
        }
        return finish(.init(failure: failure), count: count)
    }

    private func finish(_ outcome: KernelCommand.Outcome, count: Int) -> [String: Any] {
        if var failure = outcome.failure {
            failure["status"] = "error"
            failure["execution_count"] = count
            return failure
        }
        return ["status": "ok", "execution_count": count, "user_expressions": [String: Any](), "payload": outcome.payload]
    }

    /// Publishes one output.
    private func output(_ live: LiveOutput) {
        if live.clears { return publisher.publish("clear_output", ["wait": false], parent: request) }
        let kind = live.isResult ? "execute_result" : "display_data"
        switch live.output {
        case .stream(let stream, let text):
            publisher.publish("stream", ["name": stream.rawValue, "text": text], parent: request)
        case .table(let text):
            var data: [String: Any] = ["text/plain": text]
            if let table = live.table { data["text/html"] = HTMLTable.render(table) }
            display(kind, data, output: "table")
        case .svg(let svg):
            display(kind, ["image/svg+xml": svg, "text/plain": "<SVG plot>"], output: nil)
        case .png(let bytes):
            display(kind, ["image/png": Data(bytes).base64EncodedString(), "text/plain": "<PNG image>"], output: nil)
        case .error(let message, let diagnostic):
            publisher.publish("error", CellExecution.error(message: message, diagnostic: diagnostic), parent: request)
        case .unrecognized:
            break
        }
    }

    private func display(_ kind: String, _ data: [String: Any], output: String?) {
        var content: [String: Any] = ["data": data, "metadata": output.map { ["fewshot": ["output": $0]] } ?? [String: Any]()]
        if kind == "execute_result" { content["execution_count"] = cells.executionCount }
        publisher.publish(kind, content, parent: request)
    }

    /// An error's content: the diagnostic's lines are the traceback.
    static func error(message: String, diagnostic: String) -> [String: Any] {
        var lines = diagnostic.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return ["ename": "fewshot error", "evalue": message, "traceback": lines]
    }
}
