import Foundation
import Teacher
import TeacherHTTP
import Testing

@testable import Workbench

/// The self-hosted round trip (export a plan as Batch JSONL, answer it elsewhere, import the
/// results), the remote fine-tuning plan line, and the errors of the new arguments.
@Suite struct BatchFileBuiltinsTests {
    private let setup = """
        let t = teacher("fixture-model", base_url: "http://127.0.0.1:9/v1", max_retries: 0)
        let p = prompt('Tweet: {text}', output: ["pos", "neg"])
        let rows = dataset([{text: "great"}, {text: "awful"}, {text: "great"}])
        """

    /// What `vllm run-batch` would write for `input`: one result per line, in reverse order,
    /// the last request of the file answered with an error.
    private func answer(_ input: URL, to output: URL) throws {
        let lines = try String(contentsOf: input, encoding: .utf8).split(separator: "\n")
        var results: [String] = []
        for (index, line) in lines.enumerated() {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let id = try #require(object["custom_id"] as? String)
            let body = try #require(object["body"] as? [String: Any])
            let last = ((body["messages"] as? [[String: Any]])?.last?["content"] as? String) ?? ""
            let label = last.contains("great") ? "pos" : "neg"
            if index == lines.count - 1 {
                results.append(
                    #"{"id":"r\#(index)","custom_id":"\#(id)","response":null,"error":{"code":"oom","message":"out of memory"}}"#)
            } else {
                results.append(
                    #"{"id":"r\#(index)","custom_id":"\#(id)","response":{"status_code":200,"body":{"choices":[{"index":0,"message":{"role":"assistant","content":"\#(label)"},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":1}}},"error":null}"#
                )
            }
        }
        try (results.reversed().joined(separator: "\n") + "\n").write(to: output, atomically: true, encoding: .utf8)
    }

    @Test func aPlanExportsAndItsAnswersImportIntoTheRecording() throws {
        let w = try TestWorkspace()
        w.ok(setup)
        let exported = w.ok(#"export(plan(p, label: rows, teacher: t, temperature: 0), "openai-batch", "$DIR/in.jsonl")"#)
        #expect(exported.contains("exported 3 requests as openai-batch"), "\(exported)")
        try answer(w.folder.appendingPathComponent("in.jsonl"), to: w.folder.appendingPathComponent("out.jsonl"))
        let imported = w.ok(#"import_batch("$DIR/out.jsonl", input: "$DIR/in.jsonl")"#)
        #expect(imported.contains("imported 2 of 3 answers"), "\(imported)")
        #expect(imported.contains("1 came back with an error (first: the batch says (oom): out of memory)"), "\(imported)")
        // The same call answers from the recording; only the request that failed is asked for
        // (and the server at port 9 is not there).
        let labelled = w.run(
            "let d = generate(p, label: rows, teacher: t, temperature: 0)\nprint(d.rows)\nprint(len(rejected(d)))")
        #expect(labelled.contains(#"{text: "great", label: "pos"}, {text: "awful", label: "neg"}"#), "\(labelled)")
        #expect(labelled.hasSuffix("1\n"), "\(labelled)")
    }

    @Test func importRefusesFilesThatDoNotMatch() throws {
        let w = try TestWorkspace()
        w.ok(setup)
        w.ok(#"export(plan(p, label: rows, teacher: t), "openai-batch", "$DIR/in.jsonl")"#)
        let input = w.folder.appendingPathComponent("in.jsonl")
        try answer(input, to: w.folder.appendingPathComponent("out.jsonl"))
        let original = try String(contentsOf: input, encoding: .utf8)
        try original.replacingOccurrences(of: "awful", with: "lovely").write(
            to: w.folder.appendingPathComponent("edited.jsonl"), atomically: true, encoding: .utf8)
        try "not json\n".write(to: w.folder.appendingPathComponent("bad.jsonl"), atomically: true, encoding: .utf8)
        for (cell, message) in [
            (#"import_batch("$DIR/out.jsonl", input: "$DIR/edited.jsonl")"#, "is not the key of its body"),
            (#"import_batch("$DIR/bad.jsonl", input: "$DIR/in.jsonl")"#, "line 1 of $DIR/bad.jsonl is not a batch result"),
            (#"import_batch("$DIR/missing.jsonl", input: "$DIR/in.jsonl")"#, "missing.jsonl"),
            (#"export(plan(p, label: rows, teacher: t), "alpaca", "$DIR/x.jsonl")"#, "a plan exports as \"openai-batch\""),
        ] {
            let text = w.run(cell)
            #expect(
                text.contains("error: ") && text.contains(message.replacingOccurrences(of: "$DIR", with: w.folder.path)),
                "\(cell): \(text)")
        }
    }

    @Test func aRemoteFineTunePlanEstimatesTrainedTokensAndPrice() throws {
        let w = try TestWorkspace()
        w.ok(setup)
        w.ok(#"let d = dataset([{text: "great", label: "pos"}, {text: "awful", label: "neg"}])"#)
        let planned = w.ok("finetune(d, remote: t, prompt: p, epochs: 2, val: 0, plan: true, training_price: 3)")
        // Each example: system + user + assistant messages, (characters + 3) / 4 + 4 a message + 3.
        #expect(planned.contains("trained tokens ("), "\(planned)")
        #expect(planned.contains("× 2 epochs") && planned.contains("at $3 per million trained tokens"), "\(planned)")
        let auto = w.ok("finetune(d, remote: t, prompt: p, val: 0, plan: true)")
        #expect(auto.contains("× 3 epochs, the service's usual choice") && auto.contains("training_price:"), "\(auto)")
        for (cell, message) in [
            ("finetune(d, remote: teacher(), prompt: p)", "remote: needs a teacher on a server"),
            ("finetune(d, remote: t)", "pass the prompt that renders each row"),
            ("finetune(d, prompt: p)", "prompt: is for a remote fine-tuning job"),
            ("finetune(d, remote: t, prompt: p, lora: true)", "lora: is for training in-process"),
            (#"teacher("x", mode: "fast")"#, #"mode must be "live" or "batch""#),
            (#"teacher(mode: "batch")"#, "the local teacher answers in-process"),
            ("finetune(d, remote: t, prompt: p, epochs: 0)", "a remote job trains at least 1 epoch"),
            ("finetune(d, remote: t, prompt: p, training_price: -1)", "training_price"),
        ] {
            let text = w.run(cell)
            #expect(text.contains("error: ") && text.contains(message), "\(cell): \(text)")
        }
    }

    /// A job id goes to the journal and to the recording: a notebook saved after Ctrl-C carries
    /// it to a machine whose journal never saw it.
    @Test func jobIDsTravelWithTheRecording() throws {
        let store = RecordingStore()
        try SessionJobs(journal: JobJournal(path: nil), recording: store).note(
            kind: "batch", spec: "abc", server: "http://a/v1", id: "batch_1")
        let elsewhere = SessionJobs(journal: JobJournal(path: nil), recording: try RecordingStore(data: store.serialized()))
        #expect(elsewhere.job(kind: "batch", spec: "abc", server: "http://b/v1") == "batch_1")
        #expect(elsewhere.job(kind: "fine-tune", spec: "abc", server: "http://a/v1") == nil)
        #expect(elsewhere.job(kind: "batch", spec: "abd", server: "http://a/v1") == nil)
    }
}
