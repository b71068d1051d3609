import CBLAS
import Dispatch
import Foundation

/// The BLAS kernels fewshot uses, as plain Swift functions over raw buffers.
///
/// Everything above `Tensor` that needs a GEMM or GEMV calls through here, so only this
/// target imports the C shim. Matrices are row-major; transposes are passed to BLAS,
/// never materialised.
public enum BLAS {
    /// How many threads one GEMM is split over. OpenBLAS itself always runs on the calling
    /// thread: its own pool spins between calls and fights our parallel loops for the cores,
    /// so we split the output into row (or column) blocks and give each worker one block.
    public static var threadCount: Int {
        get { splitWidth }
        set {
            splitWidth = max(1, newValue)
            openblas_set_num_threads(1)
        }
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
    /// computed by a single-threaded GEMM; every element is still summed in the same order.
    ///
    /// With `bias` (n values), every row of C starts from it instead of `beta * C`: each block
    /// is filled just before its product, on its worker (a linear layer's bias add).
    public static func sgemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int, bias: UnsafePointer<Float>? = nil
    ) {
        sgemm(
            concurrently: [
                Product(
                    transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                    a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, bias: bias)
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

        /// Computes this product on the calling thread.
        func run() {
            BLAS.gemm(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias)
        }
    }

    /// Below this many multiply-adds a GEMM runs on one thread: waking a second costs more.
    static let minimumSplitWork = 1 << 18

    fileprivate static func gemm(
        _ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
        _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
        _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ bias: UnsafePointer<Float>?
    ) {
        var beta = beta
        if let bias {
            for r in 0..<m { (c + r * ldc).update(from: bias, count: n) }
            beta = 1
        } else if beta == 0 {
            // OpenBLAS clears C for beta 0 in a separate scalar pass, several times slower
            // than memset: clear it here (C may be uninitialised) and accumulate into it.
            if ldc == n {
                c.update(repeating: 0, count: m * n)
            } else {
                for r in 0..<m { (c + r * ldc).update(repeating: 0, count: n) }
            }
            beta = 1
        }
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `y = alpha * op(A) * x + beta * y`, with A stored row-major as (rows, cols).
    ///
    /// One GEMV is too short to hand to our workers (waking them costs more than it saves), so
    /// it runs on OpenBLAS's own threads, whose spinning makes their wake-up quick.
    public static func sgemv(
        transpose: Bool, rows: Int, cols: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, x: UnsafePointer<Float>,
        beta: Float = 0, y: UnsafeMutablePointer<Float>
    ) {
        openblas_set_num_threads(Int32(splitWidth))
        defer { openblas_set_num_threads(1) }
        cblas_sgemv(
            CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, Int32(rows), Int32(cols),
            alpha, a, Int32(lda), x, 1, beta, y, 1)
    }
}
