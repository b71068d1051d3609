import Chat
import Foundation
import TestSupport
import Testing

@testable import Workbench

@Suite struct PromptAndFilterTests {
    let reviews =
        #"dataset([{text: "great film", label: "positive"}, {text: "dull plot", label: "negative"}, {text: "loved it", label: "positive"}, {text: "boring", label: "negative"}])"#

    @Test func renderShowsShotsAsChatMessages() throws {
        let k = try TestWorkspace()
        k.ok("let d = \(reviews)")
        k.ok(#"let p = prompt("Review: \{text}\nSentiment:", system: "Classify.", output: ["positive", "negative"])"#)
        let shown = k.ok(#"render(p, {text: "what a ride"}, shots: shots(d, k: 2, select: "balanced", seed: 1))"#)
        #expect(shown.components(separatedBy: "[assistant]").count == 3)
        #expect(shown.hasSuffix("[user]\nReview: what a ride\nSentiment:\n"))
        #expect(k.run(#"render(p, {title: "x"})"#).contains("error: "), "a missing slot is an error")
    }

    @Test func zeroShotsAndBadSelectionsAreExplained() throws {
        let k = try TestWorkspace()
        k.ok("let d = \(reviews)")
        #expect(k.ok("print(shots(d, k: 0))") == "shots(0: zero-shot)\n")
        #expect(k.run(#"shots(d, k: 2, select: "best")"#).contains("unknown shot selection"))
        #expect(k.run("shots(d, k: 9)").contains("cannot pick 9 shots from 4 rows"))
    }

    @Test func filterAppliesRulesAndReportsTheFunnel() throws {
        let k = try TestWorkspace()
        k.ok(
            #"let d = dataset([{text: "great film", label: "positive"}, {text: "great film", label: "positive"}, {text: "boring", label: "meh"}, {text: "one two three", label: "negative"}])"#
        )
        k.ok(#"let c = filter(d, dedupe: true, labels: ["positive", "negative"])"#)
        #expect(k.ok("print(c.count, rejected(c).count)") == "2 2\n")
        let funnel = k.ok("report(c)")
        #expect(funnel.contains("4 rows in"))
        #expect(funnel.contains("exact duplicate"))
        #expect(k.ok("print(filter([1, 2, 3], fn(x) => x > 1))") == "[2, 3]\n", "the list filter still works")
        #expect(k.run("filter(d)").contains("at least one rule"))
    }

    @Test func aTeacherThatCannotBeReachedLeavesEveryRequestRejectedWithItsReason() throws {
        let k = try TestWorkspace()
        let nobody = try RefusingPort()  // not port 9: something may listen there
        defer { withExtendedLifetime(nobody) {} }  // held until the test ends
        k.ok(#"let t = teacher("nobody", base_url: "\#(nobody.baseURL)", max_retries: 0, timeout: 5)"#)
        k.ok(#"let p = prompt("Write a review.", output: "text")"#)
        let text = k.ok("let g = generate(p, n: 2, teacher: t)\nprint(g.count, rejected(g).count)")
        #expect(text.hasSuffix("0 2\n"))
        #expect(k.ok("print(rejected(g).rows[0].reason)").contains("request failed"))
    }
}

@Suite struct StudentTests {
    @Test func classifierTrainsEvaluatesSavesAndReloads() throws {
        let k = try TestWorkspace()
        k.ok(
            #"let d = dataset([{text: "good", label: "pos"}, {text: "bad", label: "neg"}, {text: "great", label: "pos"}, {text: "awful", label: "neg"}])"#
        )
        let trained = k.ok(#"let c = finetune(d, model: "classifier", epochs: 15, batch: 2, val: 0, lr: 0.003)"#)
        #expect(trained.contains("[svg]"), "the loss curve is kept as a plot")
        #expect(trained.contains("model(classifier"))
        let report = k.ok("let e = evaluate(c, d)\nprint(e.accuracy)")
        // Learnt, not exactly: at least 3 of the 4 rows (what training reaches is not this test's
        // business; that a reloaded model scores the same is).
        let accuracy = try #require(Double(report.trimmingCharacters(in: .whitespacesAndNewlines)), "\(report)")
        #expect(accuracy >= 0.75, "\(report)")
        #expect(k.run("evaluate(c, d, budget: {tokens: 10})").contains("budget: limits what a teacher is asked"))
        k.ok(#"save(c, "$DIR/c.safetensors")"#)
        #expect(k.ok(#"print(evaluate(load_model("$DIR/c.safetensors"), d).accuracy)"#) == report)
        #expect(k.ok("print(compare(e, e).p_value)").hasSuffix("1.0\n"))
    }

    @Test func gptStudentTrainsOnBotTurnsAndChats() throws {
        let k = try TestWorkspace()
        k.ok(
            """
            var rows = []
            for i in range(32) { rows = rows + [{messages: [{role: "user", content: "hi {i}"}, {role: "assistant", content: "aha cheers !"}]}] }
            let d = dataset(rows)
            """)
        k.ok(#"let m = finetune(d, model: "gpt-tiny", epochs: 4, batch: 8, context: 32, lr: 0.01, val: 0)"#)
        #expect(k.ok("print(len(m.losses), m.losses[0] > 2 * m.losses[-1])") == "16 true\n", "the loss on the bot's words falls")
        let e = k.ok(#"let e = evaluate(m, head(d, 2), contains: "cheers")\#nprint(keys(e.metrics))"#)
        #expect(e.hasSuffix("[\"perplexity\", \"exact_match\", \"rouge_l\", \"contains\"]\n"))
        let chat = k.ok(#"chat(m, ["hi 3"], temperature: 0, max_tokens: 4)"#)
        #expect(chat.hasPrefix("User: hi 3\nBot: "))
        #expect(k.run(#"finetune(d, model: "gpt-huge")"#).contains("unknown model 'gpt-huge'"))
        #expect(
            k.run(
                #"chat(finetune(dataset([{text: "a", label: "x"}, {text: "b", label: "y"}]), model: "classifier", epochs: 1), ["hi"])"#
            )
            .contains("cannot chat"))
    }
}

@Suite struct EvaluationCostTests {
    @Test func aClassifierReportsTheBytesItReadTheTimeAndAnInterval() throws {
        let k = try TestWorkspace()
        k.ok(
            #"let d = dataset([{text: "good", label: "pos"}, {text: "bad", label: "neg"}, {text: "great", label: "pos"}, {text: "awful", label: "neg"}])"#
        )
        k.ok(#"let c = finetune(d, model: "classifier", epochs: 2, batch: 2, val: 0)"#)
        k.ok("let e = evaluate(c, d)")
        #expect(
            k.ok("print(e.prompt_tokens, e.completion_tokens)") == "4.25 0.0\n",
            "4, 3, 5 and 5 bytes; a label head writes nothing")
        #expect(k.ok("print(e.seconds > 0)") == "true\n")
        #expect(
            k.ok("let i = e.interval\nprint(i.low <= e.accuracy and e.accuracy <= i.high, i.value == e.accuracy)")
                == "true true\n")
    }
}

@Suite struct FinetuneCurveTests {
    @Test func curveFalseLeavesOnlyTheSummary() throws {
        let k = try TestWorkspace()
        k.ok(#"let d = dataset([{text: "good", label: "pos"}, {text: "bad", label: "neg"}])"#)
        let quiet = k.ok(#"finetune(d, model: "classifier", epochs: 1, batch: 2, val: 0, curve: false)"#)
        #expect(!quiet.contains("[svg]") && !quiet.contains("epoch start"), "\(quiet)")
        #expect(quiet.contains("model(classifier"))
    }
}
