import Foundation

/// Fused normalisations over the last axis: LayerNorm and RMSNorm.
extension Tensor {
    /// LayerNorm over the last axis: `(x - mean) / sqrt(var + eps) * weight + bias`.
    ///
    /// Shapes: self `[..., C]`, weight and bias `[C]`. Forward saves mean and 1/std for backward.
    public func layerNorm(weight: Tensor, bias: Tensor?, eps: Float = 1e-5) throws -> Tensor {
        let c = shape.last ?? 0
        guard weight.shape == [c], bias == nil || bias!.shape == [c] else {
            throw TensorError("layerNorm", "input \(shapeText(shape)) needs weight and bias of shape [\(c)], got \(shapeText(weight.shape)) and \(shapeText(bias?.shape ?? []))")
        }
        let n = c == 0 ? 0 : count / c
        let x = data, w = weight.data, b = bias?.data
        var mean = [Float](repeating: 0, count: n), rstd = [Float](repeating: 0, count: n)
        var y = [Float](unsafeUninitializedCapacity: count) { _, len in len = count }
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                for r in 0..<n {
                    let row = px.baseAddress! + r * c, out = py.baseAddress! + r * c
                    var m: Float = 0
                    for j in 0..<c { m += row[j] }
                    m /= Float(c)
                    var v: Float = 0
                    for j in 0..<c {
                        let d = row[j] - m
                        v += d * d
                    }
                    let s = 1 / (v / Float(c) + eps).squareRoot()
                    mean[r] = m
                    rstd[r] = s
                    if let b {
                        for j in 0..<c { out[j] = (row[j] - m) * s * w[j] + b[j] }
                    } else {
                        for j in 0..<c { out[j] = (row[j] - m) * s * w[j] }
                    }
                }
            }
        }
        let parents = bias.map { [self, weight, $0] } ?? [self, weight]
        return Tensor.record(y, shape, parents) { res in
            let g = res.grad!
            var gw = [Float](repeating: 0, count: c), gb = [Float](repeating: 0, count: c)
            var gx = [Float](repeating: 0, count: n * c)
            for r in 0..<n {
                let m = mean[r], s = rstd[r]
                var meanD: Float = 0, meanDN: Float = 0
                for j in 0..<c {
                    let norm = (x[r * c + j] - m) * s
                    let d = g[r * c + j] * w[j]
                    meanD += d
                    meanDN += d * norm
                    gw[j] += g[r * c + j] * norm
                    gb[j] += g[r * c + j]
                }
                meanD /= Float(c)
                meanDN /= Float(c)
                for j in 0..<c {
                    let norm = (x[r * c + j] - m) * s
                    gx[r * c + j] = s * (g[r * c + j] * w[j] - meanD - norm * meanDN)
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
