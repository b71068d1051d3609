import CKernels
import Foundation

/// The softmax of one row (attention, softmax, cross-entropy), on either `KernelPath`.
enum SoftmaxKernel {
    /// `y = softmax(x)` over `n > 0` values, shifted by the maximum; `y` may be `x`.
    /// Returns `log(sum(exp(x)))`.
    @inline(__always)
    @discardableResult
    static func row(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int, path: KernelPath = .best
    ) -> Float {
        if path == .avx2 { return fewshot_softmax(x, y, n) }
        var m = -Float.infinity
        for j in 0..<n { m = max(m, x[j]) }
        var s: Float = 0
        for j in 0..<n {
            let e = Foundation.exp(x[j] - m)
            y[j] = e
            s += e
        }
        let inv = 1 / s
        for j in 0..<n { y[j] *= inv }
        return m + Foundation.log(s)
    }
}
