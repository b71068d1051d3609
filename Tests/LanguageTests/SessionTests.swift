import Foundation
import Testing

@testable import Language

/// A host object as the Workbench would define one.
final class FakeDataset: HostObject {
    var typeName: String { "dataset" }
    var summary: String { "dataset(3 rows: text, label)" }
    var display: String? { "text   label\ngood   pos\n" }
    func field(_ name: String) -> Value? { name == "count" ? .int(3) : nil }
    var fieldNames: [String] { ["count"] }
}

@Suite struct SessionTests {
    func session() throws -> (Session, CapturingOutputSink) {
        let s = try Session()
        let sink = CapturingOutputSink()
        s.output = sink
        return (s, sink)
    }

    @Test func globalsPersistAcrossCellsAndLastValueIsReturned() throws {
        let (s, _) = try session()
        #expect(try s.evaluate("let x = 20", name: "cell-1") == .nil)
        #expect(try s.evaluate("fn twice(n) => n * 2", name: "cell-2") == .nil)
        #expect(try s.evaluate("twice(x) + 2", name: "cell-3") == .int(42))
        #expect(s.global("x") == .int(20))
        #expect(s.globalNames.contains("twice"))
    }

    @Test func outputGoesToTheSink() throws {
        let (s, sink) = try session()
        try s.evaluate("print(\"a\", 1)\nprint([1])", name: "c")
        #expect(sink.items == [.text("a 1\n"), .text("[1]\n")])
    }

