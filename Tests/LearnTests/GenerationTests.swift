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
        // A tiny top-p (or 0) keeps only the argmax.
        var nucleus = opts
        nucleus.topK = nil
        nucleus.topP = 1e-6
        let greedy = try model.generate(prompt: [1, 2, 3], options: GenerationOptions(maxTokens: 20, stopAtEndOfText: false))
        #expect(try model.generate(prompt: [1, 2, 3], options: nucleus).tokens == greedy.tokens)
        nucleus.topP = 0
        #expect(try model.generate(prompt: [1, 2, 3], options: nucleus).tokens == greedy.tokens)
    }

    @Test func stopSequencesEndAndAreNotStreamed() throws {
        let model = try GPT(config: toyConfig, seed: 8)
        let opts = GenerationOptions(maxTokens: 12, temperature: 1, seed: 3, stopAtEndOfText: false)
        let free = try model.generate(prompt: [10], options: opts).tokens
        // A two-token stop sequence whose first occurrence starts at k >= 2.
        func firstAt(_ k: Int) -> Bool {
            for j in 0..<k where free[j] == free[k] && free[j + 1] == free[k + 1] { return false }
            return true
        }
        let k = try #require((2..<10).first(where: firstAt))
        let stop = [Array(free[k...(k + 1)])]
        var streamed: [Int] = []
        let r = try model.generate(prompt: [10], options: opts, stopSequences: stop) {
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

    /// One `GenerationOptions` value drives a GPT student and a Llama model alike: the token
    /// budget, the repetition penalty (without it the toy GPT repeats one byte), stop strings
    /// (cut before them, never streamed) and the rejection of a bad value.
    @Test func oneOptionsValueDrivesGPTAndLlama() throws {
        let gpt = try GPT(config: toyConfig, seed: 8)
        let llama = try TinyLlama.model()
        let prompt = "abc"
        var options = GenerationOptions(maxTokens: 12, temperature: 0, repetitionPenalty: 1.5, stopAtEndOfText: false)
        let gptFree = try gpt.generate(prompt: ByteTokenizer().encode(prompt), options: options)
        let llamaFree = try llama.generate(prompt: prompt, options: options)
        #expect(gptFree.tokens.count == 12 && gptFree.stop == .maxTokens)
        #expect(llamaFree.tokens.count == 12 && llamaFree.finishReason == .length)

        // A stop character from each model's free output: printable ASCII, first seen past the start.
        func stopCharacter(_ bytes: [Int]) -> String? {
            bytes.indices.dropFirst().first { k in (0x21..<0x7F).contains(bytes[k]) && !bytes[..<k].contains(bytes[k]) }
                .map { String(UnicodeScalar(UInt8(bytes[$0]))) }
        }
        let gptStop = try #require(stopCharacter(gptFree.tokens), "\(gptFree.tokens)")
        let llamaStop = try #require(stopCharacter(llamaFree.tokens), "\(llamaFree.tokens)")
        options.stop = [gptStop, llamaStop]

        let stopBytes = Set(options.stop.map { Int($0.utf8.first!) })
        let gptCut = try #require(gptFree.tokens.firstIndex(where: stopBytes.contains))
        var gptStreamed: [Int] = []
        let gptStopped = try gpt.generate(prompt: ByteTokenizer().encode(prompt), options: options) {
            gptStreamed.append($0)
            return true
        }
        #expect(gptStopped.stop == .stopSequence && gptStopped.tokens == Array(gptFree.tokens[..<gptCut]))
        #expect(gptStreamed == gptStopped.tokens)

        let llamaStarts = options.stop.compactMap { llamaFree.text.range(of: $0)?.lowerBound }
        let llamaCut = try #require(llamaStarts.min())
        var llamaStreamed = ""
        let llamaStopped = try llama.generate(prompt: prompt, options: options, onToken: { llamaStreamed += $0 })
        #expect(llamaStopped.finishReason == .stop && llamaStopped.text == String(llamaFree.text[..<llamaCut]))
        #expect(llamaStreamed == llamaStopped.text)
        // Both cut inside the text, short of the budget.
        #expect(gptCut > 0 && gptCut < 12, "\(gptFree.tokens) \(options.stop)")
        #expect(!llamaStopped.text.isEmpty && llamaStopped.tokens.count < 12, "\(llamaFree.tokens) \(options.stop)")

        var bad = options
        bad.topP = 2
        let gptError = #expect(throws: LearnError.self) { try gpt.generate(prompt: [1], options: bad) }
        let llamaError = #expect(throws: LearnError.self) { try llama.generate(prompt: prompt, options: bad) }
        #expect(gptError?.description == "invalid input: generation options: topP must be in [0, 1], got 2.0")
        #expect(llamaError?.description == gptError?.description)
    }

    /// The sampler applies the repetition penalty to the tokens of the recent window.
    @Test func theSamplerHonoursTheRepetitionPenalty() {
        let options = GenerationOptions(temperature: 0, repetitionPenalty: 2, repetitionWindow: 2)
        let logits: [Float] = [2, 1.5, -1]
        var sampler = TokenSampler(options: options)
        #expect(sampler.sample(logits, history: []) == 0)
        // 2 / 2 = 1 falls below 1.5.
        #expect(sampler.sample(logits, history: [0]) == 1)
        // Token 0 has left the two-token window.
        #expect(sampler.sample(logits, history: [0, 2, 2]) == 0)
    }

    /// The top-k pass keeps the tokens and order that sorting the whole vocabulary (stably)
    /// gives, ties included: the answers sampled before it are the answers sampled now.
    @Test func topKSelectionEqualsSortingEverything() {
        var rng = SeededRandom(seed: 3)
        for trial in 0..<8 {
            let normal = rng.normal(count: 3_000)
            // Odd trials draw from a few values, so that many logits tie; the last two from
            // neighbouring Floats, some of which the division by the temperature makes equal.
            let neighbours = normal.map { 1 + Float(Int(($0 * 3).rounded())) * .ulpOfOne }
            let logits = trial >= 6 ? neighbours : trial.isMultiple(of: 2) ? normal : normal.map { ($0 * 2).rounded() / 2 }
            var sorted = logits.indices.map { (id: $0, logit: logits[$0] / 0.7) }
            sorted.sort { $0.logit > $1.logit }
            for k in [1, 5, 40, 2_999] {
                let ranked = TokenSampler.ranked(logits, temperature: 0.7, topK: k)
                #expect(ranked.map(\.id) == sorted.prefix(k).map(\.id), "trial \(trial), k \(k)")
            }
            #expect(TokenSampler.ranked(logits, temperature: 0.7, topK: 0).map(\.id) == sorted.map(\.id))
        }
    }

    /// The GPT student and the Llama models draw with one sampler: the same logits, options and
    /// seed give the same tokens (they used to differ in how a draw was made).
    @Test func oneSamplerForEveryModel() {
        let options = GenerationOptions(temperature: 0.9, topK: 5, topP: 0.9, seed: 42)
        var rng = SeededRandom(seed: 1)
        let logits = rng.normal(count: 50)
        var a = TokenSampler(options: options), b = TokenSampler(options: options)
        let first = (0..<20).map { _ in a.sample(logits, history: []) }
        #expect(first == (0..<20).map { _ in b.sample(logits, history: []) })
        #expect(Set(first).count > 1, "a temperature above 0 samples")
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
