import Foundation
import Tensor
import Testing

@testable import Learn

/// A tiny random Llama (2 layers, width 64, 4 query and 2 key/value heads) as a GGUF in memory,
/// with the storage types of the real model (Q4_1 attention, Q8_0 embedding) plus Q4_0 and F32.
enum TinyLlama {
    static let width = 64, ffn = 96, layers = 2, vocab = 257

    static func halfBytes(_ v: Float) -> [UInt8] { GGUFBuilder.le(Float16(v).bitPattern) }

    /// Random blocks of `type` for a (rows, columns) matrix, with small finite scales.
    static func randomBlocks(_ type: GGMLType, rows: Int, columns: Int, rng: inout GGUFFuzzRNG) -> [UInt8] {
        func uniform(_ lo: Float, _ hi: Float) -> Float { lo + (hi - lo) * Float(rng.next() % 10_000) / 10_000 }
        func byte() -> UInt8 { UInt8(truncatingIfNeeded: rng.next()) }
        var out: [UInt8] = []
        let blocks = rows * columns / 32
        switch type {
        case .f32:
            for _ in 0..<(rows * columns) { out += GGUFBuilder.le(uniform(-0.2, 0.2).bitPattern) }
        case .f16:
            for _ in 0..<(rows * columns) { out += halfBytes(uniform(-0.2, 0.2)) }
        case .q4_0:
            for _ in 0..<blocks { out += halfBytes(uniform(0.01, 0.04)) + (0..<16).map { _ in byte() } }
        case .q4_1:
            for _ in 0..<blocks {
                out += halfBytes(uniform(0.01, 0.04)) + halfBytes(uniform(-0.2, -0.1)) + (0..<16).map { _ in byte() }
            }
        case .q8_0:
            for _ in 0..<blocks { out += halfBytes(uniform(0.001, 0.003)) + (0..<32).map { _ in byte() } }
        default:  // q4_K: d, dmin, 12 scale bytes, 128 nibble bytes
            for _ in 0..<(rows * columns / 256) {
                out += halfBytes(uniform(0.001, 0.003)) + halfBytes(uniform(0.001, 0.003)) + (0..<140).map { _ in byte() }
            }
        }
        return out
    }

    static func file(seed: UInt64 = 1) -> GGUFBuilder {
        var rng = GGUFFuzzRNG(seed: seed)
        var b = GGUFBuilder()
        b.add("general.architecture", string: "llama")
        b.add("llama.block_count", uint32: UInt32(layers))
        b.add("llama.embedding_length", uint32: UInt32(width))
        b.add("llama.feed_forward_length", uint32: UInt32(ffn))
        b.add("llama.attention.head_count", uint32: 4)
        b.add("llama.attention.head_count_kv", uint32: 2)
        b.add("llama.context_length", uint32: 128)
        b.add("llama.rope.freq_base", type: 6, GGUFBuilder.le(Float(10_000).bitPattern))
        b.add("llama.attention.layer_norm_rms_epsilon", type: 6, GGUFBuilder.le(Float(1e-5).bitPattern))
        b.add("tokenizer.ggml.model", string: "gpt2")
        b.add("tokenizer.ggml.pre", string: "gpt-2")
        let tokens = (0..<256).map { BPEByteLevel.string(of: [UInt8($0)]) } + ["<|im_end|>"]
        b.add(
            "tokenizer.ggml.tokens", type: 9,
            GGUFBuilder.le(UInt32(8)) + GGUFBuilder.le(UInt64(tokens.count))
                + tokens.flatMap(GGUFBuilder.str))
        let types = [Int32](repeating: 1, count: 256) + [3]
        b.add(
            "tokenizer.ggml.token_type", type: 9,
            GGUFBuilder.le(UInt32(5)) + GGUFBuilder.le(UInt64(types.count))
                + types.flatMap { GGUFBuilder.le($0) })
        b.add("tokenizer.ggml.eos_token_id", uint32: 256)
        b.add("tokenizer.chat_template", string: "{{'<|im_start|>' + message['role'] + '\n'}}")
        func matrix(_ name: String, _ type: GGMLType, rows: Int, columns: Int) {
            b.tensors.append(
                (
                    name, [UInt64(columns), UInt64(rows)], type.rawValue,
                    randomBlocks(type, rows: rows, columns: columns, rng: &rng)
                ))
        }
        func norm(_ name: String) {
            b.tensors.append(
                (
                    name, [UInt64(width)], 0,
                    (0..<width).flatMap { i in
                        GGUFBuilder.le(Float(0.8 + 0.4 * Float(i % 7) / 7).bitPattern)
                    }
                ))
        }
        matrix("token_embd.weight", .q8_0, rows: vocab, columns: width)
        for l in 0..<layers {
            norm("blk.\(l).attn_norm.weight")
            matrix("blk.\(l).attn_q.weight", .q4_1, rows: width, columns: width)
            matrix("blk.\(l).attn_k.weight", .q4_1, rows: 32, columns: width)
            matrix("blk.\(l).attn_v.weight", .q4_0, rows: 32, columns: width)
            matrix("blk.\(l).attn_output.weight", .f32, rows: width, columns: width)
            norm("blk.\(l).ffn_norm.weight")
            matrix("blk.\(l).ffn_gate.weight", .q8_0, rows: ffn, columns: width)
            matrix("blk.\(l).ffn_up.weight", .q4_1, rows: ffn, columns: width)
            matrix("blk.\(l).ffn_down.weight", .q4_1, rows: width, columns: ffn)
        }
        norm("output_norm.weight")
        return b
    }

