import Foundation
import PortableMath

/// The elementwise pieces of the Llama forward pass, over raw Float buffers.
enum LlamaKernels {
    /// `out = x / sqrt(mean(x^2) + eps) * weight` over one row of `n` values.
    static func rmsNorm(
        _ x: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, n: Int, eps: Float
    ) {
        var sum: Float = 0
        for i in 0..<n { sum += x[i] * x[i] }
        let scale = 1 / (sum / Float(n) + eps).squareRoot()
        for i in 0..<n { out[i] = x[i] * scale * weight[i] }
    }

    /// Rotates adjacent pairs `(x[2i], x[2i+1])` of the first `dims` values of each head by
    /// `position * theta^(-2i/dims)`: ggml's "norm" RoPE. llama.cpp's converter permutes the
    /// rows of Q and K so that this equals Hugging Face's rotate-half RoPE on the original weights.
    static func rope(
        _ x: UnsafeMutablePointer<Float>, heads: Int, headDim: Int, dims: Int, position: Int, inverseFrequencies: [Float]
    ) {
        for i in 0..<(dims / 2) {
            let angle = Float(position) * inverseFrequencies[i]
            let c = Reproducible.cos(angle), s = Reproducible.sin(angle)
            for h in 0..<heads {
                let p = x + h * headDim + 2 * i
                let a = p[0], b = p[1]
                p[0] = a * c - b * s
                p[1] = a * s + b * c
            }
        }
    }

    /// `gate = silu(gate) * up`, elementwise over `n` values.
    static func swiglu(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, n: Int) {
        for i in 0..<n {
            let g = gate[i]
            gate[i] = g / (1 + Reproducible.exp(-g)) * up[i]
        }
    }

    /// Dot product of two `n`-value vectors.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = SIMD8<Float>()
        var i = 0
        while i + 8 <= n {
            acc +=
                UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
                * UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
            i += 8
        }
        var tail: Float = 0
        while i < n {
            tail += a[i] * b[i]
            i += 1
        }
        return acc.sum() + tail
    }

    /// Causal attention of one query head over the first `length` cached positions:
    /// `out = softmax(q . k_j / sqrt(hs)) v_j`, with k and v rows `stride` apart.
    static func attend(
        query q: UnsafePointer<Float>, keys k: UnsafePointer<Float>, values v: UnsafePointer<Float>, stride: Int,
        length: Int, headDim: Int, scores: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>
    ) {
        let scale = 1 / Float(headDim).squareRoot()
        var maxScore = -Float.infinity
        for j in 0..<length {
            let s = dot(q, k + j * stride, headDim) * scale
            scores[j] = s
            maxScore = max(maxScore, s)
        }
        var total: Float = 0
        for j in 0..<length {
            let e = Reproducible.exp(scores[j] - maxScore)
            scores[j] = e
            total += e
        }
        out.update(repeating: 0, count: headDim)
        for j in 0..<length {
            let w = scores[j] / total
            let row = v + j * stride
            for d in 0..<headDim { out[d] += w * row[d] }
        }
    }
}
