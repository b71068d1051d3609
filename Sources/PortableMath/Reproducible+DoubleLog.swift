/// Natural logarithm in Double, through a double-double value (what `pow` needs).
///
/// `x = m 2^k` with `m` in `(sqrt(1/2), sqrt(2)]`, `f = m - 1` (exact), `s = f / (2 + f)` as a
/// double-double, and `log(m) = 2 s + s R(s^2)` with fdlibm's Remez polynomial `R`; then
/// `k ln 2` (ln 2 in two parts) is added with error-free sums.
extension Reproducible {
    /// `log(x)` (Double), within 1 ulp (usually correctly rounded); `log(0) = -inf`,
    /// `log(x < 0) = NaN`, `log(inf) = inf`.
    public static func log(_ x: Double) -> Double {
        if !(x > 0) { return x == 0 ? -.infinity : .nan }
        if x == .infinity { return x }
        let (hi, lo) = logDD(x)
        return hi + lo
    }

    /// `log(x) = hi + lo` to about 2^-60 relative, for finite `x > 0`.
    static func logDD(_ x: Double) -> (hi: Double, lo: Double) {
        var bits = x.bitPattern
        var k = -1023
        if bits < 0x0010_0000_0000_0000 {
            bits = (x * 18_014_398_509_481_984).bitPattern  // 2^54: subnormals into range
            k -= 54
        }
        k += Int(bits >> 52)
        var m = Double(bitPattern: (bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000)  // [1, 2)
        if m > 1.414_213_562_373_095_1 {
            m *= 0.5
            k += 1
        }
        let f = m - 1
        // s = f / (2 + f) as sh + sl.
        let (dh, dl) = DoubleDouble.fastTwoSum(2, f)
        let sh = f / dh
        let (ph, pl) = DoubleDouble.twoProduct(sh, dh)
        let sl = (((f - ph) - pl) - sh * dl) / dh
        let z = sh * sh, w = z * z
        let r = z * (lg1 + w * (lg3 + w * (lg5 + w * lg7))) + w * (lg2 + w * (lg4 + w * lg6))
        let ln2Hi = Double(bitPattern: 0x3FE6_2E42_FEE0_0000)
        let ln2Lo = Double(bitPattern: 0x3DEA_39EF_3579_3C76)
        let fk = Double(k)
        let (a, b) = DoubleDouble.twoSum(fk * ln2Hi, 2 * sh)
        let tail = b + (fk * ln2Lo + (2 * sl + sh * r))
        let (hi, lo) = DoubleDouble.fastTwoSum(a, tail)
        return (hi, lo)
    }

    private static let lg1 = 6.666_666_666_666_735_130e-01
    private static let lg2 = 3.999_999_999_940_941_908e-01
    private static let lg3 = 2.857_142_874_366_239_149e-01
    private static let lg4 = 2.222_219_843_214_978_396e-01
    private static let lg5 = 1.818_357_216_161_805_012e-01
    private static let lg6 = 1.531_383_769_920_937_332e-01
    private static let lg7 = 1.479_819_860_511_658_591e-01
}
