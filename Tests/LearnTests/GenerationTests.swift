import Foundation
import Tensor
import Testing

@testable import Learn

@Suite struct GenerationTests {
    /// The KV-cache decoder computes the same logits as the full forward pass.
    @Test func kvCacheMatchesFullForward() throws {
        let model = try GPT(config: toyConfig, seed: 6)
        let tokens = [5, 17, 200, 3, 99, 42, 8]
        let full = try noGrad { try model.logits(tokens, batch: 1, time: tokens.count) }
        let decoder = KVCacheDecoder(model)
        var cached = decoder.prefill([tokens[0]])
        for (i, t) in tokens.enumerated() {
            if i > 0 { cached = decoder.step(t) }
            let v = model.config.vocabSize
            for j in 0..<v { #expect(abs(cached[j] - full.data[i * v + j]) < 1e-4) }
        }
    }

    @Test func samplingIsSeededAndRespectsOptions() throws {
        let model = try GPT(config: toyConfig, seed: 7)
        let opts = GenerationOptions(maxTokens: 20, temperature: 1, topK: 5, seed: 11, stopAtEndOfText: false)
        let a = try model.generate(prompt: [1, 2, 3], options: opts)
        let b = try model.generate(prompt: [1, 2, 3], options: opts)
        #expect(a.tokens == b.tokens)
        #expect(a.tokens.count == 20)
        var other = opts
        other.seed = 12
        #expect(try model.generate(prompt: [1, 2, 3], options: other).tokens != a.tokens)
        // top-p 0 behaves as sampling from everything; tiny top-p keeps only the argmax.
        var nucleus = opts
        nucleus.topK = nil
        nucleus.topP = 1e-6
        let greedy = try model.generate(prompt: [1, 2, 3], options: GenerationOptions(maxTokens: 20, stopAtEndOfText: false))
        #expect(try model.generate(prompt: [1, 2, 3], options: nucleus).tokens == greedy.tokens)
    }

    @Test func stopSequencesEndAndAreNotStreamed() throws {
        let model = try GPT(config: toyConfig, seed: 8)
        var opts = GenerationOptions(maxTokens: 12, temperature: 1, seed: 3, stopAtEndOfText: false)
        let free = try model.generate(prompt: [10], options: opts).tokens
        // A two-token stop sequence whose first occurrence starts at k >= 2.
        func firstAt(_ k: Int) -> Bool {
            for j in 0..<k where free[j] == free[k] && free[j + 1] == free[k + 1] { return false }
            return true
        }
        let k = try #require((2..<10).first(where: firstAt))
        opts.stopSequences = [Array(free[k...(k + 1)])]
        var streamed: [Int] = []
        let r = try model.generate(prompt: [10], options: opts) {
            streamed.append($0); return true
        }
        #expect(r.stop == .stopSequence)
        #expect(r.tokens == Array(free[..<k]))
        #expect(streamed == r.tokens)
        // The callback can stop generation.
        var n = 0
        let cut = try model.generate(prompt: [10], options: GenerationOptions(maxTokens: 12, stopAtEndOfText: false)) { _ in
            n += 1
            return n < 4
        }
        #expect(cut.stop == .callback)
    }

    @Test func generationPastTheContextSlides() throws {
        let model = try GPT(config: toyConfig, seed: 9)
        let r = try model.generate(prompt: [1], options: GenerationOptions(maxTokens: 80, stopAtEndOfText: false))
        #expect(r.tokens.count == 80)
    }

    @Test func textStreamingDeliversCompleteCharacters() {
        let bytes = Array("é!".utf8)
        #expect(Array(bytes.prefix(1)).completeUTF8Prefix() == 0)
        #expect(bytes.completeUTF8Prefix() == 3)
    }
}