    static func model(seed: UInt64 = 1) throws -> LlamaModel {
        let m = try LlamaModel(file: GGUFFile(bytes: file(seed: seed).bytes()))
        m.threads = 2
        m.activations = .float  // the tests compare the inference path with exact references
        return m
    }
}

@Suite struct LlamaModelTests {
    @Test(arguments: [GGMLType.f32, .f16, .q4_0, .q4_1, .q8_0, .q4_K])
    func quantizedProductsMatchDequantizedWeights(type: GGMLType) throws {
        var rng = GGUFFuzzRNG(seed: UInt64(type.rawValue))
        let rows = 130, columns = 256
        let bytes = TinyLlama.randomBlocks(type, rows: rows, columns: columns, rng: &rng)
        let x = (0..<columns).map { Float(($0 * 37) % 19) / 10 - 0.9 }
        var dense = [Float](repeating: 0, count: rows * columns)
        try bytes.withUnsafeBytes { raw in
            try Dequantize.row(type, from: raw.baseAddress!, count: rows * columns, into: &dense)
            let w = try QuantizedMatrix(rows: rows, columns: columns, type: type, data: raw.baseAddress!, owner: nil)
            for threads in [1, 2] {
                var y = [Float](repeating: .nan, count: rows)
                w.multiply(x, into: &y, threads: threads)
                for r in 0..<rows {
                    let want = (0..<columns).reduce(Float(0)) { $0 + dense[r * columns + $1] * x[$1] }
                    #expect(abs(y[r] - want) <= 1e-4 * max(1, abs(want)), "\(type) row \(r): \(y[r]) vs \(want)")
                }
            }
        }
    }

    @Test func readsItsConfigurationFromMetadata() throws {
        let model = try TinyLlama.model()
        #expect(model.config.headDimension == 16 && model.config.kvDimension == 32)
        #expect(model.config.ropeDimensions == 16 && model.config.contextLength == 128)
        #expect(model.weights.tiedOutput)
        #expect(try model.chatTemplate.get() == .chatML(defaultSystem: nil))
    }

    /// Token-by-token decoding (quantised products, KV cache) equals one batched pass (GEMM).
    @Test func incrementalDecodingMatchesBatchedForward() throws {
        let model = try TinyLlama.model()
        let tokens = [72, 101, 108, 108, 111, 32, 119, 111, 114, 108, 100, 33]
        let batched = try model.forward(tokens, cache: LlamaKVCache(layers: 2, width: 32), allLogits: true)
        let cache = LlamaKVCache(layers: 2, width: 32)
        for (t, token) in tokens.enumerated() {
            let step = try model.forward([token], cache: cache)
            let row = Array(batched[(t * TinyLlama.vocab)..<((t + 1) * TinyLlama.vocab)])
            let diff = zip(step, row).map { abs($0 - $1) }.max()!
            #expect(diff < 1e-4, "position \(t): max difference \(diff)")
        }
        #expect(cache.count == tokens.count)
        #expect(throws: LlamaError.invalidToken(999)) { try model.forward([999], cache: cache) }
    }

