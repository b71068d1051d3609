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
        scaleRow(x, sum: sum, weight, out, n: n, eps: eps)
    }

    /// `out = x / sqrt(sum / n + eps) * weight`, given the row's sum of squares.
    @inline(__always)
    private static func scaleRow(
        _ x: UnsafePointer<Float>, sum: Float, _ weight: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, n: Int,
        eps: Float
    ) {
        let scale = 1 / (sum / Float(n) + eps).squareRoot()
        for i in 0..<n { out[i] = x[i] * scale * weight[i] }
    }

    /// `rmsNorm` of `rows` consecutive rows of `n` values, four at a time: their sums of squares
    /// run side by side, each in its own order, so every row gets `rmsNorm`'s bits while the four
    /// chains of additions overlap.
    static func rmsNorm(
        rows: Int, _ x: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, n: Int,
        eps: Float
    ) {
        var r = 0
        while r + 4 <= rows {
            let a = x + r * n, b = a + n, c = b + n, d = c + n
            var sa: Float = 0, sb: Float = 0, sc: Float = 0, sd: Float = 0
            for i in 0..<n {
                sa += a[i] * a[i]
                sb += b[i] * b[i]
                sc += c[i] * c[i]
                sd += d[i] * d[i]
            }
            scaleRow(a, sum: sa, weight, out + r * n, n: n, eps: eps)
            scaleRow(b, sum: sb, weight, out + (r + 1) * n, n: n, eps: eps)
            scaleRow(c, sum: sc, weight, out + (r + 2) * n, n: n, eps: eps)
            scaleRow(d, sum: sd, weight, out + (r + 3) * n, n: n, eps: eps)
            r += 4
        }
        for t in r..<rows { rmsNorm(x + t * n, weight, out + t * n, n: n, eps: eps) }
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
