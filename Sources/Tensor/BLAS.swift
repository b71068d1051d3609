import CBLAS
import Foundation

/// The BLAS kernels fewshot uses, as plain Swift functions over raw buffers.
///
/// Everything above `Tensor` that needs a GEMM or GEMV calls through here, so only this
/// target imports the C shim. Matrices are row-major; transposes are passed to BLAS,
/// never materialised.
public enum BLAS {
    /// Threads OpenBLAS uses: `FEWSHOT_THREADS` if set, otherwise every core.
    public static var threadCount: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }

    /// Applies `FEWSHOT_THREADS` (default: all cores). Call once at start-up.
    public static func configureThreadsFromEnvironment() {
        let requested = ProcessInfo.processInfo.environment["FEWSHOT_THREADS"].flatMap(Int.init)
        threadCount = requested ?? ProcessInfo.processInfo.activeProcessorCount
    }

    /// `C = alpha * op(A) * op(B) + beta * C`, with op(A) of shape (m, k) and op(B) of shape (k, n).
    ///
    /// `lda`, `ldb`, `ldc` are the row strides of A, B and C as stored.
    public static func sgemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `y = alpha * op(A) * x + beta * y`, with A stored row-major as (rows, cols).
    public static func sgemv(
        transpose: Bool, rows: Int, cols: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, x: UnsafePointer<Float>,
        beta: Float = 0, y: UnsafeMutablePointer<Float>
    ) {
        cblas_sgemv(
            CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, Int32(rows), Int32(cols),
            alpha, a, Int32(lda), x, 1, beta, y, 1)
    }
}
