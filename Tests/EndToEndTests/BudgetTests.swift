import Foundation
import FoundationNetworking
import TestSupport
import Testing

/// Plans, budgets and usage through the real binary, against the teacher-fixture-server on
/// 127.0.0.1 (which answers "echo: <last message>" and counts each word as a token).
@Suite struct BudgetTests {
    /// How many chat requests the fixture server has received.
    static func requestsReceived(_ server: TeacherLoopTests.FixtureServer) throws -> Int {
        let stats = try Data(contentsOf: URL(string: "http://127.0.0.1:\(server.port)/v1/stats")!)
        let object = try #require(try JSONSerialization.jsonObject(with: stats) as? [String: Any])
        return try #require(object["requests"] as? Int)
    }

    @Test func planShowsTheCallAndAnOverBudgetCallIsRefusedBeforeAnyRequest() throws {
        let binary = try #require(FewshotProcess.binary(), "swift test builds .build/debug/fewshot")
        let server = try TeacherLoopTests.FixtureServer()
        let folder = try FewshotProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let session = """
            let t = teacher("fixture-model", base_url: "http://127.0.0.1:\(server.port)/v1", price: {input: 1000, output: 2000})
            let p = prompt("Write a review of \\{item}.", output: "text")
            let items = dataset([{item: "a phone"}, {item: "a film"}, {item: "a book"}])
            let pl = plan(p, label: items, teacher: t, max_tokens: 10)
            pl
            print(pl.requests, pl.prompt_tokens, pl.completion_tokens, pl.usd)
            generate(p, label: items, teacher: t, max_tokens: 10, budget: {tokens: 71})
            :plan generate(p, label: items, teacher: t, max_tokens: 10, budget: {usd: 0.01})
            generate(p, label: items, teacher: t, max_tokens: 10, budget: {usd: 0.01})
            """
        let made = try FewshotProcess.run(binary, ["new", "plan.fsnb"], input: session, directory: folder)
        #expect(made.status == 70, "the refused calls are runtime errors: \(made.stderr)")
        // "Write a review of a phone." is 26 characters: (26 + 3) / 4 + 4 + 3 = 14 prompt tokens,
        // and 3 such prompts; 10 completion tokens each at max_tokens 10.
        #expect(made.stdout.contains("plan: label sends 3 requests to http fixture-model at http://127.0.0.1:\(server.port)/v1"))
        #expect(made.stdout.contains("  prompt tokens      42   estimated as characters / 4\n"), "\(made.stdout)")
        #expect(made.stdout.contains("  completion tokens  30   at max_tokens (an upper bound)\n"))
        #expect(made.stdout.contains("  cost               about $0.1020 at $1000 in / $2000 out per million tokens\n"))
        #expect(made.stdout.contains("[user]\nWrite a review of a phone.\n"))
        #expect(made.stdout.contains("3 42 30 0.102\n"))
        #expect(made.stdout.contains("budget             $0.0100   too small: the call would be refused"))
        // Both budgets refuse before sending: the server saw nothing.
        #expect(
            made.stderr.contains(
                "refused before sending anything: 3 requests would use about 72 tokens (42 prompt + 30 completion; "
                    + "prompt estimated as characters / 4; completion at max_tokens (an upper bound)), over the budget of "
                    + "71 tokens; raise it with budget: {tokens: 72} or more"), "\(made.stderr)")
        #expect(made.stderr.contains("costing about $0.1020, over the budget of $0.0100; raise it with budget: {usd: 0.102}"))
        #expect(try Self.requestsReceived(server) == 0)
    }

    @Test func aBudgetReachedMidCallKeepsWhatCameAndReplaysTheSame() throws {
        let binary = try #require(FewshotProcess.binary())
        let server = try TeacherLoopTests.FixtureServer()
        let folder = try FewshotProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Each row is 50 one-letter words: estimated (99 + 3) / 4 + 7 = 32 prompt tokens and at
        // most 5 completion tokens, but the fixture uses 50 + 51. The first request goes alone;
        // the rest are reserved at the largest answer seen (101 tokens), so after 2 answers
        // (202 tokens) another could pass 250: the last 4 are not sent, and the call never
        // passes its budget (it used to send a third, reaching 303).
        let rows = (0..<6).map {
            "{text: \"\(Array(repeating: "abcdef".map(String.init)[$0], count: 50).joined(separator: " "))\"}"
        }
        let session = """
            let t = teacher("fixture-model", base_url: "http://127.0.0.1:\(server.port)/v1", max_concurrency: 1, price: {input: 1000, output: 2000})
            let p = prompt("\\{text}", output: "text")
            let rows = dataset([\(rows.joined(separator: ", "))])
            let d = generate(p, label: rows, teacher: t, max_tokens: 5, budget: {tokens: 250})
            print(d.count, usage().tokens, usage().cells[0].cell)
            usage()
            :usage
            """
        let made = try FewshotProcess.run(binary, ["new", "stop.fsnb"], input: session, directory: folder)
        #expect(made.status == 0, "\(made.stderr)")
        // The progress line's final state carries the tokens and their cost at the teacher's price:
        // 100 * 1000 / 1e6 + 102 * 2000 / 1e6 = 0.304.
        #expect(made.stdout.contains("kept 2 rejected 0 tokens 100 in + 102 out cost $0.3040\n"), "\(made.stdout)")
        #expect(
            made.stdout.contains(
                "budget of 250 tokens reached: 4 of 6 requests were not sent (rows 3-6); the 2 answers are kept (raise budget: and run the cell again to ask for the rest)\n"
            ))
        #expect(made.stdout.contains("2 202 cell-4\n"))
        #expect(
            made.stdout.contains(
                """
                teacher requests sent in this session, per cell:
                             requests     prompt completion       cost
                cell-4              2        100        102    $0.3040
                session             2        100        102    $0.3040
                """), "\(made.stdout)")
        #expect(
            made.stdout.components(separatedBy: "teacher requests sent in this session, per cell:").count == 3,
            "usage() and :usage")
        #expect(try Self.requestsReceived(server) == 2)

        // Replayed offline, the stopped call stops at the same place, usage() counts what the
        // recorded answers used, and every output matches.
        let checked = try FewshotProcess.run(binary, ["check", "stop.fsnb"], directory: folder)
        #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
        #expect(checked.stdout.contains("all 6 code cells match"), "\(checked.stdout)")

        // Run live with the same budget: the 2 answers replay (they count against the budget: a
        // budget covers the whole call) and nothing more is sent, so the cell still matches.
        let same = try FewshotProcess.run(
            binary, ["run", "stop.fsnb", "--live", "--allow-teacher-url", "http://127.0.0.1:\(server.port)/v1"], directory: folder
        )
        #expect(same.stdout.contains("the 2 answers are kept"), "\(same.stdout)")
        #expect(try Self.requestsReceived(server) == 2)

        // With a budget for the whole call, run live: the 2 answers replay free and only the
        // other 4 are sent; the progress line counts what was paid, as usage() does, and the
        // replayed answers apart.
        let notebook = folder.appendingPathComponent("stop.fsnb")
        let text = try String(contentsOf: notebook, encoding: .utf8)
        try text.replacingOccurrences(of: "{tokens: 250}", with: "{tokens: 700}").write(
            to: notebook, atomically: true, encoding: .utf8)
        let resumed = try FewshotProcess.run(
            binary, ["run", "stop.fsnb", "--live", "--allow-teacher-url", "http://127.0.0.1:\(server.port)/v1"], directory: folder
        )
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(
            resumed.stdout.contains("kept 6 rejected 0 tokens 200 in + 204 out cost $0.6080 replayed 2\n"), "\(resumed.stdout)")
        #expect(resumed.stdout.contains("6 404 cell-4\n"), "\(resumed.stdout)")
        #expect(try Self.requestsReceived(server) == 6)
    }

    /// Seen before: with the default concurrency (8 in flight) a call kept sending until an
    /// answer showed the budget was reached, so the requests in flight passed it. Now each
    /// request's worst case is reserved before it goes out.
    @Test func aBudgetWithConcurrencyIsNeverPassed() throws {
        let binary = try #require(FewshotProcess.binary())
        let server = try TeacherLoopTests.FixtureServer()
        let folder = try FewshotProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let rows = (0..<20).map { "{text: \"\(Array(repeating: "w\($0)", count: 50).joined(separator: " "))\"}" }
        // The estimate (1120 tokens) fits the budget, but each answer uses 50 + 51 = 101 tokens:
        // 1 request, then the 10 that fit at 101 each (1111 tokens), and no twelfth fits in 1150.
        let session = """
            let t = teacher("fixture-model", base_url: "http://127.0.0.1:\(server.port)/v1")
            let d = generate(prompt("\\{text}", output: "text"), label: dataset([\(rows.joined(separator: ", "))]), teacher: t, max_tokens: 5, budget: {tokens: 1150})
            print(d.count, usage().tokens)
            """
        let made = try FewshotProcess.run(binary, ["new", "c.fsnb"], input: session, directory: folder)
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains("9 of 20 requests were not sent"), "\(made.stdout)")
        #expect(made.stdout.contains("11 1111\n"), "\(made.stdout)")
        #expect(try Self.requestsReceived(server) == 11)
    }

    @Test func anEvaluateSweepIsRefusedOrStoppedByItsBudget() throws {
        let binary = try #require(FewshotProcess.binary())
        let server = try TeacherLoopTests.FixtureServer()
        let folder = try FewshotProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let words = Array(repeating: "a", count: 30).joined(separator: " ")
        let session = """
            let t = teacher("fixture-model", base_url: "http://127.0.0.1:\(server.port)/v1", max_concurrency: 1)
            let p = prompt("Review: \\{text}", output: ["good", "bad"])
            let test = dataset([{text: "\(words)", label: "good"}, {text: "\(words) b", label: "bad"}, {text: "\(words) c", label: "good"}, {text: "\(words) d", label: "bad"}])
            let pool = dataset([{text: "nice", label: "good"}, {text: "awful", label: "bad"}])
            evaluate(t, test, prompt: p, shots: [0, 1], pool: pool, budget: {tokens: 100})
            evaluate(t, test, prompt: p, shots: [0, 1], pool: pool, max_tokens: 10, budget: {tokens: 500})
            """
        let made = try FewshotProcess.run(binary, ["new", "sweep.fsnb"], input: session, directory: folder)
        // The whole sweep (2 runs of 4 rows) is estimated up front and refused before any request.
        #expect(
            made.stderr.contains(
                "cell-5:1:57: error: refused before sending anything: 8 requests would use about 662 tokens"), "\(made.stderr)")
        #expect(made.stderr.contains("raise it with budget: {tokens: 662} or more, or score fewer rows, shot counts or seeds"))
        // Within budget by the estimate, the first run spends 306 tokens; what is left cannot
        // cover the second run, so the sweep stops there, keeping the first run's answers.
        #expect(
            made.stderr.contains(
                "cell-6:1:1: error: evaluate stopped at its budget of 500 tokens in run 2 of 2: the answers so far are recorded"))
        #expect(try Self.requestsReceived(server) == 4)
        let checked = try FewshotProcess.run(binary, ["check", "sweep.fsnb"], directory: folder)
        #expect(checked.stdout.contains("all 6 code cells match"), "\(checked.stdout)")
    }
}
