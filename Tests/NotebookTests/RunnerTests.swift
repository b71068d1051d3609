import Testing

@testable import Notebook

/// An executor for tests: a tiny "language" where each source line is a command.
///   say TEXT      prints TEXT and a newline
///   progress      prints a carriage-return progress bar
///   fail TEXT     produces an error output
///   set X         remembers X (session state)   get   prints what was remembered
///   abort         throws (the session cannot go on)
final class ScriptExecutor: CellExecutor {
    var remembered = ""
    var requests: [CellExecutionRequest] = []
    /// Text substituted for `$V` in `say`, so a test can make a replay differ.
    var variable = "1"

    struct Abort: Error {}

    func execute(_ request: CellExecutionRequest) throws -> [CellOutput] {
        requests.append(request)
        var outputs: [CellOutput] = []
        for line in request.source.split(separator: "\n") {
            let words = line.split(separator: " ", maxSplits: 1).map(String.init)
            let argument = words.count > 1 ? words[1] : ""
            switch words.first {
            case "say": outputs.append(.stream(.stdout, argument.replacing("$V", with: variable) + "\n"))
            case "progress": outputs.append(.stream(.stdout, "[#   ] 25%\r[##  ] 50%\r[####] 100% done in 0.8s\n"))
            case "fail":
                outputs.append(.error(message: argument, diagnostic: "cell-\(request.executionCount):1:6: error: \(argument)\n"))
            case "set": remembered = argument
            case "get": outputs.append(.stream(.stdout, remembered + "\n"))
            case "abort": throw Abort()
            default: outputs.append(.stream(.stderr, "unknown command\n"))
            }
        }
        return outputs
    }
}

@Suite struct RunnerTests {
    func sample() throws -> Notebook {
        var notebook = Notebook()
        try notebook.append(Cell(id: "t", kind: .text, source: "# A title"))
        try notebook.append(Cell(id: "a", kind: .code, source: "set hello\nsay value $V"))
        try notebook.append(Cell(id: "b", kind: .code, source: "get\nprogress"))
        try notebook.append(Cell(id: "c", kind: .code, source: "fail boom"))
        return notebook
    }

    @Test func runReplaysCodeCellsInOrderWithState() throws {
        let executor = ScriptExecutor()
        var seen: [Int] = []
        let result = try NotebookRunner(executor: executor).run(try sample()) { index, _ in seen.append(index) }
        #expect(seen == [1, 2, 3])
        #expect(executor.requests.map(\.executionCount) == [1, 2, 3])
        #expect(executor.requests.map(\.cellID) == ["a", "b", "c"])
        #expect(result.cells[0] == (try sample()).cells[0])
        #expect(result.cells[1].outputs == [.stream(.stdout, "value 1\n")])
        #expect(result.cells[2].outputs == [.stream(.stdout, "hello\n"), .stream(.stdout, "[####] 100% done in 0.8s\n")])
        #expect(result.cells[3].outputs == [.error(message: "boom", diagnostic: "cell-3:1:6: error: boom\n")])
        #expect(result.cells[1].executionCount == 1 && result.cells[3].executionCount == 3)
        #expect(result.cells.dropFirst().allSatisfy { ($0.duration ?? -1) >= 0 })
    }

    @Test func checkPassesOnAFaithfulReplayDespiteTimings() throws {
        var recorded = try NotebookRunner(executor: ScriptExecutor()).run(try sample())
        // The recording took other timings: still a match after normalisation.
        recorded.cells[2].outputs[1] = .stream(.stdout, "[####] 100% done in 12.5s\n")
        let report = try NotebookRunner(executor: ScriptExecutor()).check(recorded)
        #expect(report.passed)
        #expect(report.exitCode == 0)
        #expect(report.cells.count == 3)
        #expect(report.rendered(path: "nb.fsnb") == "nb.fsnb: all 3 code cells match\n")
    }

    @Test func outputsOfANewerFewshotAreNotCompared() throws {
        var recorded = try NotebookRunner(executor: ScriptExecutor()).run(try sample())
        let newer = try Notebook(fsnb: Array("fsnb 1.4\n\n=== code id=x\n--- plotly\n| {}\n".utf8))
        recorded.cells[1].outputs.insert(newer.cells[0].outputs[0], at: 0)
        #expect(try NotebookRunner(executor: ScriptExecutor()).check(recorded).passed)
    }

    @Test func checkReportsAReadableDiffOnMismatch() throws {
        let recorded = try NotebookRunner(executor: ScriptExecutor()).run(try sample())
        let changed = ScriptExecutor()
        changed.variable = "2"
        let report = try NotebookRunner(executor: changed).check(recorded)
        #expect(!report.passed)
        #expect(report.exitCode == 1)
        #expect(report.mismatches.map(\.cellID) == ["a"])
        #expect(
            report.rendered(path: "nb.fsnb") == """
                cell 1 (id a): outputs differ
                --- recorded
                +++ replayed
                @@ -1,2 +1,2 @@
                 [stream stdout]
                -value 1
                +value 2

                nb.fsnb: 1 of 3 code cells differ

                """)
    }

    @Test func executorFailureStopsWithThePartialNotebook() throws {
        var notebook = try sample()
        try notebook.append(Cell(id: "d", kind: .code, source: "abort"))
        #expect {
            _ = try NotebookRunner(executor: ScriptExecutor()).run(notebook)
        } throws: { error in
            guard let interrupted = error as? NotebookRunner.Interrupted else { return false }
            return interrupted.cellID == "d" && interrupted.partial.cells[3].executionCount == 3
                && interrupted.underlying is ScriptExecutor.Abort
        }
    }
}

