import Foundation
import Tensor
import Testing

@testable import Learn

/// A small model that trains in a few seconds in a debug build.
let toyConfig = GPTConfig(vocabSize: ByteTokenizer.vocabularySize, layers: 1, heads: 2, width: 32, context: 32)

@Suite struct GPTTrainingTests {
    /// End to end: a byte-level GPT learns a repetitive corpus (loss from ~5.5 to below 0.6).
    @Test func learnsToyCorpus() throws {
        let model = try GPT(config: toyConfig, seed: 1)
        let text = String(repeating: "the cat sat on the mat. ", count: 40)
        let data = TokenSequence.chunks(of: ByteTokenizer().encode(text), context: 32)
        let trainer = Trainer(options: TrainingOptions(epochs: 25, learningRate: 1e-2, batchSize: 8, weightDecay: 0))
        var seen: [TrainingProgress] = []
        let history = try trainer.train(model, on: data, progress: { seen.append($0) })
        #expect(history.losses.count == seen.count)
        #expect(history.epochEnds.count == 25)
        #expect(history.losses.first! > 4)
        #expect(history.finalLoss! < 0.6, "final loss \(history.finalLoss!)")
        #expect(try model.perplexity(text: "the cat sat on the mat. the cat sat") < 3)
        #expect(try model.perplexity(text: "zq xj vk wq") > 10)
        // It continues the pattern greedily.
        let out = try model.generate(text: "the cat sat on t", options: GenerationOptions(maxTokens: 8))
        #expect(out == "he mat. ")
    }

    /// Only masked-in tokens are trained: a model learns the replies, not the prompts.
    @Test func lossMaskSelectsTrainedTokens() throws {
        let seq = TokenSequence(segments: [("User: hi\nBot: ", false), ("yo", true)])
        #expect(seq.tokens.count == seq.lossMask.count)
        #expect(seq.lossMask.filter { $0 }.count == 3)  // "y", "o", end-of-text
        let batch = LanguageBatch(seq.windows(context: 32))
        #expect(batch.trainedTokens == 3)
        #expect(batch.targets.filter { $0 != -100 } == [Int("y".utf8.first!), Int("o".utf8.first!), 256])
        #expect(throws: LearnError.self) { try TokenSequence(tokens: [1, 2], lossMask: [true]) }
    }

    @Test func parameterNamesFollowGPT2() throws {
        let model = try GPT(config: toyConfig, seed: 0)
        let names = model.namedParameters.map(\.name)
        #expect(names.prefix(2) == ["wte.weight", "wpe.weight"])
        #expect(names.contains("h.0.attn.c_attn.weight"))
        #expect(names.contains("h.0.mlp.c_proj.bias"))
        #expect(names.last == "ln_f.bias")
        #expect(model.parameter(named: "h.0.attn.c_attn.weight")?.shape == [32, 96])
    }

    @Test func presetsHaveTheAdvertisedSizes() throws {
        let tiny = try GPT(config: .gptTiny).parameterCount
        let small = try GPT(config: .gptSmall).parameterCount
        #expect((700_000...1_300_000).contains(tiny), "\(tiny)")
        #expect((4_000_000...6_000_000).contains(small), "\(small)")
        #expect(GPTConfig.preset(named: "gpt-tiny") == .gptTiny)
        #expect(throws: LearnError.self) { try GPT(config: GPTConfig(vocabSize: 10, layers: 1, heads: 3, width: 32, context: 8)) }
    }

    @Test func badInputThrows() throws {
        let model = try GPT(config: toyConfig)
        #expect(throws: LearnError.self) { try model.logits([1, 2, 3], batch: 2, time: 2) }
        #expect(throws: LearnError.self) { try model.logits(Array(repeating: 1, count: 33), batch: 1, time: 33) }
        #expect(throws: LearnError.self) { try model.logits([999], batch: 1, time: 1) }
        #expect(throws: LearnError.self) { try model.generate(prompt: []) }
    }
}
