import Foundation
import TestSupport
import Testing

/// A notebook made at the REPL replays: `fewshot check` gives every output it was saved with,
/// offline and without permissions that only a live run needs.
@Suite struct ReplNotebookReplayTests {
    /// Seen before: a teacher at a custom base_url was refused on replay (its summary read
    /// "(refused)") and every later cell differed; under `--live` without the flag its requests
    /// were quietly dropped as rejected rows, and `--save` wrote that into the notebook.
    @Test func aTeacherAtACustomURLReplaysWithoutPermissionAndLiveNeedsIt() throws {
        let binary = try #require(FewshotProcess.binary())
        let server = try TeacherLoopTests.FixtureServer()
        let folder = try FewshotProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = "http://127.0.0.1:\(server.port)/v1"
        let session = """
            let t = teacher("fake-model", base_url: "\(url)")
            t
            let p = prompt("Review: \\{text}", output: ["good", "bad"])
            evaluate(t, dataset([{text: "good", label: "good"}, {text: "bad", label: "bad"}]), prompt: p)
            """
        let made = try FewshotProcess.run(binary, ["new", "url.fsnb"], input: session, directory: folder)
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains("teacher(http fake-model at \(url))"), "\(made.stdout)")

        let checked = try FewshotProcess.run(binary, ["check", "url.fsnb"], directory: folder)
        #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
        #expect(checked.stdout.contains("all 4 code cells match"), "\(checked.stdout)")

        let before = try String(contentsOf: folder.appendingPathComponent("url.fsnb"), encoding: .utf8)
        let live = try FewshotProcess.run(binary, ["run", "url.fsnb", "--live", "--save"], directory: folder)
        #expect(live.status == 70, "\(live.stdout)\(live.stderr)")
        #expect(live.stderr.contains("run again with --allow-teacher-url \(url)"), "\(live.stderr)")
        #expect(live.stderr.contains("not saved: cell 1 ran cleanly before and fails now"), "\(live.stderr)")
        let after = try String(contentsOf: folder.appendingPathComponent("url.fsnb"), encoding: .utf8)
        #expect(after == before, "a refused live run must not save its errors over the recorded outputs")
        // The run itself is kept beside the notebook, so answers a long run paid for are not lost.
        #expect(live.stderr.contains("This run, with its"), "\(live.stderr)")
        let aside = try String(contentsOf: folder.appendingPathComponent("url.new-run.fsnb"), encoding: .utf8)
        #expect(aside.contains("--allow-teacher-url"), "the aside run holds the new outputs")
    }

    /// Seen before: a notebook whose new cells had never run (written by hand, no outputs) was
    /// refused by `run --live --save` when one of them failed, "cell 19" counting text cells too,
    /// and the nine minutes of teacher answers before it were lost. Never-run cells have no clean
    /// outputs to protect: the run is saved, with the error, and the answers.
    @Test func aNewCellThatFailsDoesNotLoseTheRun() throws {
        let binary = try #require(FewshotProcess.binary())
        let server = try TeacherLoopTests.FixtureServer()
        let folder = try FewshotProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let notebook = """
            fsnb 2.0
            fewshot-version: 0.1.0

            === text id=intro
            | A hand-written notebook.

            === code id=ask
            | let t = teacher("fake-model", base_url: "http://127.0.0.1:\(server.port)/v1")
            | let p = prompt('Review: {text}', output: ["good", "bad"])
            | print(evaluate(t, dataset([{text: "good", label: "good"}]), prompt: p).accuracy >= 0)

            === code id=broken
            | error("not yet written")

            === end

            """
        try notebook.write(to: folder.appendingPathComponent("hand.fsnb"), atomically: true, encoding: .utf8)
        let live = try FewshotProcess.run(
            binary, ["run", "hand.fsnb", "--live", "--save", "--allow-teacher-url", "http://127.0.0.1:\(server.port)/v1"],
            directory: folder)
        #expect(live.status == 70, "\(live.stdout)\(live.stderr)")
        #expect(!live.stderr.contains("not saved"), "\(live.stderr)")
        let saved = try String(contentsOf: folder.appendingPathComponent("hand.fsnb"), encoding: .utf8)
        #expect(saved.contains("cell-2:1:1: error: not yet written") || saved.contains("not yet written"), "\(saved)")
        #expect(saved.contains("teacher-recording:"), "the teacher's answer is recorded with the notebook")
    }

    /// Seen before: a plan cell never checked clean, because it counted the answers that later
    /// cells recorded. A plan shows the whole call now, and what is recorded only as a note.
    @Test func aPlanCellBeforeItsGenerateReplays() throws {
        let binary = try #require(FewshotProcess.binary())
        let server = try TeacherLoopTests.FixtureServer()
        let folder = try FewshotProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let session = """
            let t = teacher("fake-model", base_url: "http://127.0.0.1:\(server.port)/v1")
            let p = prompt("Write about \\{x}.", output: "text")
            let xs = dataset([{x: "a"}, {x: "b"}])
            plan(p, label: xs, teacher: t, max_tokens: 8)
            let d = generate(p, label: xs, teacher: t, max_tokens: 8)
            plan(p, label: xs, teacher: t, max_tokens: 8)
            """
        let made = try FewshotProcess.run(binary, ["new", "plan.fsnb"], input: session, directory: folder)
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains("now: all 2 requests are recorded and replay free"), "\(made.stdout)")
        let checked = try FewshotProcess.run(binary, ["check", "plan.fsnb"], directory: folder)
        #expect(checked.stdout.contains("all 6 code cells match"), "\(checked.stdout)\(checked.stderr)")
        let saved = try String(contentsOf: folder.appendingPathComponent("plan.fsnb"), encoding: .utf8)
        #expect(!saved.contains("replay free"), "the note is not kept with the cell")
    }

    /// A notebook cell that fails with the message "interrupted" is an error like any other:
    /// `fewshot run` goes on to the next cell and exits 70, not 130 as for Ctrl-C.
    @Test func anErrorSayingInterruptedIsNotACtrlC() throws {
        let binary = try #require(FewshotProcess.binary())
        let folder = try FewshotProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try FewshotProcess.run(
            binary, ["new", "e.fsnb"], input: "error(\"interrupted\")\nprint(\"after\")\n", directory: folder)
        let run = try FewshotProcess.run(binary, ["run", "e.fsnb"], directory: folder)
        #expect(run.status == 70, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("after"), "\(run.stdout)")
    }
}
