import Testing

@testable import Workbench

@Suite struct ExplainTests {
    @Test func aDialogueRowShowsTheBotsWordsAsTheOnlyLossCarryingTokens() throws {
        let k = try TestWorkspace()
        k.ok(#"let m = finetune(dataset([{text: "abc"}, {text: "abd"}]), model: "gpt-tiny", epochs: 0)"#)
        let shown = k.ok(
            #"explain(m, {messages: [{role: "user", content: "hi"}, {role: "assistant", content: "aha cheers !"}]})"#)
        // "User: hi\nBot: " is 14 bytes of context, "aha cheers !\n" 13 bytes plus <end> carry loss.
        #expect(shown.contains("reads 28 byte tokens"), "\(shown)")
        #expect(shown.contains("14 carry loss (52%)"), "\(shown)")
        #expect(shown.contains("  · User: hi⏎Bot: \n"), "\(shown)")
        #expect(shown.contains("  ▶ aha cheers !⏎<end>\n"), "\(shown)")
    }

    /// OpenAI's `"weight": 0` keeps an assistant turn as context without training on it.
    @Test func anAssistantTurnWithWeightZeroCarriesNoLoss() throws {
        let k = try TestWorkspace()
        k.ok(#"let m = finetune(dataset([{text: "abc"}, {text: "abd"}]), model: "gpt-tiny", epochs: 0)"#)
        let shown = k.ok(
            #"explain(m, {messages: [{role: "user", content: "hi"}, {role: "assistant", content: "meh", weight: 0}, {role: "user", content: "hey"}, {role: "assistant", content: "aha cheers !", weight: 1}]})"#
        )
        #expect(shown.contains("  · User: hi⏎Bot: meh⏎User: hey⏎Bot: \n"), "\(shown)")
        #expect(shown.contains("  ▶ aha cheers !⏎<end>\n"), "\(shown)")
    }

    @Test func aPlainTextRowIsTrainedOnEveryTokenButTheFirst() throws {
        let k = try TestWorkspace()
        k.ok(#"let m = finetune(dataset([{text: "abc"}, {text: "abd"}]), model: "gpt-tiny", epochs: 0, context: 8)"#)
        let shown = k.ok(#"explain(m, {text: "hello world, again"})"#)
        #expect(shown.contains("  · h\n  ▶ ello world, again<end>\n"), "\(shown)")
        #expect(shown.contains("longer than the context (8 tokens): trained as 3 windows"), "\(shown)")
    }

    @Test func aClassifierIsTrainedOnTheLabelAndShowsWhatItCutsOff() throws {
        let k = try TestWorkspace()
        k.ok(
            #"let c = finetune(dataset([{text: "good", label: "pos"}, {text: "bad", label: "neg"}]), model: "classifier", epochs: 0, context: 4)"#
        )
        let shown = k.ok(#"explain(c, {text: "great\u{1b}[2Jfilm", label: "pos"})"#)
        #expect(shown.contains("predicts one of neg|pos"), "\(shown)")
        #expect(shown.contains("  read   grea\n"), "\(shown)")
        #expect(shown.contains("  cut    t\\u{1b}[2Jfilm\n"), "escape sequences in row text are neutralised: \(shown)")
        #expect(k.run(#"explain(1, {text: "x"})"#).contains("explain needs a student model"))
        #expect(shown.contains("the loss is on the label alone"), "\(shown)")
        // A row labelled by likelihood scoring shows the distribution a soft-label student learns.
        let soft = k.ok(#"explain(c, {text: "meh", label: "pos", probs: {pos: 0.6, neg: 0.4}, confidence: 0.6})"#)
        #expect(soft.contains("  target neg 0.40 · pos 0.60\n"), "\(soft)")
        #expect(soft.contains("cross-entropy against these probabilities"), "\(soft)")
        #expect(soft.contains("  read   meh\n"), "the probabilities are not read as text: \(soft)")
    }
}