    @Test func greedyAndSeededGenerationAreReproducible() throws {
        let model = try TinyLlama.model()
        let greedy = GenerationOptions(maxTokens: 12, temperature: 0)
        let a = try model.generate(prompt: "Hello", options: greedy)
        let b = try TinyLlama.model().generate(prompt: "Hello", options: greedy)
        #expect(a.tokens == b.tokens && a.promptTokens == 5)
        #expect(a.finishReason == .length ? a.tokens.count == 12 : a.tokens.count < 12)
        let seeded = GenerationOptions(maxTokens: 10, temperature: 1, topK: 50, topP: 0.9, repetitionPenalty: 1.3, seed: 42)
        let c = try model.generate(prompt: "Hi", options: seeded)
        let d = try model.generate(prompt: "Hi", options: seeded)
        #expect(c.tokens == d.tokens)
    }

    @Test func prefixReuseGivesTheSameResultAsAFreshModel() throws {
        let model = try TinyLlama.model()
        let greedy = GenerationOptions(maxTokens: 6, temperature: 0)
        _ = try model.generate(prompt: "The same prefix, then A", options: greedy)
        let reused = try model.generate(prompt: "The same prefix, then B", options: greedy)
        let fresh = try TinyLlama.model().generate(prompt: "The same prefix, then B", options: greedy)
        #expect(reused.tokens == fresh.tokens)
    }

    @Test func streamsStopsAndCancels() throws {
        let model = try TinyLlama.model()
        var pieces: [String] = []
        let full = try model.generate(prompt: "abc", options: GenerationOptions(maxTokens: 16, temperature: 0)) {
            pieces.append($0)
        }
        #expect(pieces.joined() == full.text)
        // A stop string taken from the middle of the greedy text cuts it there.
        let chars = Array(full.text)
        if chars.count >= 6 {
            let stop = String(chars[3..<5])
            var streamed = ""
            let cut = try model.generate(
                prompt: "abc", options: GenerationOptions(maxTokens: 16, temperature: 0, stop: [stop])
            ) { streamed += $0 }
            let expected = String(full.text[..<full.text.range(of: stop)!.lowerBound])
            #expect(cut.text == expected && streamed == expected && cut.finishReason == .stop)
        }
        var calls = 0
        let early = try model.generate(
            prompt: "abc", options: GenerationOptions(maxTokens: 16, temperature: 0),
            isCancelled: {
                calls += 1
                return calls > 3
            })
        #expect(early.finishReason == .cancelled && early.tokens.count < 3)
    }

    @Test func heldBackTailCoversPartialStops() {
        #expect(LlamaModel.heldBack("hello <|im", stops: ["<|im_end|>"]) == 4)
        #expect(LlamaModel.heldBack("hello", stops: ["###"]) == 0)
        #expect(LlamaModel.heldBack("a#", stops: ["##", "#x"]) == 1)
    }

    @Test func normsOfManyRowsGiveEachRowsOwnBits() {
        let n = 37
        let x: [Float] = (0..<(n * 9)).map { (i: Int) -> Float in Float((i * 7919) % 1001 - 500) * 0.013 }
        let weight = (0..<n).map { 0.5 + Float($0) * 0.03 }
        for rows in 1...9 {
            var many = [Float](repeating: .nan, count: rows * n), one = many
            LlamaKernels.rmsNorm(rows: rows, x, weight, &many, n: n, eps: 1e-5)
            for r in 0..<rows {
                x.withUnsafeBufferPointer { xb in
                    one.withUnsafeMutableBufferPointer {
                        LlamaKernels.rmsNorm(xb.baseAddress! + r * n, weight, $0.baseAddress! + r * n, n: n, eps: 1e-5)
                    }
                }
            }
            #expect(many.map(\.bitPattern) == one.map(\.bitPattern), "\(rows) rows")
        }
    }
}
