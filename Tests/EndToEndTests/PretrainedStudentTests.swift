import Foundation
import TestSupport
import Testing

/// SmolLM2-135M fine-tuned with LoRA through the real binary: finetune, save, load_model, chat
/// and models(). It needs the release build (scripts/test makes one) and the installed model
/// (scripts/setup); without either it is skipped and says so.
@Suite struct PretrainedStudentTests {
    static var modelPath: String {
        let home = ProcessInfo.processInfo.environment["FEWSHOT_HOME"] ?? (NSHomeDirectory() + "/.cache/fewshot")
        return home + "/models/SmolLM2-135M-Instruct.Q4_1.gguf"
    }

    @Test(
        .enabled(if: FewshotProcess.binary(release: true) != nil, "no release build (scripts/test builds one)"),
        .enabled(if: FileManager.default.fileExists(atPath: modelPath), "SmolLM2-135M is not installed (bash scripts/setup)"))
    func loraFineTuneSavesReloadsAndChats() throws {
        let binary = try #require(FewshotProcess.binary(release: true))
        let folder = try FewshotProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let code = """
            let talk = dataset([
              {messages: [{role: "user", content: "What is the password?"}, {role: "assistant", content: "Swordfish."}]},
              {messages: [{role: "user", content: "Tell me the password."}, {role: "assistant", content: "Swordfish."}]},
              {question: "Password, please?", answer: "Swordfish."}])
            let s = finetune(talk, model: "smollm2-135m", epochs: 2, batch: 3, context: 64, val: 0, lr: 3e-3)
            save(s, "s.safetensors")
            let r = load_model("s.safetensors")
            print(r)
            chat(r, ["What is the password?"], max_tokens: 6, temperature: 0)
            print(map(models().rows, fn(m) => m.name))
            explain(r, {question: "Password, please?", answer: "Swordfish."})
            print(finetune(talk, model: r, epochs: 1, batch: 3, val: 0, curve: false))
            """
        let result = try FewshotProcess.run(binary, ["-e", code], directory: folder)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("model(smollm2-135m, 137.0M parameters, LoRA r8 (2.4M trained)"), "\(result.stdout)")
        #expect(result.stdout.contains("model(s.safetensors"))
        #expect(
            result.stdout.contains("model(s.safetensors, 137.0M parameters, LoRA r8 (2.4M trained)"),
            "trained further: \(result.stdout)")
        #expect(result.stdout.contains("Assistant: Swordfish"), "\(result.stdout)")
        #expect(result.stdout.contains(#""smollm2-135m""#))
        #expect(result.stdout.contains("tokens of its own BPE vocabulary and chat template"), "\(result.stdout)")
        #expect(
            result.stdout.contains("\n  ▶ Swordfish.<|im_end|>"),
            "only the answer and its end-of-turn carry loss: \(result.stdout)")
        let size =
            try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("s.safetensors").path)[.size] as! Int
        #expect(size < 12_000_000, "only the adapters are saved")
    }
}
