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
        let workers = m * n * k >= minimumSplitWork ? min(splitWidth, max(m, n) / 16) : 1
        guard workers > 1 else {
            gemm(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias)
            return
        }
        let byRows = m >= n
        let span = byRows ? m : n
        let block = ((span + workers - 1) / workers + 15) / 16 * 16
        Parallel.perform((span + block - 1) / block) { w in
            let start = w * block, size = min(block, span - start)
            if byRows {
                gemm(
                    transposeA, transposeB, size, n, k, alpha, transposeA ? a + start : a + start * lda, lda,
                    b, ldb, beta, c + start * ldc, ldc, bias)
            } else {
                gemm(
                    transposeA, transposeB, m, size, k, alpha, a, lda,
                    transposeB ? b + start * ldb : b + start, ldb, beta, c + start, ldc, bias.map { $0 + start })
            }
        }
    }

    /// Below this many multiply-adds a GEMM runs on one thread: waking a second costs more.
    static let minimumSplitWork = 1 << 18

    private static func gemm(
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
