import CKernels
import Dispatch
import Foundation

/// fewshot's matrix products (BLAS's `sgemm` and `sgemv`), as plain Swift functions over raw
/// buffers, computed by its own kernels (`CKernels/gemm.c` and `BLAS+Portable.swift`).
///
/// Every value is summed in one fixed order (`CKernels/include/gemm.h`), whatever the CPU,
/// its vector width, the kernel path or the thread count, so a product gives the same bits on
/// every machine. Matrices are row-major; transposes are read in place, never materialised.
public enum BLAS {
    /// How many threads one GEMM is split over: the output is cut into row (or column)
    /// blocks, one per worker, and no sum is ever split.
    public static var threadCount: Int {
        get { splitWidth }
        set { splitWidth = max(1, newValue) }
    }

    nonisolated(unsafe) private static var splitWidth = 1

    /// Applies `FEWSHOT_THREADS` (default: all cores). Call once at start-up.
    public static func configureThreadsFromEnvironment() {
        let requested = ProcessInfo.processInfo.environment["FEWSHOT_THREADS"].flatMap(Int.init)
        threadCount = requested ?? ProcessInfo.processInfo.activeProcessorCount
    }

    /// `C = alpha * op(A) * op(B) + beta * C`, with op(A) of shape (m, k) and op(B) of shape (k, n).
    ///
    /// `lda`, `ldb`, `ldc` are the row strides of A, B and C as stored. Large products are
    /// split into `threadCount` blocks of C's rows (or columns, when C is wide), each one
    /// computed on one thread; every element is still summed in the same order.
    ///
    /// With `bias` (n values), every row of C starts from it instead of `beta * C` (a linear
    /// layer's bias add): the AVX2 tiles start their sums from it, so C is only written.
    /// `alpha` scales A's values before they are multiplied (`CKernels/include/gemm.h`).
    public static func sgemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int, bias: UnsafePointer<Float>? = nil
    ) {
        sgemm(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
            b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, bias: bias, path: .best)
    }

    /// `sgemm` on the given kernel path (tests compare the paths).
    static func sgemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int, bias: UnsafePointer<Float>? = nil, path: KernelPath
    ) {
        sgemm(
            concurrently: [
                Product(
                    transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                    a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, bias: bias, path: path)
            ])
    }

    /// Runs independent products (distinct outputs) in one parallel region, with the threads
    /// shared among them in proportion to their work, and then `alongside`, if given, as one
    /// more task of the same region.
    ///
    /// A linear layer's backward has two GEMMs of equal work (dX and dW): on two threads each
    /// runs whole on its own thread, instead of each being split in half across both. That is
    /// one wake-up instead of two, and no operand is packed twice (every block of a split GEMM
    /// packs the shared operand again).
    static func sgemm(concurrently products: [Product], alongside extra: (() -> Void)? = nil) {
        let work = products.reduce(0) { $0 + $1.work }
        guard splitWidth > 1, work >= minimumSplitWork else {
            for product in products { product.run() }
            extra?()
            return
        }
        let blocks = products.flatMap { product in
            product.split(into: max(1, Int((Double(splitWidth * product.work) / Double(work)).rounded())))
        }
        let tasks = blocks.count + (extra == nil ? 0 : 1)
        Parallel.perform(tasks) { i in
            if i < blocks.count { blocks[i].run() } else { extra?() }
        }
    }

    /// The arguments of one `sgemm` call, so that it can be split or run beside others.
    struct Product {
        var transposeA: Bool, transposeB: Bool
        var m: Int, n: Int, k: Int
        var alpha: Float = 1
        var a: UnsafePointer<Float>, lda: Int
        var b: UnsafePointer<Float>, ldb: Int
        var beta: Float = 0
        var c: UnsafeMutablePointer<Float>, ldc: Int
        var bias: UnsafePointer<Float>? = nil
        /// Whether exact GELU (`GELUErfKernel`) then replaces each value of C: on the AVX2 path
        /// tile by tile, while the tile is in cache; the bits of the product, then the GELU.
        var geluErf = false

        /// Multiply-adds.
        var work: Int { m * n * k }

        /// At most `parts` products over disjoint blocks of C's rows (or columns, when C is
        /// wide), each a multiple of 16 long; every element is still summed in the same order.
        func split(into parts: Int) -> [Product] {
            let parts = min(parts, max(m, n) / 16)
            guard parts > 1 else { return [self] }
            let byRows = m >= n
            let span = byRows ? m : n
            let block = ((span + parts - 1) / parts + 15) / 16 * 16
            return stride(from: 0, to: span, by: block).map { start in
                var part = self
                let size = min(block, span - start)
                if byRows {
                    part.m = size
                    part.a = transposeA ? a + start : a + start * lda
                    part.c = c + start * ldc
                } else {
                    part.n = size
                    part.b = transposeB ? b + start * ldb : b + start
                    part.c = c + start
                    part.bias = bias.map { $0 + start }
                }
                return part
            }
        }

        /// Which implementation computes it (all give the same bits).
        var path: KernelPath = .best

        /// Computes this product on the calling thread.
        func run() {
            BLAS.gemm(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias, path, geluErf)
            if geluErf && !(path == .avx2 && BLAS.runsTiles(m: m, transposeA: transposeA, beta: beta, bias: bias)) {
                for r in 0..<m { GELUErfKernel.forward(c + r * ldc, c + r * ldc, cdf: nil, n, path: path) }
            }
        }
    }

    /// Below this many multiply-adds a GEMM runs on one thread: waking a second costs more.
    static let minimumSplitWork = 1 << 18

    /// One GEMM on the calling thread, on `path`: C is first set to `bias` rows, zeros
    /// (beta 0) or `beta * C`, and then `alpha op(A) op(B)` is accumulated into it in the
    /// order `CKernels/include/gemm.h` defines, the same on every path.
    fileprivate static func gemm(
        _ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
        _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
        _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ bias: UnsafePointer<Float>?, _ path: KernelPath,
        _ geluErf: Bool = false
    ) {
        if path == .avx2 && runsTiles(m: m, transposeA: transposeA, beta: beta, bias: bias) {
            // The tiles start from the bias (or zeros) themselves: C is written once, never read.
            let product = geluErf ? fewshot_sgemm_avx2_gelu_erf : fewshot_sgemm_avx2
            if let bias {
                product(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, c, ldc, bias)
            } else {
                let zeros = [Float](repeating: 0, count: n)
                product(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, c, ldc, zeros)
            }
            return
        }
        if let bias {
            for r in 0..<m { (c + r * ldc).update(from: bias, count: n) }
        } else if beta == 0 {
            if ldc == n {
                c.update(repeating: 0, count: m * n)
            } else {
                for r in 0..<m { (c + r * ldc).update(repeating: 0, count: n) }
            }
        } else if beta != 1 {
            for r in 0..<m {
                for j in 0..<n { c[r * ldc + j] *= beta }
            }
        }
        switch path {
        case .avx2 where m == 1 && !transposeA:
            // One row (a GEMV: decoding): stream B once instead of packing it.
            fewshot_sgemv_avx2(transposeB ? 1 : 0, n, k, alpha, a, b, ldb, c)
        case .avx2:
            fewshot_sgemm_avx2(
                transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, c, ldc, nil)
        case .portable:
            portableGEMM(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, c, ldc)
        }
    }

    /// Whether an AVX2 GEMM runs as tiles that start from the bias or zeros (and can apply GELU
    /// to each finished tile), rather than as a GEMV or a product added into C.
    fileprivate static func runsTiles(m: Int, transposeA: Bool, beta: Float, bias: UnsafePointer<Float>?) -> Bool {
        (m > 1 || transposeA) && (bias != nil || beta == 0)
    }

    /// `y = alpha * op(A) * x + beta * y`, with A stored row-major as (rows, cols): a GEMM of
    /// one row (`y^T = x^T op(A)^T`), so each value is summed in the same order as in `sgemm`.
    public static func sgemv(
        transpose: Bool, rows: Int, cols: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, x: UnsafePointer<Float>,
        beta: Float = 0, y: UnsafeMutablePointer<Float>
    ) {
        let (n, k) = transpose ? (cols, rows) : (rows, cols)
        sgemm(
            transposeA: false, transposeB: !transpose, m: 1, n: n, k: k, alpha: alpha,
            a: x, lda: k, b: a, ldb: lda, beta: beta, c: y, ldc: n)
    }
}
