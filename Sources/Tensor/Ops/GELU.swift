import PortableMath

/// GELU in its tanh form (GPT-2's), fused: forward keeps the tanh values so backward
/// needs no transcendental calls.
extension Tensor {
    /// `0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))` elementwise.
    public func gelu() -> Tensor {
        let x = data
        let n = x.count
        var th = [Float](unsafeUninitializedCapacity: n) { _, len in len = n }
        var y = [Float](unsafeUninitializedCapacity: n) { _, len in len = n }
        x.withUnsafeBufferPointer { px in
            th.withUnsafeMutableBufferPointer { pt in
                y.withUnsafeMutableBufferPointer { py in
                    let src = px.baseAddress!, t = pt.baseAddress!, dst = py.baseAddress!
                    Parallel.forRange(n, grain: 8192) { s, e in
                        GELUKernel.forward(src + s, dst + s, tanhOut: t + s, e - s)
                    }
                }
            }
        }
        let tanhs = th
        return Tensor.record(y, shape, [self]) { res in
            res.grad!.withUnsafeBufferPointer { pg in
                x.withUnsafeBufferPointer { px in
                    tanhs.withUnsafeBufferPointer { pt in
                        let dy = pg.baseAddress!, src = px.baseAddress!, t = pt.baseAddress!
                        self.updateGrad { dx, accumulate in
                            Parallel.forRange(n, grain: 8192) { s, e in
                                GELUKernel.backward(src + s, tanh: t + s, dy + s, dx + s, e - s, accumulate: accumulate)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// sqrt(2 / pi)
let geluC: Float = 0.797_884_560_802_865_4
/// GELU's cubic coefficient.
let geluCubic: Float = 0.044715
/// `3 * 0.044715`, rounded once (as CKernels' gelu.c).
let geluCubic3: Float = 3 * geluCubic

/// `tanh(u)` (`Reproducible.tanh`: within 2 ulp, the same bits on every machine and as the
/// vectorised kernels).
@inline(__always)
public func fastTanh(_ u: Float) -> Float { Reproducible.tanh(u) }

/// GELU (tanh form) of one value, bit-identical to `Tensor.gelu`.
@inline(__always)
public func geluScalar(_ x: Float) -> Float {
    0.5 * x * (1 + Reproducible.tanh(geluC * (x + geluCubic * (x * x * x))))
}
