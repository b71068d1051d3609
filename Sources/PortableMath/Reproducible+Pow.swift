/// `x^y` in Double: `exp(y log x)` with `log x` and the product kept as double-doubles, so the
/// error stays within about 1 ulp even when `|y log x|` is large (`0.999^100000`).
extension Reproducible {
    /// `x^y` (Double), within 1 ulp, with C's special cases: `pow(x, ±0) = 1`, `pow(1, y) = 1`,
    /// a negative base needs an integer exponent (NaN otherwise), zeros and infinities as C99.
    public static func pow(_ x: Double, _ y: Double) -> Double {
        if y == 0 || x == 1 { return 1 }
        if x.isNaN || y.isNaN { return .nan }
        let yIsInteger = y.rounded(.towardZero) == y
        let yIsOdd = yIsInteger && abs(y) < 9_007_199_254_740_992 && (y * 0.5).rounded(.towardZero) != y * 0.5
        var sign: Double = 1
        if x.sign == .minus {
            if x < 0 && y.isInfinite { return abs(x) == 1 ? 1 : (abs(x) > 1) == (y > 0) ? .infinity : 0 }
            if x < 0 && !yIsInteger { return .nan }
            if yIsOdd { sign = -1 }  // also -0 and -inf: pow(-0, -1) = -inf
        }
        let a = abs(x)
        if a == 0 { return y < 0 ? sign * .infinity : sign * 0 }
        if a == .infinity { return y < 0 ? sign * 0 : sign * .infinity }
        if y.isInfinite { return a == 1 ? 1 : (a > 1) == (y > 0) ? .infinity : 0 }
        let (lh, ll) = logDD(a)
        let ph = y * lh
        if ph > 710 { return sign * .infinity }
        if ph < -746 { return sign * 0 }
        let (p, e) = DoubleDouble.twoProduct(y, lh)
        let (hi, lo) = DoubleDouble.fastTwoSum(p, e + y * ll)
        return sign * exp(hi, tail: lo)
    }

    /// `x^y` (Float), computed in Double and rounded once.
    public static func pow(_ x: Float, _ y: Float) -> Float { Float(pow(Double(x), Double(y))) }
}
