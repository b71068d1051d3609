import Testing

@testable import Workbench

@Suite struct ContinuedTrainingTests {
    @Test func aModelOrItsSavedFileTrainsFurtherAndTheOriginalStaysAsItWas() throws {
        let k = try TestWorkspace()
        k.ok(
            #"let d = dataset([{text: "good", label: "pos"}, {text: "bad", label: "neg"}, {text: "great", label: "pos"}, {text: "awful", label: "neg"}])"#
        )
        k.ok(#"let c = finetune(d, model: "classifier", epochs: 1, batch: 2, val: 0, curve: false)"#)
        let before = k.ok("print(evaluate(c, d).macro_f1, len(c.losses))")
        k.ok(#"let more = finetune(d, model: c, epochs: 15, batch: 2, val: 0, lr: 0.003, curve: false)"#)
        #expect(k.ok("print(evaluate(more, d).accuracy, len(more.losses))") == "1.0 30\n")
        #expect(k.ok("print(evaluate(c, d).macro_f1, len(c.losses))") == before, "the model passed in is not changed")
        // Evaluations say how each model was made, so a model and its further-trained copy differ.
        let compared = k.ok("compare(evaluate(c, d), evaluate(more, d))")
        #expect(compared.contains("classifier (fine-tuned on 4 rows) on 4 rows"), "\(compared)")
        #expect(compared.contains("classifier (fine-tuned on 4 rows, then fine-tuned on 4 rows) on 4 rows"), "\(compared)")
        k.ok(#"save(more, "$DIR/c.safetensors")"#)
        let resumed = k.ok(#"let again = finetune(d, model: "$DIR/c.safetensors", epochs: 1, batch: 2, val: 0, curve: false)"#)
        #expect(resumed.contains("model(c.safetensors"), "\(resumed)")
        #expect(k.run(#"finetune(d, model: c, lora: true)"#).contains("a model trained before keeps its setup"))
        #expect(k.run(#"finetune(d, model: c, context: 64)"#).contains("keeps its context"))
        #expect(k.run(#"finetune(d, model: 3)"#).contains("model must be a preset name"))
        #expect(k.run(#"finetune(dataset([{text: "meh", label: "other"}]), model: c)"#).contains("label 'other' is not one of"))
    }

    @Test func aLanguageModelContinuesFromWhereItsLossWas() throws {
        let k = try TestWorkspace()
        k.ok(
            """
            var rows = []
            for i in range(32) { rows = rows + [{messages: [{role: "user", content: "hi {i}"}, {role: "assistant", content: "aha cheers !"}]}] }
            let d = dataset(rows)
            """)
        k.ok(#"let m = finetune(d, model: "gpt-tiny", epochs: 2, batch: 8, context: 32, lr: 0.01, val: 0, curve: false)"#)
        k.ok(#"let m2 = finetune(d, model: m, epochs: 1, batch: 8, lr: 0.01, val: 0, curve: false)"#)
        #expect(k.ok("print(m2.losses[0] < m.losses[0], m2.context)") == "true 32\n")
    }

    /// Seen before: continuing a trained GPT with the defaults (a fresh optimiser at the
    /// from-scratch lr 3e-3) took its loss from 0.38 to 2.68 within two epochs. Continued
    /// training now starts at a tenth of that rate and stays near where the loss was.
    @Test func continuedTrainingWithTheDefaultsRefinesInsteadOfDestroying() throws {
        let k = try TestWorkspace()
        k.ok(
            """
            var rows = []
            for i in range(64) { rows = rows + [{messages: [{role: "user", content: "hi number {i}"}, {role: "assistant", content: "hello {i} aha cheers !"}]}] }
            let d = dataset(rows)
            let m = finetune(d, model: "gpt-tiny", epochs: 8, context: 48, val: 0, curve: false)
            """)
        k.ok(#"save(m, "$DIR/m.safetensors")"#)
        for start in ["m", #"load_model("$DIR/m.safetensors")"#] {
            k.ok("let more = finetune(d, model: \(start), epochs: 2, val: 0, curve: false)")
            let worst = k.ok("print(max(more.losses) < 1.2 * m.losses[-1], more.losses[-1] < 1.05 * m.losses[-1])")
            #expect(worst == "true true\n", "starting from \(start)")
        }
    }
}
