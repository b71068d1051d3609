import PortableMath

/// Rotary position embeddings (RoPE) for Llama-family attention.
///
/// Glossary: B batch, T time, nh heads, hs head size, d = rotated dimensions per head (<= hs).
extension Tensor {
    /// Rotates adjacent pairs `(x[2i], x[2i+1])` of the first `dimensions` values of every head
    /// by `(offset + t) * theta^(-2i/dimensions)` at time step `t`: ggml's "norm" RoPE.
    ///
    /// self is `[B, T, nh*hs]` (heads side by side, as a projection writes them); the result
    /// has the same shape. GGUF files store Q and K with their rows permuted (llama.cpp's
    /// converter) so that this pairing equals Hugging Face's rotate-half RoPE on the original
    /// weights; it is the rotation the in-process Llama applies, computed the same way.
    /// The backward rotates the gradient by the opposite angles.
    ///
    /// ```swift
    /// let q = try h.matmul(wq, transposeB: true)                       // (B, T, nh*hs)
    /// let rq = try q.rotaryEmbedding(heads: 9, dimensions: 64, theta: 100_000)
    /// ```
    public func rotaryEmbedding(heads nh: Int, dimensions d: Int, theta: Float, offset: Int = 0) throws -> Tensor {
        guard rank == 3, nh > 0, shape[2] % nh == 0, d % 2 == 0, d > 0, d <= shape[2] / nh, offset >= 0 else {
            throw TensorError(
                "rotaryEmbedding",
                "input \(shapeText(shape)) must be [B, T, heads*hs] with \(nh) heads and an even number of rotated dimensions (\(d)) at most hs"
            )
        }
        let b = shape[0], t = shape[1], width = shape[2], hs = width / nh, pairs = d / 2
        // Angles as the inference kernel computes them: frequencies in Double, the rest in Float.
        let inverse = (0..<pairs).map { i in Float(1 / Reproducible.pow(Double(theta), Double(2 * i) / Double(d))) }
        var cosines = [Float](repeating: 0, count: t * pairs), sines = cosines  // (T, d/2)
        for p in 0..<t {
            for i in 0..<pairs {
                let angle = Float(offset + p) * inverse[i]
                cosines[p * pairs + i] = Reproducible.cos(angle)
                sines[p * pairs + i] = Reproducible.sin(angle)
            }
        }
        /// Rotates every pair of `src` into `dst` by the table's angles, negated when `inverse`.
        func rotate(_ src: [Float], inverse: Bool) -> [Float] {
            var dst = src  // (B, T, nh*hs); values past `d` in each head pass through
            let sign: Float = inverse ? -1 : 1
            dst.withUnsafeMutableBufferPointer { pd in
                src.withUnsafeBufferPointer { ps in
                    for row in 0..<(b * t) {
                        let p = row % t
                        for h in 0..<nh {
                            let base = row * width + h * hs
                            for i in 0..<pairs {
                                let c = cosines[p * pairs + i], s = sign * sines[p * pairs + i]
                                let x0 = ps[base + 2 * i], x1 = ps[base + 2 * i + 1]
                                pd[base + 2 * i] = x0 * c - x1 * s
                                pd[base + 2 * i + 1] = x0 * s + x1 * c
                            }
                        }
                    }
                }
            }
            return dst
        }
        return Tensor.record(rotate(data, inverse: false), shape, [self]) { res in
            self.addGrad(rotate(res.grad!, inverse: true))
        }
    }
}
