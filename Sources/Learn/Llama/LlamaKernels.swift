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

    /// The cosine and sine of each RoPE angle `position * inverseFrequencies[i]` at `position`,
    /// interleaved (`dims / 2` pairs), for `rope`.
    static func rotations(position: Int, inverseFrequencies: [Float]) -> [Float] {
        inverseFrequencies.flatMap { frequency in
            let angle = Float(position) * frequency
            return [Reproducible.cos(angle), Reproducible.sin(angle)]
        }
    }

    /// Rotates adjacent pairs `(x[2i], x[2i+1])` of the first `dims` values of each head by
    /// `position * theta^(-2i/dims)`, whose cosine and sine are `rotation[2i]` and
    /// `rotation[2i+1]` (`rotations(position:inverseFrequencies:)`): ggml's "norm" RoPE.
    /// llama.cpp's converter permutes the rows of Q and K so that this equals Hugging Face's
    /// rotate-half RoPE on the original weights.
    static func rope(
        _ x: UnsafeMutablePointer<Float>, heads: Int, headDim: Int, dims: Int, rotation: UnsafePointer<Float>
    ) {
        for i in 0..<(dims / 2) {
            let c = rotation[2 * i], s = rotation[2 * i + 1]
            for h in 0..<heads {
                let p = x + h * headDim + 2 * i
                let a = p[0], b = p[1]
                p[0] = a * c - b * s
                p[1] = a * s + b * c
            }
        }
    }
}
