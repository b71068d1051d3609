/// Shape ops: reshape (a view), transpose/permute, slice, concat, split.
extension Tensor {
    /// The same values under a new shape (one extent may be -1). Shares storage until written.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        var s = newShape
        if let hole = s.firstIndex(of: -1) {
            let known = s.enumerated().filter { $0.offset != hole }.reduce(1) { $0 * $1.element }
            guard known > 0, count % known == 0 else {
                throw TensorError("reshape", "cannot reshape \(shapeText(shape)) to \(shapeText(newShape))")
            }
            s[hole] = count / known
        }
        guard s.allSatisfy({ $0 >= 0 }), s.reduce(1, *) == count else {
            throw TensorError("reshape", "cannot reshape \(shapeText(shape)) (\(count) values) to \(shapeText(newShape))")
        }
        return Tensor.record(data, s, [self]) { res in self.addGrad(res.grad!) }
    }

    /// Reorders the axes: output axis i is input axis `order[i]`.
    public func permuted(_ order: [Int]) throws -> Tensor {
        guard order.count == rank, Set(order) == Set(0..<rank) else {
            throw TensorError("permute", "order \(order) is not a permutation of the axes of \(shapeText(shape))")
        }
        let outShape = order.map { shape[$0] }
        var inStrides = [Int](repeating: 1, count: rank)
        for i in stride(from: rank - 2, through: 0, by: -1) { inStrides[i] = inStrides[i + 1] * shape[i + 1] }
        let permStrides = order.map { inStrides[$0] }
        let map = Broadcast.gatherMap(outShape, strides: permStrides)
        let x = data
        let y = map.map { x[$0] }
        let n = count
        return Tensor.record(y, outShape, [self]) { res in
            let g = res.grad!
            var gx = [Float](repeating: 0, count: n)
            for i in 0..<n { gx[map[i]] = g[i] }
            self.addGrad(gx)
        }
    }

    /// Swaps two axes (materialised; `matmul` takes transpose flags instead where it can).
    public func transposed(_ a: Int = -2, _ b: Int = -1) throws -> Tensor {
        let i = try axisIndex("transpose", a), j = try axisIndex("transpose", b)
        var order = Array(0..<rank)
        order.swapAt(i, j)
        return try permuted(order)
    }

    /// Elements `start..<end` along `axis`.
    public func slice(axis: Int, _ range: Range<Int>) throws -> Tensor {
        let a = try axisIndex("slice", axis)
        guard range.lowerBound >= 0, range.upperBound <= shape[a] else {
            throw TensorError("slice", "range \(range) out of bounds for axis \(axis) of \(shapeText(shape))")
        }
        let (outer, len, inner) = split3(a)
        let w = range.count
        var outShape = shape
        outShape[a] = w
        let x = data
        var y = [Float]()
        y.reserveCapacity(outer * w * inner)
        for o in 0..<outer {
            let base = (o * len + range.lowerBound) * inner
            y.append(contentsOf: x[base..<(base + w * inner)])
        }
        return Tensor.record(y, outShape, [self]) { res in
            let g = res.grad!
            self.withGrad { gx in
                for o in 0..<outer {
                    let base = (o * len + range.lowerBound) * inner
                    for i in 0..<(w * inner) { gx[base + i] += g[o * w * inner + i] }
                }
            }
        }
    }

    /// Concatenates tensors along `axis`; all other extents must agree.
    public static func concat(_ tensors: [Tensor], axis: Int) throws -> Tensor {
        guard let first = tensors.first else { throw TensorError("concat", "no tensors given") }
        let a = try first.axisIndex("concat", axis)
        for t in tensors {
            var s1 = t.shape, s0 = first.shape
            guard s1.count == s0.count else {
                throw TensorError("concat", "shapes \(shapeText(s0)) and \(shapeText(s1)) differ in rank")
            }
            s1[a] = 0
            s0[a] = 0
            guard s1 == s0 else {
                throw TensorError("concat", "shapes \(shapeText(first.shape)) and \(shapeText(t.shape)) differ off axis \(axis)")
            }
        }
        let (outer, _, inner) = first.split3(a)
        let widths = tensors.map { $0.shape[a] }
        let total = widths.reduce(0, +)
        var outShape = first.shape
        outShape[a] = total
        var y = [Float]()
        y.reserveCapacity(outer * total * inner)
        for o in 0..<outer {
            for (t, w) in zip(tensors, widths) {
                y.append(contentsOf: t.data[(o * w * inner)..<((o + 1) * w * inner)])
            }
        }
        return Tensor.record(y, outShape, tensors) { res in
            let g = res.grad!
            var offset = 0
            for (t, w) in zip(tensors, widths) {
                if t.requiresGrad {
                    var gt = [Float]()
                    gt.reserveCapacity(outer * w * inner)
                    for o in 0..<outer {
                        let base = (o * total + offset) * inner
                        gt.append(contentsOf: g[base..<(base + w * inner)])
                    }
                    t.addGrad(gt)
                }
                offset += w
            }
        }
    }

    /// Splits along `axis` into pieces of the given sizes (which must add up to the extent).
    public func split(_ sizes: [Int], axis: Int) throws -> [Tensor] {
        let a = try axisIndex("split", axis)
        guard sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == shape[a] else {
            throw TensorError("split", "sizes \(sizes) do not add up to axis \(axis) of \(shapeText(shape))")
        }
        var start = 0
        return try sizes.map { w in
            defer { start += w }
            return try slice(axis: a, start..<(start + w))
        }
    }
}

extension Broadcast {
    /// For each flat output index of `shape`, the input offset given per-axis input `strides`.
    static func gatherMap(_ shape: [Int], strides: [Int]) -> [Int] {
        let total = shape.reduce(1, *)
        var map = [Int](repeating: 0, count: total)
        guard total > 0 else { return map }
        var idx = [Int](repeating: 0, count: shape.count)
        var offset = 0
        for flat in 0..<total {
            map[flat] = offset
            var axis = shape.count - 1
            while axis >= 0 {
                idx[axis] += 1
                offset += strides[axis]
                if idx[axis] < shape[axis] { break }
                offset -= strides[axis] * idx[axis]
                idx[axis] = 0
                axis -= 1
            }
        }
        return map
    }
}
