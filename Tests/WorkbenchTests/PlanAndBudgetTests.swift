import Foundation
import Testing

@testable import Workbench

@Suite struct PlanAndBudgetTests {
    static let modelInstalled = FileManager.default.fileExists(atPath: Workbench.home + "/models/SmolLM2-135M-Instruct.Q4_1.gguf")
    static let call = #"prompt("Say hi to \{name}.", output: "text"), label: [{name: "Ann"}, {name: "Bo"}], max_tokens: 16"#

    /// The local teacher's prompts are counted with its own tokenizer and chat template:
    /// SmolLM2's template adds its default system message, 35 tokens a prompt here (the same
    /// count llama.cpp's llama-server gives for these messages).
    @Test(.enabled(if: modelInstalled, "SmolLM2 model not installed (run scripts/setup)"))
    func planCountsTheLocalTeachersPromptsWithItsTokenizer() throws {
        let workspace = try TestWorkspace()
        let shown = workspace.ok("plan(\(Self.call))")
        #expect(shown.contains("plan: label sends 2 requests to local smollm2-135m\n"), "\(shown)")
        #expect(!shown.contains("recorded"), "what is recorded now is a terminal note, not kept with the cell")
        #expect(shown.contains("  prompt tokens      70   counted with the teacher's tokenizer\n"))
        #expect(shown.contains("  completion tokens  32   at max_tokens (an upper bound)\n"))
        #expect(shown.contains("  cost               $0 (this teacher is free)\n"))
        #expect(
            shown.contains(
                "the prompt of request 1 (2 different prompts; plan(...).prompts has them all):\n[user]\nSay hi to Ann.\n"))
        #expect(
            workspace.ok("let pl = plan(\(Self.call))\nprint(pl.to_send, pl.tokens, pl.usd, pl.prompts[1][0].content)")
                == "2 102 0.0 Say hi to Bo.\n")
        // The same call over a budget is refused before the model runs, with the same count.
        let refused = workspace.run("generate(\(Self.call), budget: {tokens: 101})")
        #expect(
            refused.contains(
                "error: refused before sending anything: 2 requests would use about 102 tokens (70 prompt + 32 completion; "
                    + "prompt counted with the teacher's tokenizer; completion at max_tokens (an upper bound)), over the budget "
                    + "of 101 tokens; raise it with budget: {tokens: 102} or more"), "\(refused)")
        #expect(workspace.ok("usage()").hasPrefix("no request sent to a teacher yet"))
    }

    @Test func budgetsAndPricesAreCheckedWhereTheyAreWritten() throws {
        let workspace = try TestWorkspace()
        let p = #"prompt("Say hi.", output: "text")"#
        #expect(workspace.run("generate(\(p), n: 1, budget: {token: 5})").contains("a budget has tokens: and/or usd:"))
        #expect(workspace.run("generate(\(p), n: 1, budget: {tokens: -1})").contains("budget tokens: must be a number from 0"))
        #expect(workspace.run("generate(\(p), n: 1, budget: {})").contains("a budget needs tokens: or usd:"))
        #expect(
            workspace.run(#"teacher(price: {input: 1, output: 2})"#).contains(
                "the local teacher runs on this machine and costs nothing"))
        #expect(
            workspace.run(#"teacher("m", base_url: "http://127.0.0.1:9/v1", price: {input: 1})"#).contains(
                "a price needs input: and output:"))
        let priced = workspace.ok(#"teacher("m", base_url: "http://127.0.0.1:9/v1", price: {input: 0.15, output: 0.6}).price"#)
        #expect(priced == "{input: 0.15, output: 0.6}\n")
        // A cost budget with a teacher of unknown price cannot be held: refused, saying why.
        let unpriced = workspace.run(
            #"generate(\#(p), n: 2, teacher: teacher("m", base_url: "http://127.0.0.1:9/v1"), budget: {usd: 1})"#)
        #expect(
            unpriced.contains("a cost budget needs the teacher's price per million tokens; give the teacher its price"),
            "\(unpriced)")
        #expect(
            workspace.ok(#"print(plan(\#(p), n: 2, teacher: teacher("m", base_url: "http://127.0.0.1:9/v1")).usd)"#) == "nil\n")
    }
}
