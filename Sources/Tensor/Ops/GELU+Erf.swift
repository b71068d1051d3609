/// GELU in its exact (erf) form, BERT's: `0.5 x (1 + erf(x / sqrt 2))`.
///
/// `erf` is Abramowitz and Stegun's 7.1.26 (absolute error below 1.5e-7, the size of one
/// Float rounding near 1), in `GELUErfKernel` (AVX2 in `CKernels/gelu_erf.c`, portable Swift
/// beside it, the same bits). Forward keeps `Phi(x) = 0.5 (1 + erf(x / sqrt 2))` for backward,
/// whose slope is `Phi(x) + x phi(x)` with `phi(x) = exp(-x^2 / 2) / sqrt(2 pi)`.
extension Tensor {
    /// Exact GELU elementwise (`torch.nn.functional.gelu` with `approximate="none"`).
    ///
    /// ```swift
    /// let h = try fc(x).geluErf()  // (B, T, 4C)
    /// ```
    public func geluErf() -> Tensor {
        let x = data
        let n = x.count
        // Phi is kept only when a backward pass can need it (not under `noGrad`).
        let keepsCDF = GradMode.isEnabled && requiresGrad
        var phi = [Float](unsafeUninitializedCapacity: keepsCDF ? n : 0) { _, len in len = keepsCDF ? n : 0 }
        var y = [Float](unsafeUninitializedCapacity: n) { _, len in len = n }
        x.withUnsafeBufferPointer { px in
            phi.withUnsafeMutableBufferPointer { pp in
                y.withUnsafeMutableBufferPointer { py in
                    let src = px.baseAddress!, cdf = keepsCDF ? pp.baseAddress : nil, dst = py.baseAddress!
                    Parallel.forRange(n, grain: 8192) { s, e in
                        GELUErfKernel.forward(src + s, dst + s, cdf: cdf.map { $0 + s }, e - s)
                    }
                }
            }
        }
        let cdfs = phi
        return Tensor.record(y, shape, [self]) { res in
            res.grad!.withUnsafeBufferPointer { pg in
                x.withUnsafeBufferPointer { px in
                    cdfs.withUnsafeBufferPointer { pc in
                        let dy = pg.baseAddress!, src = px.baseAddress!, cdf = pc.baseAddress!
                        self.updateGrad { dx, accumulate in
                            Parallel.forRange(n, grain: 8192) { s, e in
                                GELUErfKernel.backward(src + s, cdf: cdf + s, dy + s, dx + s, e - s, accumulate: accumulate)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Exact GELU of one value, bit-identical to an element of `Tensor.geluErf`.
public func geluErfScalar(_ x: Float) -> Float {
    let v = SIMD8<Float>(repeating: x)
    return (v * GELUErfKernel.normalCDF(v))[0]
}
