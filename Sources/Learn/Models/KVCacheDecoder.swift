import Foundation
import Tensor

/// Batch-1 decoding with a key/value cache, outside autograd: each step runs the model on one
/// new token with GEMV calls and attends over the cached keys and values.
///
/// Glossary: C width, nh heads, hs head size, V vocabulary, P cached positions.
final class KVCacheDecoder {
    private let model: GPT
    private let c: Int, nh: Int, hs: Int, v: Int, context: Int
    /// Per layer `(context, C)` keys and values.
    private var keys: [[Float]], values: [[Float]]
    private(set) var position = 0
    // Scratch buffers reused by every step.
    private var x: [Float], h: [Float], qkv: [Float], att: [Float], fc: [Float], scores: [Float], logits: [Float]

    init(_ model: GPT) {
        self.model = model
        let cfg = model.config
        c = cfg.width
        nh = cfg.heads
        hs = cfg.width / cfg.heads
        v = cfg.vocabSize
        context = cfg.context
        keys = Array(repeating: [Float](repeating: 0, count: cfg.context * cfg.width), count: cfg.layers)
        values = keys
        x = [Float](repeating: 0, count: c)
        h = x
        att = x
        qkv = [Float](repeating: 0, count: 3 * c)
        fc = [Float](repeating: 0, count: 4 * c)
        scores = [Float](repeating: 0, count: cfg.context)
        logits = [Float](repeating: 0, count: cfg.vocabSize)
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
        let wte = model.tokenEmbedding.weight.data, wpe = model.positionEmbedding.weight.data
        for j in 0..<c { x[j] = wte[token * c + j] + wpe[pos * c + j] }
        for (l, block) in model.blocks.enumerated() {
            layerNorm(block.ln1, from: x, into: &h)
            affine(block.attn.attn, h, into: &qkv)  // (3C)
            for j in 0..<c {
                keys[l][pos * c + j] = qkv[c + j]
                values[l][pos * c + j] = qkv[2 * c + j]
            }
            attend(layer: l, upTo: pos)  // att: (C)
            affineAdd(block.attn.proj, att, into: &x)
            layerNorm(block.ln2, from: x, into: &h)
            affine(block.mlp.fc, h, into: &fc)  // (4C)
            for j in 0..<(4 * c) { fc[j] = geluScalar(fc[j]) }
            affineAdd(block.mlp.proj, fc, into: &x)
        }
        position += 1
        guard wantLogits else { return }
        layerNorm(model.finalNorm, from: x, into: &h)
        // (V) = wte (V, C) x h (C)
        wte.withUnsafeBufferPointer { pw in
            h.withUnsafeBufferPointer { ph in
                logits.withUnsafeMutableBufferPointer { pl in
                    BLAS.sgemv(transpose: false, rows: v, cols: c, a: pw.baseAddress!, lda: c,
                               x: ph.baseAddress!, y: pl.baseAddress!)
                }
            }
        }
    }

    /// Causal attention of this position's queries over cached positions `0...pos`, per head.
    private func attend(layer l: Int, upTo pos: Int) {
        let scale = 1 / Float(hs).squareRoot()
        keys[l].withUnsafeBufferPointer { pk in
            values[l].withUnsafeBufferPointer { pv in
                for head in 0..<nh {
                    let q = head * hs
                    var m = -Float.infinity
                    for j in 0...pos {
                        var s: Float = 0
                        let k = pk.baseAddress! + j * c + q
                        for d in 0..<hs { s += qkv[q + d] * k[d] }
                        s *= scale
                        scores[j] = s
                        m = max(m, s)
                    }
                    var sum: Float = 0
                    for j in 0...pos {
                        scores[j] = Foundation.exp(scores[j] - m)
                        sum += scores[j]
                    }
                    for d in 0..<hs { att[q + d] = 0 }
                    for j in 0...pos {
                        let p = scores[j] / sum
                        let vr = pv.baseAddress! + j * c + q
                        for d in 0..<hs { att[q + d] += p * vr[d] }
                    }
                }
            }
        }
    }

    private func layerNorm(_ norm: LayerNorm, from input: [Float], into out: inout [Float]) {
        var mean: Float = 0
        for j in 0..<c { mean += input[j] }
        mean /= Float(c)
        var variance: Float = 0
        for j in 0..<c { variance += (input[j] - mean) * (input[j] - mean) }
        let r = 1 / (variance / Float(c) + norm.eps).squareRoot()
        let w = norm.weight.data, b = norm.bias.data
        for j in 0..<c { out[j] = (input[j] - mean) * r * w[j] + b[j] }
    }

    /// `out = input x W + b` for one row, W `(in, out)`.
    private func affine(_ layer: Linear, _ input: [Float], into out: inout [Float]) {
        if let bias = layer.bias { out = bias.data } else { for j in 0..<out.count { out[j] = 0 } }
        gemv(layer, input, into: &out)
    }

    /// `out += input x W + b` for one row (the residual add).
    private func affineAdd(_ layer: Linear, _ input: [Float], into out: inout [Float]) {
        if let bias = layer.bias { for j in 0..<out.count { out[j] += bias.data[j] } }
        gemv(layer, input, into: &out)
    }

    private func gemv(_ layer: Linear, _ input: [Float], into out: inout [Float]) {
        let rows = layer.weight.shape[0], cols = layer.weight.shape[1]
        layer.weight.data.withUnsafeBufferPointer { pw in
            input.withUnsafeBufferPointer { px in
                out.withUnsafeMutableBufferPointer { py in
                    // (out) += W^T (out, in) x input (in)
                    BLAS.sgemv(transpose: true, rows: rows, cols: cols, a: pw.baseAddress!, lda: cols,
                               x: px.baseAddress!, beta: 1, y: py.baseAddress!)
                }
            }
        }
    }
}
