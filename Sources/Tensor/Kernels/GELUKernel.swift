import CKernels
import PortableMath

/// GELU's inner loops (tanh form) over a flat run of values, on either `KernelPath`, with
/// bit-identical results (and the same value for an element wherever a run starts).
///
/// The formulas, fixed once for both paths (no FMA; tanh is `Reproducible.tanh`):
/// `u = k (x + c ((x x) x))`, `t = tanh(u)`, `y = (0.5 x) (1 + t)`;
/// `slope = 0.5 (1 + t) + ((0.5 x) (1 - t t)) (k (1 + (3c) (x x)))`, `dx = dy slope`
/// (added to the old dx as `old + dx`), with `k = sqrt(2/pi)`, `c = 0.044715`.
enum GELUKernel {
    /// `y = gelu(x)` for `n` values; the tanh values go to `tanhOut` for `backward`.
    static func forward(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, tanhOut t: UnsafeMutablePointer<Float>,
        _ n: Int, path: KernelPath = .best
    ) {
        if path == .avx2 {
            fewshot_gelu_forward(x, y, t, n)
            return
        }
        var i = 0
        while i < n {
            let v = loadLanes(x + i, count: n - i)
            let tv = Reproducible.tanh(geluC * (v + geluCubic * (v * v * v)))
            storeLanes(tv, t + i, count: n - i)
            storeLanes(0.5 * v * (1 + tv), y + i, count: n - i)
            i += 8
        }
    }

    /// `dx = dy * gelu'(x)` from the forward's tanh values, added into `dx` when `accumulate`.
    static func backward(
        _ x: UnsafePointer<Float>, tanh t: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
        _ dx: UnsafeMutablePointer<Float>, _ n: Int, accumulate: Bool, path: KernelPath = .best
    ) {
        if path == .avx2 {
            fewshot_gelu_backward(x, t, dy, dx, n, accumulate ? 1 : 0)
            return
        }
        var i = 0
        while i < n {
            let count = n - i
            let v = loadLanes(x + i, count: count), tv = loadLanes(t + i, count: count)
            let du = geluC * (1 + geluCubic3 * (v * v))
            let slope = 0.5 * (1 + tv) + 0.5 * v * (1 - tv * tv) * du
            var d = loadLanes(dy + i, count: count) * slope
            if accumulate { d = loadLanes(dx + i, count: count) + d }
            storeLanes(d, dx + i, count: count)
            i += 8
        }
    }
}
