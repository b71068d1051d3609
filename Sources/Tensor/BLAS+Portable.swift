/// The portable GEMM: plain Swift for any CPU, in the order `CKernels/include/gemm.h` defines.
extension BLAS {
    /// `C (m x n, row stride ldc) += alpha op(A) op(B)`: for each element, one fused
    /// multiply-add per step of k, in order, starting from C's value (`Float.addingProduct`
    /// rounds once, as the AVX2 kernel's `vfmadd` does). Each row of C is updated by whole
    /// rows of op(B), which sums every element in the same order as the register tiles do.
    static func portableGEMM(
        _ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
        _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
        _ c: UnsafeMutablePointer<Float>, _ ldc: Int
    ) {
        for i in 0..<m {
            let row = c + i * ldc
            for p in 0..<k {
                let stored = transposeA ? a[p * lda + i] : a[i * lda + p]
                let scaled = alpha == 1 ? stored : alpha * stored
                if transposeB {
                    for j in 0..<n { row[j] = row[j].addingProduct(scaled, b[j * ldb + p]) }
                } else {
                    let bp = b + p * ldb
                    for j in 0..<n { row[j] = row[j].addingProduct(scaled, bp[j]) }
                }
            }
        }
    }
}
