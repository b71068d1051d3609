import Foundation

/// Fused normalisations over the last axis: LayerNorm and RMSNorm.
extension Tensor {
    /// LayerNorm over the last axis: `(x - mean) / sqrt(var + eps) * weight + bias`.
    ///
    /// Shapes: self `[..., C]`, weight and bias `[C]`. Forward saves mean and 1/std for backward.
    public func layerNorm(weight: Tensor, bias: Tensor?, eps: Float = 1e-5) throws -> Tensor {
        let c = shape.last ?? 0
        guard weight.shape == [c], bias == nil || bias!.shape == [c] else {
            throw TensorError(
                "layerNorm",
                "input \(shapeText(shape)) needs weight and bias of shape [\(c)], got \(shapeText(weight.shape)) and \(shapeText(bias?.shape ?? []))"
            )
        }
        let n = c == 0 ? 0 : count / c
        let x = data, w = weight.data, b = bias?.data ?? [Float](repeating: 0, count: c)
        var mean = [Float](repeating: 0, count: n), rstd = [Float](repeating: 0, count: n)
        var y = [Float](unsafeUninitializedCapacity: count) { _, len in len = count }
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                mean.withUnsafeMutableBufferPointer { pm in
                    rstd.withUnsafeMutableBufferPointer { pr in
                        w.withUnsafeBufferPointer { pw in
                            b.withUnsafeBufferPointer { pb in
                                let (src, dst, m0, r0) = (px.baseAddress!, py.baseAddress!, pm.baseAddress!, pr.baseAddress!)
                                let (wp, bp) = (pw.baseAddress!, pb.baseAddress!)
                                Parallel.forRange(n, grain: Swift.max(1, 16_384 / Swift.max(c, 1))) { s, e in
                                    for r in s..<e {
                                        let row = src + r * c, out = dst + r * c
                                        var m: Float = 0
                                        for j in 0..<c { m += row[j] }
                                        m /= Float(c)
                                        var v: Float = 0
                                        for j in 0..<c { v += (row[j] - m) * (row[j] - m) }
                                        let sd = 1 / (v / Float(c) + eps).squareRoot()
                                        m0[r] = m
                                        r0[r] = sd
                                        for j in 0..<c { out[j] = (row[j] - m) * sd * wp[j] + bp[j] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let parents = bias.map { [self, weight, $0] } ?? [self, weight]
        return Tensor.record(y, shape, parents) { res in
            let g = res.grad!
            let workers = Parallel.chunks(n, grain: Swift.max(1, 16_384 / Swift.max(c, 1)))
            // Per-worker partial sums for the weight and bias grads, added up after.
            var partial = [Float](repeating: 0, count: workers.count * 2 * c)
            var gx = [Float](unsafeUninitializedCapacity: n * c) { _, len in len = n * c }
            g.withUnsafeBufferPointer { pg in
                x.withUnsafeBufferPointer { px in
                    gx.withUnsafeMutableBufferPointer { pgx in
                        partial.withUnsafeMutableBufferPointer { pp in
                            w.withUnsafeBufferPointer { pw in
                                let (g0, x0, gx0, p0, wp) = (
                                    pg.baseAddress!, px.baseAddress!, pgx.baseAddress!, pp.baseAddress!, pw.baseAddress!
                                )
                                Parallel.run(workers) { k, s, e in
                                    let gw = p0 + k * 2 * c, gb = gw + c
                                    for r in s..<e {
                                        let m = mean[r], sd = rstd[r]
                                        let gr = g0 + r * c, xr = x0 + r * c, out = gx0 + r * c
                                        var meanD: Float = 0, meanDN: Float = 0
                                        for j in 0..<c {
                                            let norm = (xr[j] - m) * sd
                                            let d = gr[j] * wp[j]
                                            meanD += d
                                            meanDN += d * norm
                                            gw[j] += gr[j] * norm
                                            gb[j] += gr[j]
                                        }
                                        meanD /= Float(c)
                                        meanDN /= Float(c)
                                        for j in 0..<c {
                                            let norm = (xr[j] - m) * sd
                                            out[j] = sd * (gr[j] * wp[j] - meanD - norm * meanDN)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            var gw = [Float](repeating: 0, count: c), gb = [Float](repeating: 0, count: c)
            for k in 0..<workers.count {
                for j in 0..<c {
                    gw[j] += partial[k * 2 * c + j]
                    gb[j] += partial[k * 2 * c + c + j]
                }
            }
            self.addGrad(gx)
            weight.addGrad(gw)
            bias?.addGrad(gb)
        }
    }

    /// RMSNorm over the last axis: `x / sqrt(mean(x^2) + eps) * weight`. Weight `[C]`.
    public func rmsNorm(weight: Tensor, eps: Float = 1e-6) throws -> Tensor {
        let c = shape.last ?? 0
        guard weight.shape == [c] else {
            throw TensorError("rmsNorm", "input \(shapeText(shape)) needs weight of shape [\(c)], got \(shapeText(weight.shape))")
        }
        let n = c == 0 ? 0 : count / c
        let x = data, w = weight.data
        var rstd = [Float](repeating: 0, count: n)
        var y = [Float](repeating: 0, count: count)
        for r in 0..<n {
            var ss: Float = 0
            for j in 0..<c { ss += x[r * c + j] * x[r * c + j] }
            let s = 1 / (ss / Float(c) + eps).squareRoot()
            rstd[r] = s
            for j in 0..<c { y[r * c + j] = x[r * c + j] * s * w[j] }
        }
        return Tensor.record(y, shape, [self, weight]) { res in
            let g = res.grad!
            var gw = [Float](repeating: 0, count: c)
            var gx = [Float](repeating: 0, count: n * c)
            for r in 0..<n {
                let s = rstd[r]
                var meanDN: Float = 0
                for j in 0..<c {
                    let norm = x[r * c + j] * s
                    meanDN += g[r * c + j] * w[j] * norm
                    gw[j] += g[r * c + j] * norm
                }
                meanDN /= Float(c)
                for j in 0..<c {
                    gx[r * c + j] = s * (g[r * c + j] * w[j] - x[r * c + j] * s * meanDN)
                }
            }
            self.addGrad(gx)
            weight.addGrad(gw)
        }
    }
}
