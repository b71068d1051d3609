import CBLAS
import Testing

@testable import Tensor

/// fewshot's GEMM gives the same bits on every kernel path and thread count, and those bits are
/// the order `CKernels/include/gemm.h` defines (checked against that order written out plainly).
@Suite struct GEMMTests {
    struct Shape: CustomStringConvertible, Sendable {
        var m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool
        var description: String { "\(m)x\(n)x\(k)\(transposeA ? " A^T" : "")\(transposeB ? " B^T" : "")" }
    }

    /// Odd, prime and block-crossing sizes (register tile 6 x 16, K blocks of 512, A blocks of
    /// 96 rows), each with every combination of transposes.
    static let shapes: [Shape] = [
        (1, 1, 1), (1, 17, 5), (5, 1, 3), (6, 16, 1), (7, 17, 13), (13, 31, 257), (121, 33, 7), (37, 250, 300),
        (64, 64, 64), (3, 97, 511), (1, 40, 19), (1, 9, 300), (1, 23, 8),
        (97, 19, 1031), (7, 33, 513),
    ].flatMap { m, n, k in
        [(false, false), (true, false), (false, true), (true, true)].map {
            Shape(m: m, n: n, k: k, transposeA: $0.0, transposeB: $0.1)
        }
    }

    /// Twenty more shapes drawn at random (sizes 1 to 300, any transposes), the same every run.
    static let randomShapes: [Shape] = {
        var rng = SeededRandom(seed: 18)
        return (0..<20).map { _ in
            Shape(
                m: 1 + rng.randint(300), n: 1 + rng.randint(300), k: 1 + rng.randint(300),
                transposeA: rng.randint(2) == 1, transposeB: rng.randint(2) == 1)
        }
    }()

    func uniform(_ count: Int, seed: UInt64) -> [Float] {
        var rng = SeededRandom(seed: seed)
        return rng.uniform(count: count, low: -1, high: 1)
    }

    /// The contract, written as plainly as possible: one fused multiply-add per k, in order.
    func reference(_ s: Shape, alpha: Float, _ a: [Float], _ b: [Float], _ c: [Float]) -> [Float] {
        var out = c
        for i in 0..<s.m {
            for j in 0..<s.n {
                var acc = c[i * s.n + j]
                for p in 0..<s.k {
                    let x = s.transposeA ? a[p * s.m + i] : a[i * s.k + p]
                    let y = s.transposeB ? b[j * s.k + p] : b[p * s.n + j]
                    acc = acc.addingProduct(alpha == 1 ? x : alpha * x, y)
                }
                out[i * s.n + j] = acc
            }
        }
        return out
    }

