import Foundation

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
                        var i = s
                        while i + 8 <= e {
                            let v = UnsafeRawPointer(src + i).loadUnaligned(as: SIMD8<Float>.self)
                            let tv = simdTanh(geluC * (v + 0.044715 * v * v * v))
                            UnsafeMutableRawPointer(t + i).storeBytes(of: tv, as: SIMD8<Float>.self)
                            UnsafeMutableRawPointer(dst + i).storeBytes(of: 0.5 * v * (1 + tv), as: SIMD8<Float>.self)
                            i += 8
                        }
                        for i in i..<e {
                            let v = src[i]
                            let tv = fastTanh(geluC * (v + 0.044715 * v * v * v))
                            t[i] = tv
                            dst[i] = 0.5 * v * (1 + tv)
                        }
                    }
                }
            }
        }
        let tanhs = th
        return Tensor.record(y, shape, [self]) { res in
            var g = res.grad!
            g.withUnsafeMutableBufferPointer { pg in
                x.withUnsafeBufferPointer { px in
                    tanhs.withUnsafeBufferPointer { pt in
                        let d = pg.baseAddress!, src = px.baseAddress!, t = pt.baseAddress!
                        Parallel.forRange(n, grain: 8192) { s, e in
                            for i in s..<e {
                                let v = src[i], tv = t[i]
                                let du = geluC * (1 + 3 * 0.044715 * v * v)
                                d[i] *= 0.5 * (1 + tv) + 0.5 * v * (1 - tv * tv) * du
                            }
                        }
                    }
                }
            }
            self.addGrad(g)
        }
    }
}

/// sqrt(2 / pi)
let geluC: Float = 0.797_884_560_802_865_4

/// tanh through one `exp`: `sign(u) (1 - e) / (1 + e)` with `e = exp(-2|u|)` (within a few ulp,
/// several times faster than libm's `tanhf`).
@inline(__always)
public func fastTanh(_ u: Float) -> Float {
    let e = Foundation.exp(-2 * abs(u))
    let t = (1 - e) / (1 + e)
    return u < 0 ? -t : t
}

/// GELU (tanh form) of one value, as `Tensor.gelu` computes it.
@inline(__always)
public func geluScalar(_ x: Float) -> Float {
    0.5 * x * (1 + fastTanh(geluC * (x + 0.044715 * x * x * x)))
}
