/// Reductions: sum, mean and max over axes, or over everything.
extension Tensor {
    /// Normalises a possibly negative axis, or throws naming the shape.
    func axisIndex(_ op: String, _ axis: Int) throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0, a < rank else {
            throw TensorError(op, "axis \(axis) out of range for shape \(shapeText(shape))")
        }
        return a
    }

    /// The tensor seen as (outer, axis, inner) around `axis`.
    func split3(_ axis: Int) -> (Int, Int, Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    /// Sum of every value, as a scalar.
    public func sum() -> Tensor {
        var s: Float = 0
        data.withUnsafeBufferPointer { p in for v in p { s += v } }
        let n = count
        return Tensor.record([s], [], [self]) { res in
            self.addGrad([Float](repeating: res.grad![0], count: n))
        }
    }

    /// Mean of every value, as a scalar.
    public func mean() -> Tensor { sum().scaled(1 / Float(Swift.max(count, 1))) }

    /// Sum over `axes` (negative counts from the end); `keepDims` leaves them as extent 1.
    public func sum(axes: [Int], keepDims: Bool = false) throws -> Tensor {
        var out = self
        for axis in try Set(axes.map { try axisIndex("sum", $0) }).sorted(by: >) {
            out = out.sumAxis(axis)
        }
        if keepDims { return out }
        let kept = try Set(axes.map { try axisIndex("sum", $0) })
        return try out.reshaped((0..<rank).filter { !kept.contains($0) }.map { shape[$0] })
    }

    /// Mean over `axes`; `keepDims` leaves them as extent 1.
    public func mean(axes: [Int], keepDims: Bool = false) throws -> Tensor {
        let n = try Set(axes.map { try axisIndex("mean", $0) }).reduce(1) { $0 * shape[$1] }
        return try sum(axes: axes, keepDims: keepDims).scaled(1 / Float(Swift.max(n, 1)))
    }

    /// Sum over one axis, kept with extent 1.
    private func sumAxis(_ axis: Int) -> Tensor {
        let (outer, len, inner) = split3(axis)
        var outShape = shape
        outShape[axis] = 1
        var y = [Float](repeating: 0, count: outer * inner)
        let x = data
        for o in 0..<outer {
            for j in 0..<len {
                let base = (o * len + j) * inner
                for i in 0..<inner { y[o * inner + i] += x[base + i] }
            }
        }
        return Tensor.record(y, outShape, [self]) { res in
            let g = res.grad!
            var gx = [Float](repeating: 0, count: outer * len * inner)
            for o in 0..<outer {
                for j in 0..<len {
                    let base = (o * len + j) * inner
                    for i in 0..<inner { gx[base + i] = g[o * inner + i] }
                }
            }
            self.addGrad(gx)
        }
    }

    /// Maximum over one axis; the gradient goes to the first position holding the maximum.
    public func max(axis: Int, keepDims: Bool = false) throws -> Tensor {
        let a = try axisIndex("max", axis)
        let (outer, len, inner) = split3(a)
        guard len > 0 else { throw TensorError("max", "axis \(axis) of shape \(shapeText(shape)) is empty") }
        var outShape = shape
        if keepDims { outShape[a] = 1 } else { outShape.remove(at: a) }
        var y = [Float](repeating: -.infinity, count: outer * inner)
        var arg = [Int](repeating: 0, count: outer * inner)
        let x = data
        for o in 0..<outer {
            for j in 0..<len {
                let base = (o * len + j) * inner
                for i in 0..<inner where x[base + i] > y[o * inner + i] || j == 0 {
                    y[o * inner + i] = x[base + i]
                    arg[o * inner + i] = j
                }
            }
        }
        return Tensor.record(y, outShape, [self]) { res in
            let g = res.grad!
            self.withGrad { gx in
                for o in 0..<outer {
                    for i in 0..<inner { gx[(o * len + arg[o * inner + i]) * inner + i] += g[o * inner + i] }
                }
            }
        }
    }
}
