import Foundation
import REPL
import Workbench

/// The `:commands` a cell may hold in Jupyter (alone in the cell):
///
/// - `:notebook PATH` records the teacher's answers beside PATH (`PATH.teacher`) and answers
///   from what is there, for front ends that do not name the notebook in `JPY_SESSION_NAME`;
/// - `:help [NAME]` shows the help in the front end's pager, as `:help` does at the REPL.
///
/// The REPL's other commands manage its own notebook file, which Jupyter does here.
struct KernelCommand {
    let name: String
    let argument: String

    /// What a command did: a pager payload, or a failure as an error content.
    struct Outcome {
        var payload: [[String: Any]] = []
        var failure: [String: Any]?
    }

    /// The command in `code`, or nil when the cell is fewshot code.
    init?(_ code: String) {
        let trimmed = code.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix(":"), !trimmed.contains("\n") else { return nil }
        let body = trimmed.dropFirst()
        let name = body.prefix { !$0.isWhitespace }
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter }) else { return nil }
        self.name = String(name)
        self.argument = body.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
    }

    func run(cells: KernelCells, count: Int, publish: (LiveOutput) -> Void) -> Outcome {
        switch name {
        case "help":
            let text = HelpText.text(for: argument, in: cells.workspace.session)
            return Outcome(payload: [["source": "page", "data": ["text/plain": text], "start": 0]])
        case "notebook":
            guard !argument.isEmpty else { return fail("usage: :notebook PATH (the notebook's .ipynb)") }
            do {
                let said = try cells.attach(notebook: argument)
                publish(LiveOutput(output: .stream(.stdout, said + "\n"), isResult: false))
                return Outcome()
            } catch {
                return fail("\(error)")
            }
        default:
            return fail("':\(name)' is not available in Jupyter (there are :help NAME and :notebook PATH)")
        }
    }

    private func fail(_ message: String) -> Outcome {
        Outcome(failure: CellExecution.error(message: message, diagnostic: "error: \(message)\n"))
    }
}

extension KernelCommand.Outcome {
    init(failure: [String: Any]?) {
        self.init(payload: [], failure: failure)
    }
}
