/// Index-driven ops: embedding lookup, gather, masked fill, dropout.
extension Tensor {
    /// Rows of `table` (`[V, C]`) picked by `indices`; result `shape + [C]`.
    /// The backward scatter-adds into the picked rows.
    public static func embedding(_ table: Tensor, indices: [Int], shape: [Int]) throws -> Tensor {
        guard table.rank == 2 else {
            throw TensorError("embedding", "table must be [V, C], got \(shapeText(table.shape))")
        }
        guard shape.reduce(1, *) == indices.count else {
            throw TensorError("embedding", "\(indices.count) indices do not fill shape \(shapeText(shape))")
        }
        let v = table.shape[0], c = table.shape[1]
        if let bad = indices.first(where: { $0 < 0 || $0 >= v }) {
            throw TensorError("embedding", "index \(bad) out of range for table \(shapeText(table.shape))")
        }
        let w = table.data
        let n = indices.count
        let y = [Float](unsafeUninitializedCapacity: n * c) { buf, len in
            w.withUnsafeBufferPointer { pw in
                for (i, idx) in indices.enumerated() {
                    (buf.baseAddress! + i * c).initialize(from: pw.baseAddress! + idx * c, count: c)
                }
            }
            len = n * c
        }
        return Tensor.record(y, shape + [c], [table]) { res in
            res.grad!.withUnsafeBufferPointer { pg in
                let g = pg.baseAddress!
                table.withGrad { gw in
                    // Column ranges in parallel (no two workers touch one value), indices in order.
                    Parallel.forRange(c, grain: Swift.max(8, 65_536 / Swift.max(n, 1))) { s, e in
                        for (i, idx) in indices.enumerated() {
                            for j in s..<e { gw[idx * c + j] += g[i * c + j] }
                        }
                    }
                }
            }
        }
    }

    /// Picks along the last axis: `out[..., j] = self[..., indices[..., j]]`.
    ///
    /// `indices` has the leading shape of self and `k` entries per row; result `[..., k]`.
    public func gather(indices: [Int], k: Int) throws -> Tensor {
        guard rank >= 1 else { throw TensorError("gather", "needs at least one axis, got a scalar") }
        let len = shape[rank - 1]
        let rows = len == 0 ? 0 : count / len
        guard indices.count == rows * k else {
            throw TensorError("gather", "\(indices.count) indices for \(rows) rows of \(k) in \(shapeText(shape))")
        }
        if let bad = indices.first(where: { $0 < 0 || $0 >= len }) {
            throw TensorError("gather", "index \(bad) out of range for last axis of \(shapeText(shape))")
        }
        let x = data
        var y = [Float](repeating: 0, count: rows * k)
        for r in 0..<rows {
            for j in 0..<k { y[r * k + j] = x[r * len + indices[r * k + j]] }
        }
        return Tensor.record(y, Array(shape.dropLast()) + [k], [self]) { res in
            let g = res.grad!
            self.withGrad { gx in
                for r in 0..<rows {
                    for j in 0..<k { gx[r * len + indices[r * k + j]] += g[r * k + j] }
                }
            }
        }
    }

    /// Replaces values where `mask` is true by `value`; `mask` broadcasts from `maskShape`.
    public func maskedFill(mask: [Bool], maskShape: [Int], value: Float) throws -> Tensor {
        guard maskShape.reduce(1, *) == mask.count else {
            throw TensorError("maskedFill", "mask of \(mask.count) values does not fill \(shapeText(maskShape))")
        }
        let outShape = try Broadcast.shape("maskedFill", shape, maskShape)
        guard outShape == shape else {
            throw TensorError("maskedFill", "mask \(shapeText(maskShape)) does not broadcast to \(shapeText(shape))")
        }
        let map = Broadcast.indexMap(maskShape, to: shape)
        let hit = (0..<count).map { mask[map?[$0] ?? $0] }
        var y = data
        for i in 0..<count where hit[i] { y[i] = value }
        return Tensor.record(y, shape, [self]) { res in
            var g = res.grad!
            for i in 0..<g.count where hit[i] { g[i] = 0 }
            self.addGrad(g)
        }
    }

    /// Inverted dropout: zeroes each value with probability `p` and scales the rest by
    /// `1 / (1 - p)`. Identity when `p == 0`.
    public func dropout(_ p: Float, rng: inout SeededRandom) throws -> Tensor {
        guard p >= 0, p < 1 else { throw TensorError("dropout", "probability \(p) must be in [0, 1)") }
        if p == 0 { return self }
        let scale = 1 / (1 - p)
        let keep = (0..<count).map { _ in rng.uniform() >= p ? scale : 0 }
        let y = zip(data, keep).map { $0 * $1 }
        return Tensor.record(y, shape, [self]) { res in
            self.addGrad(zip(res.grad!, keep).map { $0 * $1 })
        }
    }
}
