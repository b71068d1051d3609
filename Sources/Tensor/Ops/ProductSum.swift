/// Two matrix products summed into one output, as a single op.
extension Tensor {
    /// `a1 b1^T + a2 b2^T`: a weight plus a low-rank update (LoRA's `x W^T + (x A^T) B^T`)
    /// without keeping the two partial products on the tape, which would triple the memory of
    /// every adapted projection's output.
    ///
    /// Shapes: a1 `[..., K1]`, b1 `[N, K1]`, a2 `[..., K2]` (the same leading axes), b2 `[N, K2]`.
    /// Result `[..., N]`.
    ///
    /// ```swift
    /// let low = try x.matmul(a, transposeB: true)                  // [B, T, r]
    /// let y = try Tensor.productSum(x, weight, low, b)             // [B, T, out]
    /// ```
    public static func productSum(_ a1: Tensor, _ b1: Tensor, _ a2: Tensor, _ b2: Tensor) throws -> Tensor {
        guard a1.rank >= 1, a2.rank == a1.rank, b1.rank == 2, b2.rank == 2,
            a1.shape.dropLast() == a2.shape.dropLast(), a1.shape.last == b1.shape[1], a2.shape.last == b2.shape[1],
            b1.shape[0] == b2.shape[0]
        else {
            throw TensorError(
                "productSum",
                "\(shapeText(a1.shape)) x \(shapeText(b1.shape))^T + \(shapeText(a2.shape)) x \(shapeText(b2.shape))^T: shapes do not fit"
            )
        }
        _ = Parallel.threadCount
        let k1 = b1.shape[1], k2 = b2.shape[1], n = b1.shape[0]
        let rows = a1.count / Swift.max(k1, 1)
        let x1 = a1.data, w1 = b1.data, x2 = a2.data, w2 = b2.data
        var y = [Float](unsafeUninitializedCapacity: rows * n) { _, len in len = rows * n }
        y.withUnsafeMutableBufferPointer { py in
            // The first GEMM (beta = 0) writes every value; the second adds into them.
            for (x, w, k, beta) in [(x1, w1, k1, Float(0)), (x2, w2, k2, 1)] {
                x.withUnsafeBufferPointer { px in
                    w.withUnsafeBufferPointer { pw in
                        BLAS.sgemm(
                            transposeA: false, transposeB: true, m: rows, n: n, k: k,
                            a: px.baseAddress!, lda: k, b: pw.baseAddress!, ldb: k, beta: beta, c: py.baseAddress!, ldc: n)
                    }
                }
            }
        }
        return record(y, Array(a1.shape.dropLast()) + [n], [a1, b1, a2, b2]) { out in
            out.grad!.withUnsafeBufferPointer { pg in
                let g = pg.baseAddress!
                for (a, b, x, w, k) in [(a1, b1, x1, w1, k1), (a2, b2, x2, w2, k2)] {
                    if a.requiresGrad {
                        // dA (rows, K) += dY (rows, N) x B (N, K)
                        w.withUnsafeBufferPointer { pw in
                            a.withGrad { ga in
                                BLAS.sgemm(
                                    transposeA: false, transposeB: false, m: rows, n: k, k: n,
                                    a: g, lda: n, b: pw.baseAddress!, ldb: k, beta: 1, c: ga, ldc: k)
                            }
                        }
                    }
                    if b.requiresGrad {
                        // dB (N, K) += dY^T (N, rows) x A (rows, K)
                        x.withUnsafeBufferPointer { px in
                            b.withGrad { gb in
                                BLAS.sgemm(
                                    transposeA: true, transposeB: false, m: n, n: k, k: rows,
                                    a: g, lda: n, b: px.baseAddress!, ldb: k, beta: 1, c: gb, ldc: k)
                            }
                        }
                    }
                }
            }
        }
    }
}