@Suite struct OutputNormalizerTests {
    @Test(arguments: [
        ("done in 1.84s", "done in <duration>"),
        ("epoch 3 done in 1.84s (412.5 tok/s)", "epoch 3 done in <duration> (<rate>)"),
        ("took 250 ms, then 3 minutes", "took <duration>, then <duration>"),
        ("1m12.5s elapsed", "<duration> elapsed"),
        ("412.5 tok/s and 3.1 it/s and 2.0s/it", "<rate> and <rate> and <rate>"),
        ("ETA 00:12, elapsed 1:02:03", "ETA <clock>, elapsed <clock>"),
        ("[00:12<00:34, 5.1it/s]", "[<clock><<clock>, <rate>]"),
        ("saved /tmp/fewshot-1234/model.bin", "saved <tmp>"),
        ("at 2026-11-23T02:22:03Z", "at <timestamp>"),
        ("object at 0x7ffee4b2c9a0", "object at <address>"),
        ("cell-3:2:13: error: expected ','", "cell-3:2:13: error: expected ','"),
        ("accuracy 0.82, loss 1.5", "accuracy 0.82, loss 1.5"),
        ("\u{1B}[1;31merror\u{1B}[0m: x", "error: x"),
        ("12:345 and 1:2 and 123:45", "12:345 and 1:2 and 123:45"),
        ("0x1234567890abcdef0 and 0x12345", "0x1234567890abcdef0 and 0x12345"),
        ("at 2026-11-23 02:22:03.123+01:00.", "at <timestamp>."),
        ("5 s/it, 3 MiB/s, 40µs, 2 hours, 1h2m3s", "<rate>, <rate>, <duration>, <duration>, <duration>"),
        ("10s. 3.5 sec; 7 mins", "<duration>. <duration>; <duration>"),
        ("model5s 2sx x2s", "model5s 2sx x2s"),
        ("(/var/folders/ab/T/x.bin) '/private/tmp/y'", "(<tmp>) '<tmp>'"),
        ("3 steps, 10 samples", "3 steps, 10 samples"),
    ])
    func standardRules(_ input: String, _ expected: String) {
        #expect(OutputNormalizer.standard.normalize(input) == expected)
    }
}

@Suite struct ProgressTextTests {
    @Test(arguments: [
        ("a\rb\rc\n", "c\n"),
        ("[#  ] 33%\r[###] 100%\r", "[###] 100%"),
        ("line\r\nnext\r\n", "line\r\nnext\r\n"),
        ("x\ry\r\nz", "y\r\nz"),
        ("no updates\n", "no updates\n"),
        ("", ""),
        ("\r\r\n", "\r\n"),
        ("one\r\n\rtwo\rthree\n", "one\r\nthree\n"),
    ])
    func collapses(_ input: String, _ expected: String) {
        #expect(Array(ProgressText.collapse(input).utf8) == Array(expected.utf8))
    }
}

@Suite struct LineDiffTests {
    @Test func equalInputsHaveNoDiff() {
        #expect(LineDiff.unified(["a", "b"], ["a", "b"]) == "")
    }

    @Test func changeInTheMiddleWithContext() {
        let old = (1...10).map(String.init)
        var new = old
        new[4] = "five"
        #expect(LineDiff.unified(old, new) == "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n")
    }

    @Test func distantChangesMakeTwoHunks() {
        let old = (1...20).map(String.init)
        var new = old
        new[1] = "two"
        new[18] = "nineteen"
        let diff = LineDiff.unified(old, new)
        #expect(diff.split(separator: "\n").filter { $0.hasPrefix("@@ -") }.count == 2)
        #expect(diff.hasPrefix("@@ -1,5 +1,5 @@\n 1\n-2\n+two\n"))
    }

    @Test func insertionsIntoEmpty() {
        #expect(LineDiff.unified([], ["x", "y"]) == "@@ -0,0 +1,2 @@\n+x\n+y\n")
        #expect(LineDiff.unified(["x"], []) == "@@ -1 +0,0 @@\n-x\n")
    }
}

@Suite struct RunOneCellTests {
    @Test func theREPLRunsCellsOneByOne() throws {
        let runner = NotebookRunner(executor: ScriptExecutor())
        var notebook = Notebook()
        notebook.append(.code, source: "set 41")
        try runner.run(cellAt: 0, in: &notebook, executionCount: 1)
        notebook.append(.code, source: "get")
        try runner.run(cellAt: 1, in: &notebook, executionCount: 2)
        #expect(notebook.cells[1].outputs == [.stream(.stdout, "41\n")])
        #expect(notebook.cells.map(\.executionCount) == [1, 2])
        notebook.append(.text, source: "# note")
        #expect(throws: NotebookError.self) { try runner.run(cellAt: 2, in: &notebook, executionCount: 3) }
    }
}
