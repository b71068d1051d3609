import Chat
import Foundation
import Tensor
import Testing

@testable import Learn

/// Training and inference give the same bits on every kernel path and thread count: the weights
/// after training, every loss, the logits and a greedy generation (issue 18's promise that a
/// notebook's numbers depend on the notebook only).
@Suite(.serialized) struct DeterminismTests {
    /// Every (path, threads) this CPU can run.
    static var settings: [(KernelPath, Int)] {
        KernelPath.available.flatMap { path in [1, 2, 3, 4, 8].map { (path, $0) } }
    }

    /// `body`'s result under every setting, the settings restored afterwards.
    func underEverySetting<R>(_ body: () throws -> R) rethrows -> [(String, R)] {
        let (savedPath, savedThreads) = (KernelPath.best, Parallel.threadCount)
        defer { (KernelPath.best, Parallel.threadCount) = (savedPath, savedThreads) }
        return try Self.settings.map { path, threads in
            KernelPath.best = path
            Parallel.threadCount = threads
            return ("\(path.rawValue), \(threads) threads", try body())
        }
    }

    /// Every result equals the first, bit for bit.
    func expectIdentical<R: Equatable>(
        _ results: [(String, R)], _ what: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let (firstSetting, first) = results.first else { return }
        for (setting, result) in results.dropFirst() where result != first {
            Issue.record("\(what) under \(setting) differs from \(firstSetting)", sourceLocation: sourceLocation)
        }
    }

    func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }

    struct Outcome: Equatable {
        var weights: [[UInt32]], losses: [UInt32], text: String
    }

    /// A GPT whose head size (20) is not a multiple of 8 exercises the attention fallback; the
    /// toy model's (16) the AVX2 attention kernels.
    @Test(arguments: [toyConfig, GPTConfig(vocabSize: ByteTokenizer.vocabularySize, layers: 2, heads: 2, width: 40, context: 24)])
    func gptTrainingAndGeneration(config: GPTConfig) throws {
        let text = String(repeating: "the cat sat on the mat. ", count: 12)
        let data = TokenSequence.chunks(of: ByteTokenizer().encode(text), context: config.context)
        let results = try underEverySetting { () -> Outcome in
            let model = try GPT(config: config, seed: 7)
            let history = try Trainer(
                options: TrainingOptions(epochs: 3, learningRate: 3e-3, batchSize: 4, validationFraction: 0.25)
            )
            .train(model, on: data)
            let generated = try model.generate(text: "the cat", options: GenerationOptions(maxTokens: 12))
            return Outcome(
                weights: model.namedParameters.map { bits($0.tensor.data) }, losses: bits(history.losses),
                text: generated)
        }
        expectIdentical(results, "the trained GPT")
    }

    @Test func classifierTraining() throws {
        let texts = [
            ("good", "pos"), ("great fun", "pos"), ("lovely", "pos"), ("bad", "neg"), ("awful day", "neg"), ("so bad", "neg"),
        ]
        let results = try underEverySetting { () -> Outcome in
            let classifier = try GPTClassifier(config: toyConfig, labels: ["neg", "pos"], pooling: .mean, seed: 5)
            let history = try Trainer(options: TrainingOptions(epochs: 4, learningRate: 1e-2, batchSize: 4))
                .train(classifier, on: try classifier.examples(texts))
            let (_, probabilities) = try classifier.predict("great")
            return Outcome(
                weights: classifier.namedParameters.map { bits($0.tensor.data) }, losses: bits(history.losses),
                text: probabilities.map { String($0.bitPattern, radix: 16) }.joined(separator: " "))
        }
        expectIdentical(results, "the trained classifier")
    }

    /// A LoRA step on the tiny Llama (Q4_1, Q8_0, Q4_0 and F32 weights), then the merged
    /// model's greedy generation through the quantised inference kernels.
    @Test func llamaLoRAStepAndGeneration() throws {
        let conversation = [ChatMessage(role: "user", content: "hi"), ChatMessage(role: "assistant", content: "hello there!")]
        let results = try underEverySetting { () -> Outcome in
            let student = try LlamaStudent(
                base: try TinyLlama.model(), baseName: "tiny.gguf", lora: LoRAOptions(rank: 4, alpha: 8), seed: 3)
            let sequence = try student.sequence(conversation: conversation)
            let history = try Trainer(
                options: TrainingOptions(epochs: 2, learningRate: 1e-2, batchSize: 1, validationFraction: 0)
            )
            .train(student, on: [sequence])
            let inference = try student.inferenceModel()
            inference.threads = Parallel.threadCount
            let prompt = [72, 101, 108, 108, 111]
            let generated = try inference.generate(tokens: prompt, options: GenerationOptions(maxTokens: 10))
            // Logits of a one-token step (decoding) and of a short batch (prefill), as bits.
            let step = try inference.forward([prompt[0]], cache: inference.makeCache(), allLogits: true)
            let batch = try inference.forward(prompt, cache: inference.makeCache(), allLogits: true)
            return Outcome(
                weights: student.namedParameters.map { bits($0.tensor.data) } + [bits(step), bits(batch)],
                losses: bits(history.losses), text: generated.tokens.map(String.init).joined(separator: " "))
        }
        expectIdentical(results, "the LoRA-trained Llama")
    }
}
