/// Elementwise binary ops with broadcasting: add, sub, mul, div.
extension Tensor {
    /// Applies `f` to broadcast pairs; `da`/`db` give d f / d a and d f / d b at (a, b, out).
    @inline(__always)
    private func binary(
        _ op: String, _ other: Tensor, _ f: (Float, Float) -> Float,
        needsOut: Bool = false,
        da: @escaping (Float, Float, Float) -> Float, db: @escaping (Float, Float, Float) -> Float
    ) throws -> Tensor {
        let outShape = try Broadcast.shape(op, shape, other.shape)
        let mapA = Broadcast.indexMap(shape, to: outShape)
        let mapB = Broadcast.indexMap(other.shape, to: outShape)
        let n = outShape.reduce(1, *)
        let a = data, b = other.data
        let out = [Float](unsafeUninitializedCapacity: n) { buf, len in
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    switch (mapA, mapB) {
                    case (nil, nil): for i in 0..<n { buf[i] = f(pa[i], pb[i]) }
                    case (nil, let mb?): for i in 0..<n { buf[i] = f(pa[i], pb[mb[i]]) }
                    case (let ma?, nil): for i in 0..<n { buf[i] = f(pa[ma[i]], pb[i]) }
                    case (let ma?, let mb?): for i in 0..<n { buf[i] = f(pa[ma[i]], pb[mb[i]]) }
                    }
                }
            }
            len = n
        }
        let countA = count, countB = other.count
        return Tensor.record(out, outShape, [self, other]) { res in
            let g = res.grad!, y = res.data
            if self.requiresGrad {
                var ga = [Float](repeating: 0, count: n)
                for i in 0..<n {
                    let av = a[mapA?[i] ?? i], bv = b[mapB?[i] ?? i]
                    ga[i] = g[i] * da(av, bv, y[i])
                }
                self.addGrad(Broadcast.reduce(ga, map: mapA, inputCount: countA))
            }
            if other.requiresGrad {
                var gb = [Float](repeating: 0, count: n)
                for i in 0..<n {
                    let av = a[mapA?[i] ?? i], bv = b[mapB?[i] ?? i]
                    gb[i] = g[i] * db(av, bv, y[i])
                }
                other.addGrad(Broadcast.reduce(gb, map: mapB, inputCount: countB))
            }
        }
    }

    /// `self + other`, broadcasting.
    public func add(_ other: Tensor) throws -> Tensor {
        if shape == other.shape { return try addSameShape(other) }
        if other.rank < rank, other.count > 0, Array(shape.suffix(other.rank)) == other.shape {
            return addRows(other)
        }
        return try binary("add", other, +, da: { _, _, _ in 1 }, db: { _, _, _ in 1 })
    }

    /// `self - other`, broadcasting.
    public func sub(_ other: Tensor) throws -> Tensor {
        try binary("sub", other, -, da: { _, _, _ in 1 }, db: { _, _, _ in -1 })
    }

    /// `self * other` elementwise, broadcasting.
    public func mul(_ other: Tensor) throws -> Tensor {
        try binary("mul", other, *, da: { _, b, _ in b }, db: { a, _, _ in a })
    }

    /// `self / other` elementwise, broadcasting.
    public func div(_ other: Tensor) throws -> Tensor {
        try binary("div", other, /, da: { _, b, _ in 1 / b }, db: { a, b, _ in -a / (b * b) })
    }

    /// Same-shape addition (the residual path): no index maps, gradients passed straight through.
    private func addSameShape(_ other: Tensor) throws -> Tensor {
        let n = count
        let a = data, b = other.data
        let out = [Float](unsafeUninitializedCapacity: n) { buf, len in
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    let (x, y, z) = (pa.baseAddress!, pb.baseAddress!, buf.baseAddress!)
                    Parallel.forRange(n) { s, e in for i in s..<e { z[i] = x[i] + y[i] } }
                }
            }
            len = n
        }
        return Tensor.record(out, shape, [self, other]) { res in
            self.addGrad(res.grad!)
            other.addGrad(res.grad!)
        }
    }

    /// `self + other` where other's shape is a suffix of self's (token plus position
    /// embeddings): other is added to every row, and its gradient is the sum over rows.
    private func addRows(_ other: Tensor) -> Tensor {
        let n = count, width = other.count
        let a = data, b = other.data
        let out = [Float](unsafeUninitializedCapacity: n) { buf, len in
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    let (x, y, z) = (pa.baseAddress!, pb.baseAddress!, buf.baseAddress!)
                    Parallel.forRange(n / width, grain: Swift.max(1, 16_384 / width)) { s, e in
                        for r in s..<e {
                            for j in 0..<width { z[r * width + j] = x[r * width + j] + y[j] }
                        }
                    }
                }
            }
            len = n
        }
        return Tensor.record(out, shape, [self, other]) { res in
            let g = res.grad!
            self.addGrad(g)
            guard other.requiresGrad else { return }
            var sum = [Float](repeating: 0, count: width)
            g.withUnsafeBufferPointer { pg in
                sum.withUnsafeMutableBufferPointer { ps in
                    Parallel.forRange(width, grain: Swift.max(16, 65_536 / Swift.max(n / width, 1))) { s, e in
                        sumRows(pg.baseAddress! + s, rows: n / width, stride: width, count: e - s, into: ps.baseAddress! + s)
                    }
                }
            }
            other.addGrad(sum)
        }
    }

    /// `-self`.
    public func neg() -> Tensor { scaled(-1) }

    /// `self * s` for a constant `s`.
    public func scaled(_ s: Float) -> Tensor {
        let out = data.map { $0 * s }
        return Tensor.record(out, shape, [self]) { res in
            self.addGrad(res.grad!.map { $0 * s })
        }
    }

    /// `self + s` for a constant `s`.
    public func shifted(_ s: Float) -> Tensor {
        Tensor.record(data.map { $0 + s }, shape, [self]) { res in
            self.addGrad(res.grad!)
        }
    }
}

/// Broadcasting addition; throws on incompatible shapes.
public func + (a: Tensor, b: Tensor) throws -> Tensor { try a.add(b) }
/// Broadcasting subtraction; throws on incompatible shapes.
public func - (a: Tensor, b: Tensor) throws -> Tensor { try a.sub(b) }
/// Broadcasting elementwise product; throws on incompatible shapes.
public func * (a: Tensor, b: Tensor) throws -> Tensor { try a.mul(b) }
/// Broadcasting elementwise quotient; throws on incompatible shapes.
public func / (a: Tensor, b: Tensor) throws -> Tensor { try a.div(b) }
/// Negation.
public prefix func - (a: Tensor) -> Tensor { a.neg() }
/// Scaling by a constant.
public func * (a: Tensor, s: Float) -> Tensor { a.scaled(s) }
