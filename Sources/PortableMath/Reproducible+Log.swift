/// Natural logarithm in Float (Cephes' `logf`, mirrored by CKernels' `fewshot_logf`).
///
/// `x = m 2^e` with `m` in `[sqrt(1/2), sqrt(2))`, `f = m - 1`, `z = f f`;
/// `y = (poly8(f) * f) * z`, then `y = (y - 2.12194440e-4 e) - 0.5 z`, and the result is
/// `(f + y) + 0.693359375 e` (ln 2 in two parts; the products with `e` are exact).
extension Reproducible {
    /// `log(x)` (Float), within 2 ulp; `log(0) = -inf`, `log(x < 0) = NaN`, `log(inf) = inf`.
    @inlinable
    public static func log(_ x: Float) -> Float {
        if !(x > 0) { return x == 0 ? -.infinity : .nan }
        if x == .infinity { return x }
        var bits = x.bitPattern
        var e: Int32 = -126
        if bits < 0x0080_0000 {
            // Subnormal: scale into the normal range first (exact).
            bits = (x * 8_388_608).bitPattern
            e -= 23
        }
        e += Int32(bits >> 23)
        var f = Float(bitPattern: (bits & 0x007F_FFFF) | 0x3F00_0000)  // [0.5, 1)
        if f < 0.707_106_781_186_547_524 {
            e -= 1
            f = f + f - 1
        } else {
            f = f - 1
        }
        let fe = Float(e)
        let z = f * f
        var y: Float = 7.037_683_629_2e-2
        y = y * f - 1.151_461_031_0e-1
        y = y * f + 1.167_699_874_0e-1
        y = y * f - 1.242_014_084_6e-1
        y = y * f + 1.424_932_278_7e-1
        y = y * f - 1.666_805_766_5e-1
        y = y * f + 2.000_071_476_5e-1
        y = y * f - 2.499_999_399_3e-1
        y = y * f + 3.333_333_117_4e-1
        y = y * f * z
        y = y + -2.121_944_40e-4 * fe
        y = y + -0.5 * z
        return f + y + 0.693_359_375 * fe
    }
}
