/// The complementary error function in Double (for p-values).
///
/// For `|x| < 1.5`: `erf(x) = 2/sqrt(pi) e^(-x^2) sum 2^n x^(2n+1) / (1 3 5 ... (2n+1))` (all
/// terms positive), `erfc = 1 - erf`. For `x >= 1.5`: the continued fraction
/// `erfc(x) = e^(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))`, evaluated
/// backwards from a fixed depth. Negative x uses `erfc(-x) = 2 - erfc(x)`.
extension Reproducible {
    /// `erfc(x)` (Double), relative error below 1e-12; `erfc(-inf) = 2`, `erfc(inf) = 0`.
    public static func erfc(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x < 0 { return 2 - erfc(-x) }
        if x > 27.3 { return 0 }
        let invSqrtPi = 0.564_189_583_547_756_3
        if x < 1.5 {
            let x2 = x * x
            var term = x, sum = x
            var n = 0.0
            while term > sum * 1e-17 {
                n += 1
                term = term * 2 * x2 / (2 * n + 1)
                sum += term
            }
            return 1 - 2 * invSqrtPi * exp(-x2) * sum
        }
        var f = x
        for k in stride(from: 200, through: 1, by: -1) { f = x + (Double(k) * 0.5) / f }
        return invSqrtPi * exp(-x * x) / f
    }
}
