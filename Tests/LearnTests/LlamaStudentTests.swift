import Chat
import Foundation
import Tensor
import Testing

@testable import Learn

/// The trainable Llama against the inference path, LoRA's guarantees, and checkpoints,
/// on the tiny random GGUF of `TinyLlama` (2 layers, width 64, 4 query and 2 key/value heads).
@Suite struct LlamaStudentTests {
    static let tokens = [72, 101, 108, 108, 111, 32, 119, 111, 114, 108, 100, 33]

    /// A conversation whose assistant turn is the only trained text.
    static let conversation = [ChatMessage(role: "user", content: "hi"), ChatMessage(role: "assistant", content: "hello!")]

    /// The largest absolute difference between two arrays.
    static func maxDifference(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).map { abs($0 - $1) }.max() ?? .infinity }

    /// Student logits for `tokens` as one row.
    static func logits(_ student: LlamaStudent, _ tokens: [Int] = tokens) throws -> [Float] {
        try noGrad { try student.logits(tokens, batch: 1, time: tokens.count) }.data
    }

    /// A few optimizer steps on one conversation (so adapters and weights move).
    static func train(_ student: LlamaStudent, steps: Int = 3) throws -> TrainingHistory {
        let sequence = try student.sequence(conversation: conversation)
        return try Trainer(options: TrainingOptions(epochs: steps, learningRate: 1e-2, batchSize: 1, validationFraction: 0))
            .train(student, on: [sequence])
    }

    /// The tiny GGUF written into a fresh model directory.
    static func installedTinyModel() throws -> (directory: URL, model: LlamaModel) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fewshot-llama-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("tiny.gguf").path
        try Data(TinyLlama.file().bytes()).write(to: URL(fileURLWithPath: path))
        let model = try LlamaModel(path: path)
        model.threads = 2
        return (directory, model)
    }

    /// An assistant turn marked untrained (OpenAI's `"weight": 0`) stays in the text as context
    /// but carries no loss; the trained turn after it does.
    @Test func untrainedAssistantTurnsCarryNoLoss() throws {
        let student = try LlamaStudent(base: try TinyLlama.model(), baseName: "tiny.gguf")
        let quiet = Self.conversation.map { ChatMessage(role: $0.role, content: $0.content, weight: 0) }
        let untrained = try student.sequence(conversation: quiet)
        let trained = try student.sequence(conversation: Self.conversation)
        #expect(untrained.tokens == trained.tokens)
        #expect(!untrained.lossMask.contains(true) && trained.lossMask.contains(true))
        let both = try student.sequence(conversation: quiet + Self.conversation)
        let lossTokens = both.lossMask.filter { $0 }.count
        #expect(lossTokens == trained.lossMask.filter { $0 }.count)
    }

    /// The autograd forward (f32 weights, RoPE op, repeated KV heads, fused attention) computes
    /// the same logits as the inference path's quantised kernels and KV cache.
    @Test func autogradForwardMatchesInference() throws {
        let model = try TinyLlama.model()
        let student = try LlamaStudent(base: model, baseName: "tiny.gguf")
        let want = try model.forward(Self.tokens, cache: model.makeCache(), allLogits: true)
        let got = try Self.logits(student)
        #expect(got.count == want.count)
        #expect(Self.maxDifference(got, want) < 1e-4)
    }

    /// The loss skips the output head on untrained positions without changing its value.
    @Test func lossOnTrainedPositionsEqualsTheFullCrossEntropy() throws {
        let student = try LlamaStudent(base: try TinyLlama.model(), baseName: "tiny.gguf")
        let inputs = Array(Self.tokens.dropLast()), next = Array(Self.tokens.dropFirst())
        let targets = next.enumerated().map { $0.offset % 3 == 0 ? -100 : $0.element }
        let weights: [Float] = next.indices.map { $0 % 4 == 1 ? 0 : 0.5 + Float($0 % 2) }
        let time = inputs.count
        let full = try noGrad {
            try student.logits(inputs, batch: 1, time: time).crossEntropy(targets: targets, weights: weights)
        }
        let fast = try noGrad { try student.loss(inputs: inputs, targets: targets, weights: weights, batch: 1, time: time) }
        #expect(abs(full.item - fast.item) < 1e-5)
    }

    @Test func fullFineTuneTrainsEveryWeightAndLowersTheLoss() throws {
        let student = try LlamaStudent(base: try TinyLlama.model(), baseName: "tiny.gguf")
        #expect(student.parameterCount == student.totalParameterCount)
        #expect(student.namedParameters.contains { $0.name == "model.layers.1.mlp.down_proj.weight" })
        let history = try Self.train(student, steps: 6)
        #expect(history.losses.last! < history.losses.first!)
    }

    /// Adapters start as a no-op, only they get gradients and optimizer state, the base stays put.
    @Test func loraTrainsOnlyTheAdapters() throws {
        let model = try TinyLlama.model()
        let student = try LlamaStudent(base: model, baseName: "tiny.gguf", lora: LoRAOptions(rank: 4, alpha: 8), seed: 3)
        let baseLogits = try model.forward(Self.tokens, cache: model.makeCache(), allLogits: true)
        #expect(Self.maxDifference(try Self.logits(student), baseLogits) < 1e-4)

        let names = student.namedParameters.map(\.name)
        #expect(names.count == 2 * 7 * TinyLlama.layers)
        #expect(names.allSatisfy { $0.hasSuffix("lora_A.weight") || $0.hasSuffix("lora_B.weight") })
        #expect(names.contains("model.layers.0.self_attn.q_proj.lora_A.weight"))
        let frozen =
            [student.embedding, student.finalNorm.weight]
            + student.blocks.flatMap { b in
                [b.inputNorm.weight, b.postAttentionNorm.weight] + b.projections.map(\.projection.weight)
            }
        let before = frozen.map(\.data)

        // One step by hand: gradients reach the adapters only.
        let sequence = try student.sequence(conversation: Self.conversation)
        let loss = try student.loss(
            inputs: Array(sequence.tokens.dropLast()), targets: Array(sequence.tokens.dropFirst()), batch: 1,
            time: sequence.tokens.count - 1)
        try loss.backward()
        #expect(frozen.allSatisfy { $0.grad == nil && !$0.requiresGrad })
        #expect(student.namedParameters.allSatisfy { $0.tensor.grad != nil })
        student.zeroGrad()

        _ = try Self.train(student)
        #expect(frozen.map(\.data) == before)
        #expect(Self.maxDifference(try Self.logits(student), baseLogits) > 1e-3)
    }

    /// The merged inference model generates from the trained weights.
    @Test(arguments: [false, true])
    func inferenceModelCarriesTheTrainedWeights(lora: Bool) throws {
        let student = try LlamaStudent(base: try TinyLlama.model(), baseName: "tiny.gguf", lora: lora ? LoRAOptions() : nil)
        _ = try Self.train(student)
        let inference = try student.inferenceModel()
        let want = try inference.forward(Self.tokens, cache: inference.makeCache(), allLogits: true)
        #expect(Self.maxDifference(try Self.logits(student), want) < 1e-4)
    }

    /// Only the assistant's words and its end-of-turn marker carry loss.
    @Test func conversationsTrainOnAssistantTurnsOnly() throws {
        let student = try LlamaStudent(base: try TinyLlama.model(), baseName: "tiny.gguf", lora: LoRAOptions())
        let sequence = try student.sequence(conversation: Self.conversation + [ChatMessage(role: "user", content: "bye")])
        let tokenizer = student.base.tokenizer
        let trained = tokenizer.decode(zip(sequence.tokens, sequence.lossMask).filter(\.1).map(\.0))
        #expect(trained == "hello!<|im_end|>")
        #expect(
            tokenizer.decode(sequence.tokens)
                == "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\nhello!<|im_end|>\n<|im_start|>user\nbye<|im_end|>\n")
        let text = student.sequence(text: "ab")
        #expect(text.tokens == [97, 98, tokenizer.eosToken!] && text.lossMask.allSatisfy { $0 })
    }

    /// Saved (Hugging Face names and row order) and reloaded from the installed base GGUF, a
    /// student computes the same logits; a missing or different base model is named.
    @Test(arguments: [false, true])
    func savesAndReloads(lora: Bool) throws {
        let (directory, model) = try Self.installedTinyModel()
        defer { try? FileManager.default.removeItem(at: directory) }
        let student = try LlamaStudent(
            base: model, baseName: "tiny.gguf", lora: lora ? LoRAOptions(rank: 2, alpha: 4) : nil, context: 64)
        _ = try Self.train(student)
        let url = directory.appendingPathComponent("student.safetensors")
        try student.save(to: url)

        let (tensors, metadata) = try Safetensors.read(from: url)
        #expect(metadata["fewshot.base_model"] == "tiny.gguf")
        #expect(metadata["fewshot.base_sha256"]?.count == 64)
        let q = lora ? "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight" : "model.layers.0.self_attn.q_proj.weight"
        let stored = try #require(tensors[q])
        let inMemory: [Float] = lora ? student.blocks[0].query.loraB!.data : student.blocks[0].query.weight.data
        let columns = stored.shape[1]
        // Hugging Face row 8 (a = 1, i = 0 in a 16-wide head) is GGUF row 1.
        let hfRow8 = Array(stored.values[(8 * columns)..<(9 * columns)])
        let ggufRow1 = Array(inMemory[columns..<(2 * columns)])
        #expect(hfRow8 == ggufRow1)
        #expect(tensors.count == student.namedParameters.count)

        guard case .llama(let loaded) = try Checkpoint.load(from: url, modelDirectory: directory.path) else {
            Issue.record("expected a Llama student")
            return
        }
        #expect(loaded.lora == student.lora && loaded.contextLength == 64)
        #expect(Self.maxDifference(try Self.logits(loaded), try Self.logits(student)) < 1e-5)

        let elsewhere = directory.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        #expect { try Checkpoint.load(from: url, modelDirectory: elsewhere.path) } throws: { error in
            "\(error)".contains("tiny.gguf") && "\(error)".contains("missing")
        }
        try Data(TinyLlama.file(seed: 9).bytes()).write(to: directory.appendingPathComponent("tiny.gguf"))
        #expect { try Checkpoint.load(from: url, modelDirectory: directory.path) } throws: { error in
            "\(error)".contains("different tiny.gguf")
        }
    }
}
