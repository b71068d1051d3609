import Foundation
import Testing

@testable import Learn

/// Hugging Face transformers' logits for SmolLM2 on a fixed prompt (scripts/reference/llama_parity.py).
struct LlamaParityFixture: Decodable {
    struct Position: Decodable {
        let top_ids: [Int]
        let top_logits: [Float]
        let fixed_logits: [Float]
        let logsumexp: Float
    }
    let prompt: String
    let tokens: [Int]
    let fixed_ids: [Int]
    let positions: [Position]
    let greedy_continuation: String

    static func load() throws -> LlamaParityFixture {
        let url = LlamaFixtures.folder.appendingPathComponent("parity.json")
        return try JSONDecoder().decode(LlamaParityFixture.self, from: Data(contentsOf: url))
    }
}

/// Compares logits of one position with the reference; returns the largest difference.
func parityDifference(_ logits: ArraySlice<Float>, _ want: LlamaParityFixture.Position, fixedIDs: [Int]) -> Float {
    let base = logits.startIndex
    var worst: Float = 0
    for (id, value) in zip(want.top_ids, want.top_logits) { worst = max(worst, abs(logits[base + id] - value)) }
    for (id, value) in zip(fixedIDs, want.fixed_logits) { worst = max(worst, abs(logits[base + id] - value)) }
    let top = logits.max()!
    let lse = top + log(logits.reduce(Float(0)) { $0 + exp($1 - top) })
    return max(worst, abs(lse - want.logsumexp))
}

@Suite(.enabled(if: LlamaFixtures.modelPath != nil, "SmolLM2 model not installed (run scripts/setup)"))
struct LlamaParityTests {
    /// The GGUF's Q and K rows are in llama.cpp's permuted order; adjacent-pair RoPE on them must
    /// equal transformers' rotate-half RoPE on the un-permuted weights, at every position.
    @Test func logitsMatchTransformersAtEveryPosition() throws {
        let fixture = try LlamaParityFixture.load()
        let model = try LlamaModel(path: LlamaFixtures.modelPath!)
        #expect(model.tokenizer.encode(fixture.prompt, parseSpecial: true) == fixture.tokens)
        let V = model.config.vocabularySize
        // Batched prompt processing (dequantised weights, GEMM), all positions.
        let logits = try model.logits(for: fixture.tokens, cache: model.makeCache(), allPositions: true)
        for (t, want) in fixture.positions.enumerated() {
            let diff = parityDifference(logits[(t * V)..<((t + 1) * V)], want, fixedIDs: fixture.fixed_ids)
            #expect(diff < 1e-3, "position \(t): logits differ by \(diff)")
        }
    }

    /// Decoding the last token alone (quantised SIMD products against the cache) agrees too.
    /// Unoptimised builds run SIMD code about 100x slower, so this runs in release test builds.
    @Test(.enabled(if: LlamaFixtures.optimized, "full-model decoding is too slow unoptimised: swift test -c release"))
    func decodedLogitsMatchTransformers() throws {
        let fixture = try LlamaParityFixture.load()
        let model = try LlamaModel(path: LlamaFixtures.modelPath!)
        let cache = model.makeCache()
        _ = try model.logits(for: Array(fixture.tokens.dropLast()), cache: cache)
        let last = try model.logits(for: [fixture.tokens.last!], cache: cache)
        let diff = parityDifference(last[...], fixture.positions.last!, fixedIDs: fixture.fixed_ids)
        #expect(diff < 1e-3, "decoded last position: logits differ by \(diff)")
    }

    @Test(.enabled(if: LlamaFixtures.optimized, "full-model decoding is too slow unoptimised: swift test -c release"))
    func greedyReplyMatchesTransformers() throws {
        let fixture = try LlamaParityFixture.load()
        let model = try LlamaModel(path: LlamaFixtures.modelPath!)
        let result = try model.generate(
            tokens: fixture.tokens, options: GenerationOptions(maxTokens: 8, temperature: 0))
        // transformers stops after emitting the end-of-turn token; we stop before it.
        var expected = fixture.greedy_continuation
        if expected.hasSuffix("<|im_end|>") {
            expected.removeLast("<|im_end|>".count)
            #expect(result.finishReason == .stop)
        }
        #expect(result.text == expected)
        #expect(result.promptTokens == fixture.tokens.count)
        let summary = GGUFModelSummary(file: model.file, path: nil)
        #expect(summary.architecture == "llama" && summary.quantization == "q4_1" && summary.layers == 30)
        #expect((130_000_000...140_000_000).contains(summary.parameterCount))
    }
}
