/// Matrix products through `cblas_sgemm`: transposes are passed to BLAS, never materialised.
extension Tensor {
    /// `op(self) x op(other)` where op transposes the last two axes when asked.
    ///
    /// Shapes: self `[..., M, K]` (or `[..., K, M]` with `transposeA`), other `[K, N]`
    /// (or `[N, K]` with `transposeB`), or both batched with equal leading axes.
    /// Result `[..., M, N]`.
    ///
    /// ```swift
    /// let y = try x.matmul(w)                    // [B, T, C] x [C, D] -> [B, T, D]
    /// let s = try q.matmul(k, transposeB: true)  // [B, T, hs] x [B, T, hs]^T -> [B, T, T]
    /// ```
    public func matmul(_ other: Tensor, transposeA: Bool = false, transposeB: Bool = false) throws -> Tensor {
        guard rank >= 2, other.rank >= 2 else {
            throw TensorError("matmul", "\(shapeText(shape)) x \(shapeText(other.shape)): both need at least 2 axes")
        }
        let (ar, ac) = (shape[rank - 2], shape[rank - 1])
        let (br, bc) = (other.shape[other.rank - 2], other.shape[other.rank - 1])
        let (m, k) = transposeA ? (ac, ar) : (ar, ac)
        let (k2, n) = transposeB ? (bc, br) : (br, bc)
        guard k == k2 else {
            throw TensorError("matmul", "\(shapeText(shape)) x \(shapeText(other.shape)): inner dimensions \(k) and \(k2) differ")
        }
        let batchA = Array(shape.dropLast(2))
        let batchB = Array(other.shape.dropLast(2))
        guard batchB.isEmpty || batchA == batchB else {
            throw TensorError(
                "matmul",
                "\(shapeText(shape)) x \(shapeText(other.shape)): batch axes \(shapeText(batchA)) and \(shapeText(batchB)) differ"
            )
        }
        _ = Parallel.threadCount
        let batch = batchA.reduce(1, *)
        // A plain [..., M, K] x [K, N] is one GEMM over all rows.
        let rows = (!transposeA && batchB.isEmpty) ? batch * m : m
        let loops = (!transposeA && batchB.isEmpty) ? 1 : batch
        let strideA = batchB.isEmpty && !transposeA ? 0 : m * k
        let strideB = batchB.isEmpty ? 0 : k * n
        let lda = transposeA ? m : k, ldb = transposeB ? k : n
        let a = data, b = other.data
        // Every value is written by a beta = 0 GEMM (which never reads C), so skip zero-filling.
        var y = [Float](unsafeUninitializedCapacity: batch * m * n) { _, len in len = batch * m * n }
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                y.withUnsafeMutableBufferPointer { py in
                    for i in 0..<loops {
                        BLAS.sgemm(
                            transposeA: transposeA, transposeB: transposeB, m: rows, n: n, k: k,
                            a: pa.baseAddress! + i * strideA, lda: lda, b: pb.baseAddress! + i * strideB, ldb: ldb,
                            c: py.baseAddress! + i * rows * n, ldc: n)
                    }
                }
            }
        }
        return Tensor.record(y, batchA + [m, n], [self, other]) { res in
            res.grad!.withUnsafeBufferPointer { pg in
                a.withUnsafeBufferPointer { pa in
                    b.withUnsafeBufferPointer { pb in
                        let dc = pg.baseAddress!, pa = pa.baseAddress!, pb = pb.baseAddress!
                        // Batch i's product into this input's gradient.
                        func inputProduct(_ i: Int, _ ga: UnsafeMutablePointer<Float>, _ beta: Float) -> BLAS.Product {
                            let gc = dc + i * rows * n, pb = pb + i * strideB
                            return transposeA
                                // dA stored (K, M) = op(B) (K, N) x dC^T
                                ? BLAS.Product(
                                    transposeA: transposeB, transposeB: true, m: k, n: m, k: n,
                                    a: pb, lda: ldb, b: gc, ldb: n, beta: beta, c: ga + i * strideA, ldc: m)
                                // dA (M, K) = dC (M, N) x op(B)^T
                                : BLAS.Product(
                                    transposeA: false, transposeB: !transposeB, m: rows, n: k, k: n,
                                    a: gc, lda: n, b: pb, ldb: ldb, beta: beta, c: ga + i * strideA, ldc: k)
                        }
                        func otherProduct(_ i: Int, _ gb: UnsafeMutablePointer<Float>, _ beta: Float) -> BLAS.Product {
                            let gc = dc + i * rows * n, pa = pa + i * strideA
                            return transposeB
                                // dB stored (N, K) = dC^T (N, M) x op(A) (M, K)
                                ? BLAS.Product(
                                    transposeA: true, transposeB: transposeA, m: n, n: k, k: rows,
                                    a: gc, lda: n, b: pa, ldb: lda, beta: beta, c: gb + i * strideB, ldc: k)
                                // dB (K, N) = op(A)^T (K, M) x dC (M, N)
                                : BLAS.Product(
                                    transposeA: !transposeA, transposeB: false, m: k, n: n, k: rows,
                                    a: pa, lda: lda, b: gc, ldb: n, beta: beta, c: gb + i * strideB, ldc: n)
                        }
                        if loops == 1 {
                            Tensor.runGradientProducts(
                                [
                                    (self, { inputProduct(0, $0, $1 ? 1 : 0) }),
                                    (other, { otherProduct(0, $0, $1 ? 1 : 0) }),
                                ], distinct: self !== other)
                            return
                        }
                        // Batched: one product per batch entry; a gradient shared by every entry
                        // (stride 0) is written by the first and added to by the rest.
                        for (input, stride, product) in [(self, strideA, inputProduct), (other, strideB, otherProduct)] {
                            input.updateGrad { grad, accumulate in
                                for i in 0..<loops {
                                    let beta: Float = accumulate || (stride == 0 && i > 0) ? 1 : 0
                                    BLAS.sgemm(concurrently: [product(i, grad, beta)])
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// `linear(weight:bias:)` then `geluErf()`, the same bits. Off the tape (under `noGrad`, or
    /// when nothing needs a gradient) the GELU runs on each tile of the product while it is
    /// still in cache, and no `Phi` is kept; otherwise it is the two ops, recorded.
    ///
    /// ```swift
    /// let h = try noGrad { try a.linearGeluErf(weight: w1, bias: b1) }  // (N, I)
    /// ```
    public func linearGeluErf(weight: Tensor, bias: Tensor?) throws -> Tensor {
        let parents = [self, weight] + (bias.map { [$0] } ?? [])
        guard !GradMode.isEnabled || !parents.contains(where: \.requiresGrad) else {
            return try linear(weight: weight, bias: bias).geluErf()
        }
        try checkAffine(weight: weight, bias: bias)
        return Tensor(
            unchecked: affine(weight: weight, bias: bias, geluErf: true), shape: Array(shape.dropLast()) + [weight.shape[1]])
    }

    /// Throws unless self `[..., In]`, weight `[In, Out]` and bias `[Out]` (or nil) fit.
    private func checkAffine(weight: Tensor, bias: Tensor?) throws {
        guard rank >= 1, weight.rank == 2, shape[rank - 1] == weight.shape[0] else {
            throw TensorError("linear", "input \(shapeText(shape)) x weight \(shapeText(weight.shape)): inner dimensions differ")
        }
        if let bias, bias.shape != [weight.shape[1]] {
            throw TensorError("linear", "bias \(shapeText(bias.shape)) does not match weight \(shapeText(weight.shape))")
        }
    }

    /// `self x weight + bias` over the last axis as a flat array (shapes already checked), with
    /// exact GELU applied to every value when `geluErf`.
    private func affine(weight: Tensor, bias: Tensor?, geluErf: Bool) -> [Float] {
        _ = Parallel.threadCount
        let inF = weight.shape[0], outF = weight.shape[1]
        let rows = count / Swift.max(inF, 1)
        let x = data, w = weight.data
        // Every value is written: each block of rows starts from the bias (or from zero).
        var y = [Float](unsafeUninitializedCapacity: rows * outF) { _, len in len = rows * outF }
        x.withUnsafeBufferPointer { px in
            w.withUnsafeBufferPointer { pw in
                y.withUnsafeMutableBufferPointer { py in
                    withOptionalPointer(bias?.data) { pb in
                        BLAS.sgemm(
                            concurrently: [
                                BLAS.Product(
                                    transposeA: false, transposeB: false, m: rows, n: outF, k: inF,
                                    a: px.baseAddress!, lda: inF, b: pw.baseAddress!, ldb: outF,
                                    beta: 0, c: py.baseAddress!, ldc: outF, bias: pb, geluErf: geluErf)
                            ])
                    }
                }
            }
        }
        return y
    }

    /// Fused affine map `self x weight + bias` over the last axis.
    ///
    /// Shapes: self `[..., In]`, weight `[In, Out]` (GPT-2's Conv1D layout), bias `[Out]`.
    /// Result `[..., Out]`.
    public func linear(weight: Tensor, bias: Tensor?) throws -> Tensor {
        try checkAffine(weight: weight, bias: bias)
        let inF = weight.shape[0], outF = weight.shape[1]
        let rows = count / Swift.max(inF, 1)
        let x = data, w = weight.data
        let y = affine(weight: weight, bias: bias, geluErf: false)
        let parents = bias.map { [self, weight, $0] } ?? [self, weight]
        return Tensor.record(y, Array(shape.dropLast()) + [outF], parents) { res in
            let g = res.grad!
            g.withUnsafeBufferPointer { pg in
                w.withUnsafeBufferPointer { pw in
                    x.withUnsafeBufferPointer { px in
                        let dy = pg.baseAddress!
                        // dX (rows, In) = dY (rows, Out) x W^T
                        let inputGradient: GradientProduct = (
                            self,
                            { gx, accumulate in
                                BLAS.Product(
                                    transposeA: false, transposeB: true, m: rows, n: inF, k: outF,
                                    a: dy, lda: outF, b: pw.baseAddress!, ldb: outF, beta: accumulate ? 1 : 0, c: gx,
                                    ldc: inF)
                            }
                        )
                        // dW (In, Out) = X^T x dY
                        let weightGradient: GradientProduct = (
                            weight,
                            { gw, accumulate in
                                BLAS.Product(
                                    transposeA: true, transposeB: false, m: inF, n: outF, k: rows,
                                    a: px.baseAddress!, lda: inF, b: dy, ldb: outF, beta: accumulate ? 1 : 0, c: gw,
                                    ldc: outF)
                            }
                        )
                        // dBias: column sums of dY, rows in order (one task beside the products).
                        let biasGradient = bias.flatMap { bias in
                            bias.requiresGrad
                                ? { bias.withGrad { gb in sumRows(dy, rows: rows, stride: outF, count: outF, into: gb) } }
                                : nil
                        }
                        Tensor.runGradientProducts(
                            [inputGradient, weightGradient],
                            distinct: Set(parents.map(ObjectIdentifier.init)).count == parents.count,
                            alongside: biasGradient)
                    }
                }
            }
        }
    }
}

/// `sum[j] += rows[r * stride + j]` for `j < count`, rows in order: row by row, 8 columns at a
/// time (`sum` stays in cache; every column is still summed exactly as a scalar loop would).
func sumRows(
    _ rows: UnsafePointer<Float>, rows count: Int, stride: Int, count width: Int, into sum: UnsafeMutablePointer<Float>
) {
    let body = width / 8 * 8
    for r in 0..<count {
        let row = rows + r * stride
        var j = 0
        while j < body {
            let acc =
                UnsafeRawPointer(sum + j).loadUnaligned(as: SIMD8<Float>.self)
                + UnsafeRawPointer(row + j).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(sum + j).storeBytes(of: acc, as: SIMD8<Float>.self)
            j += 8
        }
        for j in body..<width { sum[j] += row[j] }
    }
}
