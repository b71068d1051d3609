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
        let x = data, w = weight.data, b = bias?.data
        let grain = Swift.max(1, 16_384 / Swift.max(c, 1))
        var mean = [Float](repeating: 0, count: n), rstd = [Float](repeating: 0, count: n)
        var y = [Float](unsafeUninitializedCapacity: count) { _, len in len = count }
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                mean.withUnsafeMutableBufferPointer { pm in
                    rstd.withUnsafeMutableBufferPointer { pr in
                        w.withUnsafeBufferPointer { pw in
                            withOptionalPointer(b) { bp in
                                let (src, dst, m0, r0) = (px.baseAddress!, py.baseAddress!, pm.baseAddress!, pr.baseAddress!)
                                Parallel.forRange(n, grain: grain) { s, e in
                                    LayerNormKernel.forward(
                                        src + s * c, weight: pw.baseAddress!, bias: bp, dst + s * c,
                                        mean: m0 + s, rstd: r0 + s, rows: e - s, c: c, eps: eps)
                                }
                            }
                        }
                    }
                }
            }
        }
        let parents = bias.map { [self, weight, $0] } ?? [self, weight]
        return Tensor.record(y, shape, parents) { res in
            // Weight and bias grads: one partial sum per block of `grain` rows (rows added in
            // order), then the blocks added in block order. The blocks depend on the shape only,
            // never on the thread count, so the sums are the same bits for any FEWSHOT_THREADS.
            let blocks = (n + grain - 1) / grain
            var partial = [Float](repeating: 0, count: blocks * 2 * c)
            res.grad!.withUnsafeBufferPointer { pg in
                x.withUnsafeBufferPointer { px in
                    partial.withUnsafeMutableBufferPointer { pp in
                        w.withUnsafeBufferPointer { pw in
                            mean.withUnsafeBufferPointer { pm in
                                rstd.withUnsafeBufferPointer { pr in
                                    let (g0, x0, p0) = (pg.baseAddress!, px.baseAddress!, pp.baseAddress!)
                                    // Without an input gradient the rows still yield weight and bias grads.
                                    var scratch = [Float]()
                                    if !self.requiresGrad { scratch = [Float](repeating: 0, count: n * c) }
                                    scratch.withUnsafeMutableBufferPointer { ps in
                                        let run = { (dx: UnsafeMutablePointer<Float>, accumulate: Bool) in
                                            Parallel.forRange(blocks, grain: 1) { first, last in
                                                for k in first..<last {
                                                    let s = k * grain, e = Swift.min(n, s + grain)
                                                    let gw = p0 + k * 2 * c
                                                    LayerNormKernel.backward(
                                                        x0 + s * c, weight: pw.baseAddress!, mean: pm.baseAddress! + s,
                                                        rstd: pr.baseAddress! + s, g0 + s * c, dx + s * c, dw: gw,
                                                        db: gw + c, rows: e - s, c: c, accumulate: accumulate)
                                                }
                                            }
                                        }
                                        if self.requiresGrad {
                                            self.updateGrad(run)
                                        } else if let base = ps.baseAddress {
                                            run(base, false)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            var gw = [Float](repeating: 0, count: c), gb = [Float](repeating: 0, count: c)
            for k in 0..<blocks {
                for j in 0..<c {
                    gw[j] += partial[k * 2 * c + j]
                    gb[j] += partial[k * 2 * c + c + j]
                }
            }
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

/// Calls `body` with a pointer to the values of `array`, or nil when there is none.
func withOptionalPointer<R>(_ array: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress) }
}
