import Foundation
import Language
import Notebook
import Testing

@testable import Workbench

/// What a front end that shows outputs as they come (the Jupyter kernel) is handed, and the
/// outputs `warn` and `clear_output` leave in the notebook.
struct LiveOutputTests {
    @Test func eachOutputIsHandedOverAsItComesAndTheValueIsMarked() throws {
        let workspace = try Workspace()
        var seen: [(CellOutput, Bool)] = []
        workspace.onOutput = { seen.append(($0.output, $0.isResult)) }
        let outputs = workspace.run("print(\"a\")\nwarn(\"careful\")\nprint(\"b\")\n1 + 2", executionCount: 1)
        #expect(outputs == [.stream(.stdout, "a\n"), .stream(.stderr, "careful\n"), .stream(.stdout, "b\n3\n")])
        #expect(
            seen.map(\.0) == [
                .stream(.stdout, "a\n"), .stream(.stderr, "careful\n"), .stream(.stdout, "b\n"), .stream(.stdout, "3\n"),
            ])
        #expect(seen.map(\.1) == [false, false, false, true])
    }

    @Test func aDatasetValueComesWithItsCells() throws {
        let workspace = try Workspace()
        var tables: [TableOutput] = []
        workspace.onOutput = { if let table = $0.table { tables.append(table) } }
        _ = workspace.run(#"dataset([{text: "<b>", label: "x"}])"#, executionCount: 1)
        #expect(tables.first?.columns == ["#", "text", "label"])
        #expect(tables.first?.rows == [["0", "<b>", "x"]])
    }

    @Test func clearOutputForgetsWhatCameBefore() throws {
        let workspace = try Workspace()
        var clears = 0
        workspace.onOutput = { if $0.clears { clears += 1 } }
        let outputs = workspace.run(
            "for round in range(3) { clear_output(); print(\"round\", round) }\nwarn(\"done\")", executionCount: 1)
        #expect(outputs == [.stream(.stdout, "round 2\n"), .stream(.stderr, "done\n")])
        #expect(clears == 3)
    }

    @Test func anErrorIsHandedOverWithItsDiagnostic() throws {
        let workspace = try Workspace()
        var errors: [String] = []
        workspace.onOutput = { if case .error(_, let diagnostic) = $0.output { errors.append(diagnostic) } }
        _ = workspace.run("print(1)\nundefined_name", executionCount: 4)
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("cell-4:2:1: error: unknown name 'undefined_name'") == true)
    }
}