    @Test func compileErrorsAreAllReportedWithKind() throws {
        let (s, _) = try session()
        #expect {
            try s.evaluate("let = 1\nlet = 2", name: "cell-9")
        } throws: { e in
            guard let d = e as? DiagnosticError else { return false }
            return d.diagnostics.count == 2 && !d.isRuntime && d.exitCode == 65 && d.diagnostics[0].range.file.name == "cell-9"
        }
    }

    @Test func runtimeErrorCarriesTheCallStack() throws {
        let (s, _) = try session()
        try s.evaluate("fn inner(x) => x + nil\nfn outer() => inner(1)", name: "cell-1")
        do {
            try s.evaluate("outer()", name: "cell-2")
            Issue.record("expected an error")
        } catch let e as DiagnosticError {
            #expect(e.exitCode == 70)
            let d = e.diagnostics[0]
            #expect(d.message == "cannot apply '+' to int and nil")
            #expect(d.callStack.map(\.function) == ["inner", "outer"])
            #expect(d.callStack.map { "\($0.callSite)" } == ["cell-1:2:15", "cell-2:1:1"])
            let text = DiagnosticRenderer(color: false).render(d)
            #expect(text.contains("cell-1:1:16: error: cannot apply '+' to int and nil\n 1 | fn inner(x) => x + nil\n"))
            #expect(text.contains("  in inner at cell-1:2:15\n  in outer at cell-2:1:1\n"))
        }
        // The session is still usable.
        #expect(try s.evaluate("1 + 1", name: "cell-3") == .int(2))
    }

    @Test func rendererMatchesTheHouseFormat() throws {
        let (s, _) = try session()
        do {
            try s.evaluate("print(add(1 2))", name: "cell-3")
        } catch let e as DiagnosticError {
            let text = DiagnosticRenderer(color: false).render(e.diagnostics)
            #expect(
                text == """
                    cell-3:1:13: error: expected ',' or ')' after argument, found '2'
                     1 | print(add(1 2))
                       |             ^
                    cell-3:1:10: note: to match this '('
                     1 | print(add(1 2))
                       |          ^

                    """)
            #expect(DiagnosticRenderer(color: true).render(e.diagnostics).contains("\u{1B}["))
        }
    }

    /// Seen before: an error a built-in threw that was not a `RuntimeError` (a dataset's, a
    /// model's) was reported at 1:1 with no DSL call stack, so every built-in converted errors
    /// itself. `callBuiltin` now locates any error at the call.
    @Test func anyErrorABuiltinThrowsIsLocatedAtTheCallWithTheStack() throws {
        struct DataProblem: Error, CustomStringConvertible { var description: String { "row 3 has no text" } }
        let (s, _) = try session()
        s.register(Builtin("load_rows", [], category: "test", doc: "Fails.") { _, _ in throw DataProblem() })
        do {
            try s.evaluate("fn outer() => load_rows()\nouter()", name: "c")
            Issue.record("expected an error")
        } catch let e as DiagnosticError {
            let d = e.diagnostics[0]
            #expect(d.message == "row 3 has no text")
            #expect(d.range.location.line == 1 && d.range.location.column == 15, "\(d.range)")
            #expect(d.callStack.map(\.function) == ["outer"])
            #expect(e.exitCode == 70)
        }
    }

    @Test func registeringABuiltinTakesAFewLines() throws {
        let (s, sink) = try session()
        s.register(
            Builtin(
                "shout", [BuiltinParameter("text", .string), BuiltinParameter("times", .int, default: 1)],
                category: "test", doc: "Upper-cases text.\nExample: shout(\"hi\", times: 2)"
            ) { args, _ in
                .string(String(repeating: try args.string("text").uppercased(), count: try args.int("times")))
            })
        #expect(try s.evaluate("shout(\"hi\", times: 2)", name: "c") == .string("HIHI"))
        #expect(try s.evaluate("\"hey\" |> shout()", name: "c") == .string("HEY"))
        try s.evaluate("help(\"shout\")", name: "c")
        #expect(sink.text.hasPrefix("shout(text: string, times: int = 1)\nUpper-cases text."))
        #expect(s.builtins["shout"]?.parameters.map(\.name) == ["text", "times"])
        #expect(s.builtins.markdown().contains("### `shout`"))
        #expect(throws: DiagnosticError.self) { try s.evaluate("shout(1)", name: "c") }
    }

    /// A notebook's cells run on one evaluation thread: `evaluate` inside `onEvaluationThread`
    /// starts no thread of its own (a thread per cell made a 100,000-cell check take 44 s, 1.4 s now).
    @Test func cellsInsideOneEvaluationThreadShareIt() throws {
        let (s, _) = try session()
        var threads: [pthread_t] = []
        s.register(
            Builtin("where", [], category: "test", doc: "The thread.") { _, _ in
                threads.append(pthread_self())
                return .nil
            })
        let outer = try s.onEvaluationThread { () -> pthread_t in
            try s.evaluate("where()", name: "a")
            try s.evaluate("where()", name: "b")
            return pthread_self()
        }
        #expect(threads.count == 2)
        #expect(threads.allSatisfy { pthread_equal($0, outer) != 0 }, "each cell ran in place, on the one thread")
    }

    @Test func builtinsCanCallBackClosuresAndEmitRichOutput() throws {
        let (s, sink) = try session()
        s.register(
            Builtin("table_of", [BuiltinParameter("xs", .list), BuiltinParameter("where", .function)], doc: "test") { args, ctx in
                let f = try args.function("where")
                let rows = try args.list("xs").filter { try ctx.call(f, [$0]) == .bool(true) }.map { [$0.description] }
                ctx.emit(.table(TableOutput(columns: ["x"], rows: rows)))
                return .int(rows.count)
            })
        #expect(try s.evaluate("table_of([1, 2, 3], where: fn(x) => x > 1)", name: "c") == .int(2))
        #expect(sink.items == [.table(TableOutput(columns: ["x"], rows: [["2"], ["3"]]))])
        #expect(sink.text == "x\n-\n2\n3\n")
    }

    @Test func hostObjectsPrintFieldsAndTypes() throws {
        let (s, sink) = try session()
        s.setGlobal("tweets", .host(FakeDataset()))
        #expect(try s.evaluate("tweets.count", name: "c") == .int(3))
        #expect(try s.evaluate("type(tweets)", name: "c") == .string("dataset"))
        try s.evaluate("print(tweets)\nshow(tweets)", name: "c")
        #expect(sink.text == "dataset(3 rows: text, label)\ntext   label\ngood   pos\n")
        #expect(throws: DiagnosticError.self) { try s.evaluate("tweets.cuont", name: "c") }
    }

    @Test func cancellationStopsALoopAndTheSessionGoesOn() throws {
        let (s, _) = try session()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { s.cancel() }
        do {
            try s.evaluate("var i = 0\nwhile true { i += 1 }", name: "c")
            Issue.record("expected an interruption")
        } catch let e as DiagnosticError {
            #expect(e.diagnostics[0].message == "interrupted")
            #expect(e.isInterruption && e.exitCode == 130)
        }
        #expect(try s.evaluate("i > 0", name: "c") == .bool(true))
    }

    /// Seen before: cancellation was the message "interrupted", so a program's own
    /// `error("interrupted")` stopped `fewshot run` with exit 130 as if Ctrl-C had been pressed.
    @Test func aProgramCannotFakeAnInterruption() throws {
        let (s, _) = try session()
        do {
            try s.evaluate(#"error("interrupted")"#, name: "c")
            Issue.record("expected an error")
        } catch let e as DiagnosticError {
            #expect(e.diagnostics[0].message == "interrupted")
            #expect(!e.isInterruption && e.exitCode == 70)
        }
    }

    @Test func stepLimitStopsRunawayCode() throws {
        var o = Session.Options()
        o.stepLimit = 10_000
        let s = try Session(options: o)
        #expect(throws: DiagnosticError.self) { try s.evaluate("while true { }", name: "c") }
    }

    @Test func fileAccessGoesThroughThePolicy() throws {
        final class Deny: FileAccessPolicy, @unchecked Sendable {
            var seen: [String] = []
            override func resolve(_ path: String, mode: Mode, relativeTo directory: String) throws -> String {
                seen.append("\(mode.rawValue) \(path)")
                throw RuntimeError("access to '\(path)' is not allowed")
            }
        }
        let (s, _) = try session()
        let policy = Deny()
        s.fileAccess = policy
        for code in ["read_text(\"a.txt\")", "write_text(\"b.txt\", \"x\")", "import \"./c.shot\""] {
            #expect(throws: DiagnosticError.self) { try s.evaluate(code, name: "c") }
        }
        #expect(policy.seen == ["read a.txt", "write b.txt", "read ./c.shot"])
    }

    @Test func invalidUTF8FileIsAnErrorNotACrash() throws {
        let (s, _) = try session()
        let path = NSTemporaryDirectory() + "fewshot-invalid-\(getpid()).shot"
        FileManager.default.createFile(atPath: path, contents: Data([0x70, 0x72, 0xFF, 0xFE, 0x0A]))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: DiagnosticError.self) { try s.runFile(path) }
        #expect(throws: DiagnosticError.self) { try s.evaluate("x \u{FFFD}", name: "c") }
    }

    @Test func checkReportsWithoutRunning() throws {
        let (s, sink) = try session()
        #expect(s.check("print(1)", name: "c").isEmpty)
        #expect(s.check("let x = 1\nx = 2", name: "c").count == 1)
        #expect(sink.items.isEmpty)
    }
}
