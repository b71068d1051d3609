import CKernels
import PortableMath

/// Exact (erf) GELU's inner loops over a flat run of values, on either `KernelPath`, with
/// bit-identical results (and the same value for an element wherever a run starts).
///
/// The formulas, fixed once for both paths (no FMA; exp is `Reproducible.exp`):
/// `z = x (1/sqrt 2)`, `a = |z|`, `t = 1 / (1 + p a)`,
/// `q = ((((a5 t + a4) t + a3) t + a2) t + a1) t` (each step `(q + a_k) t`),
/// `e = 1 - q exp(-(a a))`, `erf = -e` where `z < 0`, `Phi = 0.5 (1 + erf)`, `y = x Phi`;
/// `slope = Phi + x (exp(-0.5 (x x)) (1/sqrt(2 pi)))`, `dx = dy slope` (added to the old dx as
/// `old + dx`). `p` and `a1...a5` are Abramowitz and Stegun's 7.1.26 (|error| < 1.5e-7).
enum GELUErfKernel {
    /// `y = x Phi(x)` for `n` values; the `Phi` values go to `cdf` for `backward` (when given).
    static func forward(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, cdf: UnsafeMutablePointer<Float>?, _ n: Int,
        path: KernelPath = .best
    ) {
        if path == .avx2 {
            fewshot_gelu_erf_forward(x, y, cdf, n)
            return
        }
        var i = 0
        while i < n {
            let count = n - i
            let v = loadLanes(x + i, count: count)
            let c = normalCDF(v)
            if let cdf { storeLanes(c, cdf + i, count: count) }
            storeLanes(v * c, y + i, count: count)
            i += 8
        }
    }

    /// `dx = dy * gelu'(x)` from the forward's `Phi` values, added into `dx` when `accumulate`.
    static func backward(
        _ x: UnsafePointer<Float>, cdf: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
        _ dx: UnsafeMutablePointer<Float>, _ n: Int, accumulate: Bool, path: KernelPath = .best
    ) {
        if path == .avx2 {
            fewshot_gelu_erf_backward(x, cdf, dy, dx, n, accumulate ? 1 : 0)
            return
        }
        var i = 0
        while i < n {
            let count = n - i
            let v = loadLanes(x + i, count: count)
            let density = Reproducible.exp(-0.5 * (v * v)) * invSqrt2Pi
            let slope = loadLanes(cdf + i, count: count) + v * density
            var d = loadLanes(dy + i, count: count) * slope
            if accumulate { d = loadLanes(dx + i, count: count) + d }
            storeLanes(d, dx + i, count: count)
            i += 8
        }
    }

    /// `1 / sqrt(2 pi)`
    static let invSqrt2Pi: Float = 0.398_942_280_401_432_7

    /// `Phi(x) = 0.5 (1 + erf(x / sqrt 2))` per lane.
    @inline(__always)
    static func normalCDF(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let z = x * 0.707_106_781_186_547_5
        let negative = z .< 0
        let a = z.replacing(with: -z, where: negative)
        let t = 1 / (1 + 0.327_591_1 * a)
        var q: SIMD8<Float> = 1.061_405_429 * t
        q = (q + -1.453_152_027) * t
        q = (q + 1.421_413_741) * t
        q = (q + -0.284_496_736) * t
        q = (q + 0.254_829_592) * t
        let e = 1 - q * Reproducible.exp(-(a * a))
        return 0.5 * (1 + e.replacing(with: -e, where: negative))
    }
}
