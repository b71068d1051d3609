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
}
