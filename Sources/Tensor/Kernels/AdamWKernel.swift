import CKernels

/// The AdamW update of one run of parameters in one pass (the optimizer's inner loop), with an
/// AVX2 path where the CPU has one; both give the same bits.
///
/// The formula, fixed once for both paths (separate roundings, no FMA):
/// `m = b1 m + (1 - b1) g`, `v = b2 v + ((1 - b2) g) g`, `denom = sqrt(v) / bias2Sqrt + eps`,
/// `w = w shrink - stepSize (m / denom)`.
public enum AdamWKernel {
    /// The constants of one step, as PyTorch's AdamW computes them.
    public struct Step: Sendable {
        /// Moment decay rates.
        public var beta1: Float, beta2: Float
        /// `lr / (1 - beta1^t)`
        public var stepSize: Float
        /// `sqrt(1 - beta2^t)`
        public var bias2Sqrt: Float
        /// Added to the denominator.
        public var eps: Float
        /// `1 - lr * weightDecay` for decayed parameters, else 1.
        public var shrink: Float

        public init(beta1: Float, beta2: Float, stepSize: Float, bias2Sqrt: Float, eps: Float, shrink: Float) {
            (self.beta1, self.beta2, self.stepSize, self.bias2Sqrt, self.eps, self.shrink) =
                (beta1, beta2, stepSize, bias2Sqrt, eps, shrink)
        }
    }

    /// For `i < n`: `m = b1 m + (1 - b1) g`, `v = b2 v + (1 - b2) g^2`,
    /// `w = w * shrink - stepSize * (m / (sqrt(v) / bias2Sqrt + eps))`.
    public static func update(
        weights w: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>,
        gradients g: UnsafePointer<Float>, count n: Int, _ s: Step
    ) {
        update(weights: w, m: m, v: v, gradients: g, count: n, s, path: .best)
    }

    static func update(
        weights w: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>,
        gradients g: UnsafePointer<Float>, count n: Int, _ s: Step, path: KernelPath
    ) {
        if path == .avx2 {
            fewshot_adamw_update(w, m, v, g, n, s.beta1, s.beta2, s.stepSize, s.bias2Sqrt, s.eps, s.shrink)
            return
        }
        for j in 0..<n {
            let gj = g[j]
            m[j] = s.beta1 * m[j] + (1 - s.beta1) * gj
            v[j] = s.beta2 * v[j] + (1 - s.beta2) * gj * gj
            let denom = v[j].squareRoot() / s.bias2Sqrt + s.eps
            w[j] = w[j] * s.shrink - s.stepSize * (m[j] / denom)
        }
    }
}