    func product(
        _ s: Shape, alpha: Float, beta: Float, _ a: [Float], _ b: [Float], _ c: [Float], path: KernelPath
    ) -> [Float] {
        var out = c
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { pc in
                    BLAS.sgemm(
                        transposeA: s.transposeA, transposeB: s.transposeB, m: s.m, n: s.n, k: s.k, alpha: alpha,
                        a: pa.baseAddress!, lda: s.transposeA ? s.m : s.k, b: pb.baseAddress!,
                        ldb: s.transposeB ? s.k : s.n, beta: beta, c: pc.baseAddress!, ldc: s.n, path: path)
                }
            }
        }
        return out
    }

    func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }

    @Test(arguments: shapes + randomShapes)
    func everyPathFollowsTheContract(_ s: Shape) {
        let a = uniform(s.m * s.k, seed: 1), b = uniform(s.k * s.n, seed: 2), c = uniform(s.m * s.n, seed: 3)
        for (alpha, beta) in [(Float(1), Float(0)), (1, 1), (0.125, 1), (0.3, 0)] {
            let expected = bits(reference(s, alpha: alpha, a, b, beta == 0 ? [Float](repeating: 0, count: c.count) : c))
            for path in KernelPath.available {
                let actual = bits(product(s, alpha: alpha, beta: beta, a, b, c, path: path))
                #expect(actual == expected, "\(path) alpha \(alpha) beta \(beta)")
            }
        }
    }

    /// A linear layer's product starts every row of C from the bias (C itself is never read).
    @Test(arguments: [
        Shape(m: 13, n: 37, k: 29, transposeA: false, transposeB: true),
        Shape(m: 98, n: 16, k: 600, transposeA: true, transposeB: false),
    ])
    func biasRowsStartTheChains(_ s: Shape) {
        let a = uniform(s.m * s.k, seed: 11), b = uniform(s.k * s.n, seed: 12), bias = uniform(s.n, seed: 13)
        let start = (0..<s.m).flatMap { _ in bias }
        let expected = bits(reference(s, alpha: 1, a, b, start))
        for path in KernelPath.available {
            var out = [Float](repeating: .nan, count: s.m * s.n)
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    bias.withUnsafeBufferPointer { pbias in
                        out.withUnsafeMutableBufferPointer { pc in
                            BLAS.sgemm(
                                transposeA: s.transposeA, transposeB: s.transposeB, m: s.m, n: s.n, k: s.k,
                                a: pa.baseAddress!, lda: s.transposeA ? s.m : s.k, b: pb.baseAddress!,
                                ldb: s.transposeB ? s.k : s.n, c: pc.baseAddress!, ldc: s.n, bias: pbias.baseAddress!,
                                path: path)
                        }
                    }
                }
            }
            #expect(bits(out) == expected, "\(path)")
        }
    }

    @Test func threadCountDoesNotChangeTheBits() {
        let s = Shape(m: 203, n: 190, k: 77, transposeA: false, transposeB: true)
        let a = uniform(s.m * s.k, seed: 4), b = uniform(s.k * s.n, seed: 5), c = uniform(s.m * s.n, seed: 6)
        let saved = Parallel.threadCount
        defer { Parallel.threadCount = saved }
        var results: [[UInt32]] = []
        for threads in [1, 2, 3, 4, 8] {
            Parallel.threadCount = threads
            results.append(bits(product(s, alpha: 1, beta: 1, a, b, c, path: .best)))
        }
        #expect(Set(results).count == 1)
    }

    @Test func agreesWithOpenBLASWithinRounding() {
        let s = Shape(m: 70, n: 90, k: 300, transposeA: false, transposeB: false)
        let a = uniform(s.m * s.k, seed: 7), b = uniform(s.k * s.n, seed: 8)
        let ours = product(s, alpha: 1, beta: 0, a, b, [Float](repeating: 0, count: s.m * s.n), path: .best)
        var theirs = [Float](repeating: 0, count: s.m * s.n)
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(s.m), Int32(s.n), Int32(s.k), 1, a, Int32(s.k), b,
            Int32(s.n), 0, &theirs, Int32(s.n))
        let worst = zip(ours, theirs).map { abs($0 - $1) }.max() ?? 0
        #expect(worst < 1e-4)
    }

    @Test func gemvIsAOneRowGEMM() {
        let rows = 37, cols = 53
        let a = uniform(rows * cols, seed: 9), x = uniform(max(rows, cols), seed: 10)
        for transpose in [false, true] {
            let (n, k) = transpose ? (cols, rows) : (rows, cols)
            var y = [Float](repeating: 0, count: n)
            a.withUnsafeBufferPointer { pa in
                x.withUnsafeBufferPointer { px in
                    BLAS.sgemv(
                        transpose: transpose, rows: rows, cols: cols, a: pa.baseAddress!, lda: cols,
                        x: px.baseAddress!, y: &y)
                }
            }
            let s = Shape(m: 1, n: n, k: k, transposeA: false, transposeB: !transpose)
            let expected = reference(s, alpha: 1, Array(x.prefix(k)), a, [Float](repeating: 0, count: n))
            #expect(bits(y) == bits(expected), "transpose \(transpose)")
        }
    }
}
