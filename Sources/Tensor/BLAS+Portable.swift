import CKernels

/// The portable GEMM: plain loops over rows, in the order `CKernels/include/gemm.h` defines,
/// for any CPU. It shares no code with the AVX2 kernel (no packing, no register tiles), so the
/// tests that compare the two check the contract, not one implementation against itself.
extension BLAS {
    /// Rows of C updated together (each row of op(B) is read once for all of them) and columns
    /// per pass (the rows of C stay in L1).
    private static let rowBlock = 8, columnBlock = 512

    /// `C (m x n, row stride ldc) += alpha op(A) op(B)`: for each element, one fused
    /// multiply-add per step of k, in order, starting from C's value. Each step adds
    /// `alpha * a[i][p]` times row p of op(B) into row i of C (`fewshot_axpy_fma`, one
    /// rounding per element), which sums every element in the same order as the tiles do.
    static func portableGEMM(
        _ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
        _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
        _ c: UnsafeMutablePointer<Float>, _ ldc: Int
    ) {
        guard m > 0, n > 0, k > 0 else { return }
        // op(B) as k rows of n, contiguous (B^T is copied once: copying is exact).
        var transposed: UnsafeMutablePointer<Float>? = nil
        if transposeB {
            let copy = UnsafeMutablePointer<Float>.allocate(capacity: k * n)
            for j in 0..<n {
                for p in 0..<k { copy[p * n + j] = b[j * ldb + p] }
            }
            transposed = copy
        }
        defer { transposed?.deallocate() }
        let rows = transposed.map { UnsafePointer($0) } ?? b
        let rowStride = transposeB ? n : ldb
        for j0 in stride(from: 0, to: n, by: columnBlock) {
            let width = min(columnBlock, n - j0)
            for i0 in stride(from: 0, to: m, by: rowBlock) {
                for p in 0..<k {
                    let bp = rows + p * rowStride + j0
                    for i in i0..<min(i0 + rowBlock, m) {
                        let stored = transposeA ? a[p * lda + i] : a[i * lda + p]
                        fewshot_axpy_fma(width, alpha == 1 ? stored : alpha * stored, bp, c + i * ldc + j0)
                    }
                }
            }
        }
    }
}
