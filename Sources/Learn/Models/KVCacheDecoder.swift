import Foundation
import PortableMath
import Tensor

/// Batch-1 decoding with a key/value cache, outside autograd: each step runs the model on one
/// new token with GEMV calls and attends over the cached keys and values.
///
/// Glossary: C width, nh heads, hs head size, V vocabulary, L layers.
/// Buffers are allocated once; a step allocates nothing.
final class KVCacheDecoder {
    private let model: GPT
    private let c: Int, nh: Int, hs: Int, v: Int, context: Int, layers: Int
    /// `(L, context, C)` keys and values.
    private let keys: UnsafeMutablePointer<Float>, values: UnsafeMutablePointer<Float>
    // Scratch: x, h, att (C each), qkv (3C), fc (4C), scores (context).
    private let x: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>, att: UnsafeMutablePointer<Float>
    private let qkv: UnsafeMutablePointer<Float>, fc: UnsafeMutablePointer<Float>, scores: UnsafeMutablePointer<Float>
    private var logits: [Float]
    private(set) var position = 0

    init(_ model: GPT) {
        self.model = model
        let cfg = model.config
        (c, nh, hs, v, context, layers) = (cfg.width, cfg.heads, cfg.width / cfg.heads, cfg.vocabSize, cfg.context, cfg.layers)
        keys = .allocate(capacity: layers * context * c)
        values = .allocate(capacity: layers * context * c)
        x = .allocate(capacity: c)
        h = .allocate(capacity: c)
        att = .allocate(capacity: c)
        qkv = .allocate(capacity: 3 * c)
        fc = .allocate(capacity: 4 * c)
        scores = .allocate(capacity: context)
        logits = [Float](repeating: 0, count: v)
    }

    deinit {
        for p in [keys, values, x, h, att, qkv, fc, scores] { p.deallocate() }
    }

    /// Restarts the cache from `tokens` (at most `context`) and returns the last token's logits.
    func prefill(_ tokens: [Int]) -> [Float] {
        position = 0
        for (i, t) in tokens.enumerated() { advance(t, wantLogits: i == tokens.count - 1) }
        return logits
    }

    /// Feeds one token at the next position and returns the logits for the token after it.
    func step(_ token: Int) -> [Float] {
        advance(token, wantLogits: true)
        return logits
    }

    private func advance(_ token: Int, wantLogits: Bool) {
        let pos = position
        model.tokenEmbedding.weight.data.withUnsafeBufferPointer { wte in
            model.positionEmbedding.weight.data.withUnsafeBufferPointer { wpe in
                for j in 0..<c { x[j] = wte[token * c + j] + wpe[pos * c + j] }
            }
        }
        for (l, block) in model.blocks.enumerated() {
            layerNorm(block.ln1, from: x, into: h)
            affine(block.attn.attn, h, into: qkv, accumulate: false)  // (3C)
            let k = keys + (l * context + pos) * c, vv = values + (l * context + pos) * c
            k.update(from: qkv + c, count: c)
            vv.update(from: qkv + 2 * c, count: c)
            attend(layer: l, upTo: pos)  // att: (C)
            affine(block.attn.proj, att, into: x, accumulate: true)
            layerNorm(block.ln2, from: x, into: h)
            affine(block.mlp.fc, h, into: fc, accumulate: false)  // (4C)
            for j in 0..<(4 * c) { fc[j] = geluScalar(fc[j]) }
            affine(block.mlp.proj, fc, into: x, accumulate: true)
        }
        position += 1
        guard wantLogits else { return }
        layerNorm(model.finalNorm, from: x, into: h)
        // (V) = wte (V, C) x h (C)
        model.tokenEmbedding.weight.data.withUnsafeBufferPointer { pw in
            logits.withUnsafeMutableBufferPointer { pl in
                BLAS.sgemv(transpose: false, rows: v, cols: c, a: pw.baseAddress!, lda: c, x: h, y: pl.baseAddress!)
            }
        }
    }

    /// Causal attention of this position's queries over cached positions `0...pos`, per head.
    private func attend(layer l: Int, upTo pos: Int) {
        let scale = 1 / Float(hs).squareRoot()
        let k0 = keys + l * context * c, v0 = values + l * context * c
        for head in 0..<nh {
            let q = qkv + head * hs, out = att + head * hs
            var m = -Float.infinity
            for j in 0...pos {
                let k = k0 + j * c + head * hs
                var s: Float = 0
                for d in 0..<hs { s += q[d] * k[d] }
                s *= scale
                scores[j] = s
                m = max(m, s)
            }
            var sum: Float = 0
            for j in 0...pos {
                scores[j] = Reproducible.exp(scores[j] - m)
                sum += scores[j]
            }
            out.update(repeating: 0, count: hs)
            let inv = 1 / sum
            for j in 0...pos {
                let p = scores[j] * inv
                let vr = v0 + j * c + head * hs
                for d in 0..<hs { out[d] += p * vr[d] }
            }
        }
    }

    private func layerNorm(_ norm: LayerNorm, from input: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        var mean: Float = 0
        for j in 0..<c { mean += input[j] }
        mean /= Float(c)
        var variance: Float = 0
        for j in 0..<c { variance += (input[j] - mean) * (input[j] - mean) }
        let r = 1 / (variance / Float(c) + norm.eps).squareRoot()
        norm.weight.data.withUnsafeBufferPointer { w in
            norm.bias.data.withUnsafeBufferPointer { b in
                for j in 0..<c { out[j] = (input[j] - mean) * r * w[j] + b[j] }
            }
        }
    }

    /// `out (+)= input x W + b` for one row, W `(in, out)`; `accumulate` adds onto `out`
    /// (the residual path) instead of overwriting it.
    private func affine(
        _ layer: Linear, _ input: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        let rows = layer.weight.shape[0], cols = layer.weight.shape[1]
        if let bias = layer.bias {
            bias.data.withUnsafeBufferPointer { b in
                if accumulate {
                    for j in 0..<cols { out[j] += b[j] }
                } else {
                    out.update(from: b.baseAddress!, count: cols)
                }
            }
        } else if !accumulate {
            out.update(repeating: 0, count: cols)
        }
        layer.weight.data.withUnsafeBufferPointer { pw in
            // (out) += W^T (out, in) x input (in)
            BLAS.sgemv(transpose: true, rows: rows, cols: cols, a: pw.baseAddress!, lda: cols, x: input, beta: 1, y: out)
        }
    }
}
