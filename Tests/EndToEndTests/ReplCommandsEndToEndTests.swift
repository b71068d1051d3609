import Foundation
import TestSupport
import Testing

/// The REPL's `:commands` through the real binary, typed on piped standard input (the
/// terminal-only ones, `:edit` and `:history`, are in ReplTerminalTests).
@Suite struct ReplCommandsEndToEndTests {
    /// Runs `fewshot` with `arguments` in a new folder, `input` piped in; also returns the folder.
    func session(_ arguments: [String], input: String) throws -> (FewshotProcess.Result, URL) {
        let binary = try #require(FewshotProcess.binary(), "swift build makes .build/debug/fewshot")
        let folder = try FewshotProcess.temporaryFolder()
        let result = try FewshotProcess.run(
            binary, arguments, input: input, directory: folder,
            environment: ["HOME": folder.path, "XDG_STATE_HOME": folder.appendingPathComponent("state").path])
        return (result, folder)
    }

    @Test func commandsListShowRerunSaveResetLoadAndQuit() throws {
        let (result, folder) = try session(
            ["new", "work.fsnb"],
            input: """
                let a = 1
                print(a + 1)
                :cells
                :show 2
                :rerun 2
                :show 7
                :save copy
                :reset
                a
                :load copy.fsnb
                a * 10
                :quit
                print("not reached")

                """)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(result.status == 70, "piped input exits as run does: 70 for the unknown name after :reset")
        let out = result.stdout
        #expect(out.contains("[1] let a = 1\n[2] print(a + 1)\n"))
        #expect(out.contains("print(a + 1)\n2\n2\n"), ":show 2 prints the source and output, :rerun 2 runs it again: \(out)")
        #expect(out.contains("no cell '7': cells are numbered 1 to 2"))
        #expect(out.contains("saved 2 cells to copy.fsnb"), ":save NAME adds the .fsnb extension")
        #expect(out.contains("all names forgotten"))
        #expect(result.stderr.contains("unknown name 'a'"), "after :reset")
        #expect(out.contains("loaded copy.fsnb: ran 3 code cells"))
        #expect(out.hasSuffix("10\n"), "names come back with :load; :quit stops reading: \(out)")
        let work = try String(contentsOf: folder.appendingPathComponent("work.fsnb"), encoding: .utf8)
        #expect(work.contains("| print(a + 1)\n--- stream stdout\n| 2"))
        let copy = try String(contentsOf: folder.appendingPathComponent("copy.fsnb"), encoding: .utf8)
        #expect(copy.contains("| a * 10"), "after :save PATH, the session is saved there")
    }

    /// Seen before: `:load` numbered cells over all cells, text cells included, while `run`
    /// counts code cells only, so a cell typed after loading a notebook with text said
    /// `cell-4` at the REPL and `cell-2` on replay, and the saved session did not check.
    @Test func cellsAreNumberedOverCodeCellsAsRunNumbersThem() throws {
        let folder = try FewshotProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try """
        fsnb 2.0
        fewshot-version: 0.1.0

        === text id=intro
        | # Two text cells around one code cell

        === code id=first count=1
        | let a = 1

        === text id=outro
        | The end.

        === end

        """.write(to: folder.appendingPathComponent("base.fsnb"), atomically: true, encoding: .utf8)
        let binary = try #require(FewshotProcess.binary())
        let made = try FewshotProcess.run(
            binary, ["new", "more.fsnb"], input: ":load base.fsnb\nprint(nope)\n:cells\n:save\n", directory: folder)
        #expect(made.stderr.contains("cell-2:1:7: error: unknown name 'nope'"), "\(made.stderr)")
        #expect(made.stdout.contains("[1] let a = 1\n[2] print(nope)\n"), "\(made.stdout)")
        // `:load` made base.fsnb the session's notebook: `:save` wrote the new cell into it.
        let checked = try FewshotProcess.run(binary, ["check", "base.fsnb"], directory: folder)
        #expect(checked.stdout.contains("all 2 code cells match"), "\(checked.stdout)\(checked.stderr)")
    }

    @Test func helpListsCommandsAndExplainsABuiltin() throws {
        let (result, folder) = try session([], input: ":help\n:help len\n:help nosuch\n:help reduce\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(result.stdout.contains("Commands:"))
        #expect(result.stdout.contains(":edit N"))
        #expect(result.stdout.contains("Built-ins"))
        #expect(result.stdout.contains("Example: len([1, 2, 3])"))
        #expect(result.stdout.contains("no function named 'nosuch'"))
        #expect(result.stdout.contains("reduce(xs, f, initial = nil)\nCombines the elements"), "the prelude's own functions")
    }

    @Test func unknownCommandSuggestsTheNearest() throws {
        let (result, folder) = try session([], input: ":sve\n:rerum 1\n:zzzzzzzz\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(result.stdout.contains("unknown command ':sve' (did you mean ':save'?)"))
        #expect(result.stdout.contains("unknown command ':rerum' (did you mean ':rerun'?)"))
        #expect(result.stdout.contains("unknown command ':zzzzzzzz'; :help lists the commands"))
    }

    @Test func newRefusesAnExistingNotebook() throws {
        let binary = try #require(FewshotProcess.binary())
        let folder = try FewshotProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "fsnb 1.0\n".write(to: folder.appendingPathComponent("taken.fsnb"), atomically: true, encoding: .utf8)
        let result = try FewshotProcess.run(binary, ["new", "taken.fsnb"], directory: folder)
        #expect(result.status == 64)
        #expect(result.stderr.contains("taken.fsnb already exists"))
        #expect(try String(contentsOf: folder.appendingPathComponent("taken.fsnb"), encoding: .utf8) == "fsnb 1.0\n")
    }
}
