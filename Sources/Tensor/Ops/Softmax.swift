import PortableMath

/// Softmax, log-softmax and cross-entropy fused with log-softmax, all over the last axis.
extension Tensor {
    /// Rows of the last axis: (row count, row length).
    private var rows: (Int, Int) {
        let len = shape.last ?? 1
        return (len == 0 ? 0 : count / len, len)
    }

    /// Softmax over the last axis.
    public func softmax() throws -> Tensor {
        guard rank >= 1 else { throw TensorError("softmax", "needs at least one axis, got a scalar") }
        let (n, len) = rows
        var y = data
        y.withUnsafeMutableBufferPointer { p in
            for r in 0..<n { SoftmaxKernel.row(p.baseAddress! + r * len, p.baseAddress! + r * len, len) }
        }
        let probs = y
        return Tensor.record(y, shape, [self]) { res in
            let g = res.grad!
            self.withGrad { gx in
                for r in 0..<n {
                    var dot: Float = 0
                    for j in 0..<len { dot += g[r * len + j] * probs[r * len + j] }
                    for j in 0..<len { gx[r * len + j] += probs[r * len + j] * (g[r * len + j] - dot) }
                }
            }
        }
    }

    /// Log-softmax over the last axis (stable: shifts by the row maximum).
    public func logSoftmax() throws -> Tensor {
        guard rank >= 1 else { throw TensorError("logSoftmax", "needs at least one axis, got a scalar") }
        let (n, len) = rows
        var y = data
        y.withUnsafeMutableBufferPointer { p in
            for r in 0..<n {
                let row = p.baseAddress! + r * len
                var m = -Float.infinity
                for j in 0..<len { m = Swift.max(m, row[j]) }
                var s: Float = 0
                for j in 0..<len { s += Reproducible.exp(row[j] - m) }
                let lse = m + Reproducible.log(s)
                for j in 0..<len { row[j] -= lse }
            }
        }
        let logp = y
        return Tensor.record(y, shape, [self]) { res in
            let g = res.grad!
            self.withGrad { gx in
                for r in 0..<n {
                    var s: Float = 0
                    for j in 0..<len { s += g[r * len + j] }
                    for j in 0..<len { gx[r * len + j] += g[r * len + j] - Reproducible.exp(logp[r * len + j]) * s }
                }
            }
        }
    }

    /// Mean cross-entropy of logits `[..., V]` against integer targets (one per row), fused
    /// with log-softmax.
    ///
    /// Rows whose target is `ignoreIndex` are skipped; `weights` (one per row, e.g. a 0/1 loss
    /// mask) weight each row. The loss is `sum(w_i * nll_i) / sum(w_i)` over kept rows, and 0
    /// when no row is kept.
    public func crossEntropy(targets: [Int], weights: [Float]? = nil, ignoreIndex: Int = -100) throws -> Tensor {
        guard rank >= 1 else { throw TensorError("crossEntropy", "logits need at least one axis, got a scalar") }
        let (n, v) = rows
        guard targets.count == n else {
            throw TensorError("crossEntropy", "logits \(shapeText(shape)) have \(n) rows but \(targets.count) targets were given")
        }
        if let weights, weights.count != n {
            throw TensorError("crossEntropy", "logits \(shapeText(shape)) have \(n) rows but \(weights.count) weights were given")
        }
        for t in targets where t != ignoreIndex && (t < 0 || t >= v) {
            throw TensorError("crossEntropy", "target \(t) out of range for \(v) classes (logits \(shapeText(shape)))")
        }
        var w = [Float](repeating: 0, count: n)
        for i in 0..<n where targets[i] != ignoreIndex { w[i] = weights?[i] ?? 1 }
        let total = w.reduce(0, +)
        let x = data
        var probs = [Float](unsafeUninitializedCapacity: n * v) { _, len in len = n * v }
        var nll = [Float](repeating: 0, count: n)
        x.withUnsafeBufferPointer { px in
            probs.withUnsafeMutableBufferPointer { pp in
                nll.withUnsafeMutableBufferPointer { pn in
                    let src = px.baseAddress!, dst = pp.baseAddress!, out = pn.baseAddress!
                    Parallel.forRange(n, grain: Swift.max(1, 65_536 / Swift.max(v, 1))) { s, e in
                        for r in s..<e {
                            let lse = SoftmaxKernel.row(src + r * v, dst + r * v, v)
                            if w[r] != 0 { out[r] = lse - src[r * v + targets[r]] }
                        }
                    }
                }
            }
        }
        var loss: Float = 0
        for i in 0..<n where w[i] != 0 { loss += w[i] * nll[i] }
        loss = total > 0 ? loss / total : 0
        let p = probs
        return Tensor.record([loss], [], [self]) { res in
            guard total > 0 else { return }
            let scale = res.grad![0] / total
            p.withUnsafeBufferPointer { pp in
                let src = pp.baseAddress!
                self.updateGrad { gx, accumulate in
                    Parallel.forRange(n, grain: Swift.max(1, 65_536 / Swift.max(v, 1))) { s, e in
                        for r in s..<e {
                            let k = w[r] * scale
                            let prow = src + r * v, grow = gx + r * v
                            if accumulate {
                                if k != 0 { for j in 0..<v { grow[j] += k * prow[j] } }
                            } else if k != 0 {
                                for j in 0..<v { grow[j] = k * prow[j] }
                            } else {
                                grow.update(repeating: 0, count: v)
                            }
                            if k != 0 { grow[targets[r]] -= k }
                        }
                    }
                }
            }
        }
    }
}
