/// Cross-entropy against target distributions ("soft labels"), as knowledge distillation trains
/// a student on a teacher's probabilities (Hinton et al. 2015).
extension Tensor {
    /// Mean over rows of `-sum_j q_j log softmax(x)_j`, for logits `[..., V]` and `targets`, one
    /// distribution of `V` probabilities per row (row-major, each summing to 1).
    ///
    /// The gradient is `(softmax(x) - q) / rows`. Fused with log-softmax, row by row in a fixed
    /// order, so the result does not depend on the thread count.
    ///
    /// ```swift
    /// let logits = Tensor([2, 0, 0, 1], [2, 2], requiresGrad: true)
    /// let loss = try logits.softCrossEntropy(targets: [0.9, 0.1, 0.5, 0.5])
    /// ```
    public func softCrossEntropy(targets: [Float]) throws -> Tensor {
        guard rank >= 1 else { throw TensorError("softCrossEntropy", "logits need at least one axis, got a scalar") }
        let v = shape.last ?? 1
        let n = v == 0 ? 0 : count / v
        guard targets.count == count else {
            throw TensorError(
                "softCrossEntropy", "logits \(shapeText(shape)) need \(count) target probabilities, got \(targets.count)")
        }
        for q in targets where !(q >= 0 && q <= 1) {
            throw TensorError("softCrossEntropy", "target probabilities must be in [0, 1], got \(q)")
        }
        guard n > 0 else { return Tensor.record([0], [], [self]) { _ in } }
        var probs = [Float](repeating: 0, count: count)
        var loss: Float = 0
        data.withUnsafeBufferPointer { px in
            probs.withUnsafeMutableBufferPointer { pp in
                for r in 0..<n {
                    let lse = SoftmaxKernel.row(px.baseAddress! + r * v, pp.baseAddress! + r * v, v)
                    var cross: Float = 0
                    for j in 0..<v { cross += targets[r * v + j] * (lse - px[r * v + j]) }
                    loss += cross
                }
            }
        }
        let p = probs
        return Tensor.record([loss / Float(n)], [], [self]) { res in
            let scale = res.grad![0] / Float(n)
            self.withGrad { gx in
                for i in 0..<(n * v) { gx[i] += scale * (p[i] - targets[i]) }
            }
        }
    }
}
