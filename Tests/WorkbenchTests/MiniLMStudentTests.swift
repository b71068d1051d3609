import Foundation
import Testing

@testable import Workbench

/// `finetune(d, model: "minilm")`: the installed all-MiniLM-L6-v2 with a label head, through
/// the same training, evaluation, explanation and saving as the byte classifier.
@Suite(.enabled(if: EmbeddingModel.isInstalled, "all-MiniLM-L6-v2 not installed (run bash scripts/setup)"))
struct MiniLMStudentTests {
    let reviews =
        #"dataset([{text: "I loved this film", label: "pos"}, {text: "what a wonderful day", label: "pos"}, {text: "great food and friendly staff", label: "pos"}, {text: "this made me so happy", label: "pos"}, {text: "I hated this film", label: "neg"}, {text: "what a miserable day", label: "neg"}, {text: "awful food and rude staff", label: "neg"}, {text: "this made me so sad", label: "neg"}])"#

    @Test func frozenHeadLearnsSavesReloadsAndExplains() throws {
        let k = try TestWorkspace()
        k.ok("let d = \(reviews)")
        let trained = k.ok(#"let m = finetune(d, model: "minilm", freeze: true, val: 0)"#)
        #expect(trained.contains("model(minilm, 22.6M parameters, encoder frozen, labels neg|pos"), "\(trained)")
        #expect(trained.contains("[svg]"), "the loss curve is kept as a plot")
        #expect(k.ok("print(len(m.losses), m.losses[0] > m.losses[-1])") == "30 true\n", "30 epochs of one batch")
        k.ok("let e = evaluate(m, d)")
        #expect(k.ok("print(e.accuracy)") == "1.0\n")
        let unseen = k.ok(
            #"print(evaluate(m, dataset([{text: "a delightful evening", label: "pos"}, {text: "a dreadful evening", label: "neg"}])).accuracy)"#
        )
        #expect(unseen == "1.0\n", "meaning carries to words it never saw labelled")
        k.ok(#"save(m, "$DIR/m.safetensors")"#)
        #expect(k.ok(#"print(evaluate(load_model("$DIR/m.safetensors"), d).accuracy)"#) == "1.0\n")
        #expect(k.ok("print(compare(e, e).p_value)").hasSuffix("1.0\n"))
        let explained = k.ok(#"explain(m, {text: "Héllo, World!", label: "pos"})"#)
        #expect(
            explained.contains("reads 6 WordPiece tokens") && explained.contains("[CLS] hello , world ! [SEP]"), "\(explained)")
        #expect(k.run(#"chat(m, ["hi"])"#).contains("a classifier labels text and cannot chat"))
    }

    @Test func frozenHeadRefitsOnEveryRowAndSavesTheHeadAlone() throws {
        let k = try TestWorkspace()
        k.ok("let d = \(reviews)")
        let held = k.ok(#"let a = finetune(d, model: "minilm", freeze: true, val: 0.25, epochs: 5)"#)
        #expect(held.contains("then refit on all 8 rows for 5 epochs (the validation rows too)"), "\(held)")
        #expect(k.ok("print(len(a.validation_losses))") == "5\n", "the curve is the held-out run's")
        k.ok(#"let b = finetune(d, model: "minilm", freeze: true, val: 0, epochs: 5, curve: false)"#)
        k.ok(#"save(a, "$DIR/a.safetensors")"#)
        k.ok(#"save(b, "$DIR/b.safetensors")"#)
        let a = try Data(contentsOf: k.folder.appendingPathComponent("a.safetensors"))
        let b = try Data(contentsOf: k.folder.appendingPathComponent("b.safetensors"))
        #expect(a == b, "refit on every row: the head val: 0 trains, bit for bit")
        #expect(a.count < 8_000, "a frozen head is saved without the encoder: \(a.count) bytes")
        let reloaded = k.ok(#"print(load_model("$DIR/a.safetensors"))"#)
        #expect(reloaded.contains("encoder frozen, labels neg|pos"), "\(reloaded)")
        #expect(k.ok(#"print(evaluate(load_model("$DIR/a.safetensors"), d).accuracy == evaluate(a, d).accuracy)"#) == "true\n")
    }

    @Test func softLabelsAndMisuse() throws {
        let k = try TestWorkspace()
        k.ok(
            #"let d = dataset([{text: "good", label: "pos", probs: {pos: 0.9, neg: 0.1}}, {text: "bad", label: "neg", probs: {pos: 0.2, neg: 0.8}}])"#
        )
        let soft = k.ok(
            #"print(finetune(d, model: "minilm", freeze: true, soft: true, temperature: 2, epochs: 2, val: 0, curve: false))"#)
        #expect(soft.contains("labels neg|pos"), "\(soft)")
        #expect(k.run(#"finetune(d, model: "classifier", freeze: true)"#).contains("use it with model: \"minilm\""))
        k.ok(#"let m = finetune(d, model: "minilm", freeze: true, epochs: 1, val: 0, curve: false)"#)
        #expect(k.run("finetune(d, model: m, freeze: false)").contains("keeps its setup"))
        #expect(k.run(#"finetune(d, model: "minilm", context: 600)"#).contains("between 2 and 512 tokens"))
        #expect(k.run(#"finetune(dataset([{text: "a"}]), model: "minilm")"#).contains("needs a label column"))
        let one = k.run(#"finetune(dataset([{text: "a", label: "x"}]), model: "minilm")"#)
        #expect(one.contains("needs at least two distinct labels") && !one.contains("invalid input"), "\(one)")
    }

    @Test func fullFineTuneTrainsTheEncoderAndLeavesEmbedAlone() throws {
        let k = try TestWorkspace()
        k.ok("let d = \(reviews)")
        k.ok(#"let before = embed("I loved this film").vectors[0]"#)
        let trained = k.ok(
            #"let m = finetune(dataset([d.rows[0], d.rows[4]]), model: "minilm", epochs: 1, batch: 2, val: 0, curve: false)"#)
        #expect(trained.contains("encoder fine-tuned"), "\(trained)")
        #expect(k.ok("print(len(m.losses))") == "1\n")
        #expect(
            k.ok(#"print(embed("I loved this film").vectors[0] == before)"#) == "true\n", "embed keeps the pretrained weights")
        // Continued training trains a copy (the frozen head's here: cheap), and says how the model was made.
        k.ok(#"let f = finetune(d, model: "minilm", freeze: true, epochs: 1, val: 0, curve: false)"#)
        k.ok("let again = finetune(d, model: f, epochs: 1, val: 0, curve: false)")
        #expect(k.ok("print(evaluate(again, d))").contains("minilm (head trained on 8 rows, then head trained on 8 rows)"))
    }
}
