import CKernels
import PortableMath

/// The softmax of one row (attention, softmax, cross-entropy), on either `KernelPath`, with
/// bit-identical results.
///
/// The formula, fixed once for both paths: `m` = the 16-lane maximum of x (`LaneMax16`);
/// `e[j] = exp(x[j] - m)` (`Reproducible.exp`); `s` = the 16-lane sum of e (`LaneSum16`);
/// `y[j] = e[j] * (1 / s)`; the result is `m + log(s)` (`Reproducible.log`).
enum SoftmaxKernel {
    /// `y = softmax(x)` over `n > 0` values, shifted by the maximum; `y` may be `x`.
    /// Returns `log(sum(exp(x)))`.
    @inline(__always)
    @discardableResult
    static func row(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int, path: KernelPath = .best
    ) -> Float {
        if path == .avx2 { return fewshot_softmax(x, y, n) }
        let m = LaneSum.maximum(x, n)
        var sum = LaneSum16()
        var j = 0
        while j < n {
            let count = n - j
            var e = Reproducible.exp(loadLanes(x + j, count: count) - m)
            storeLanes(e, y + j, count: count)
            if count < 8 { for l in count..<8 { e[l] = 0 } }
            sum.add(e, at: j)
            j += 8
        }
        let s = sum.total
        let inv = 1 / s
        j = 0
        while j < n {
            storeLanes(loadLanes(y + j, count: n - j) * inv, y + j, count: n - j)
            j += 8
        }
        return m + Reproducible.log(s)
    }
}
