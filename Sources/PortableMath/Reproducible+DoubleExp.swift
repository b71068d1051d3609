/// `e^x` in Double (fdlibm's method): `k = round(x / ln 2)`, `r = x - k ln 2` with ln 2 in two
/// parts, `e^r` from a degree-5 Remez fit of `r (e^r + 1) / (e^r - 1)`, then `2^k` applied as two
/// exact-or-once-rounded multiplications.
extension Reproducible {
    /// `e^x` (Double), within 1 ulp; `exp(-inf) = 0`, `exp(inf) = inf`.
    public static func exp(_ x: Double) -> Double { exp(x, tail: 0) }

    /// `e^(x + tail)` for a small `tail` (below an ulp of `x`): the tail enters the reduced
    /// argument, which is how `pow` keeps the low half of `y log x`.
    static func exp(_ x: Double, tail: Double) -> Double {
        if x.isNaN { return x }
        if x > 709.782_712_893_384 { return .infinity }
        if x < -745.133_219_101_941_2 { return 0 }
        let ln2Hi = Double(bitPattern: 0x3FE6_2E42_FEE0_0000)
        let ln2Lo = Double(bitPattern: 0x3DEA_39EF_3579_3C76)
        let invLn2 = Double(bitPattern: 0x3FF7_1547_652B_82FE)
        let k = (x * invLn2).rounded(.toNearestOrEven)
        let hi = x - k * ln2Hi
        let lo = k * ln2Lo - tail
        let r = hi - lo
        let z = r * r
        let c = r - z * (p1 + z * (p2 + z * (p3 + z * (p4 + z * p5))))
        let y = 1 - ((lo - (r * c) / (2 - c)) - hi)
        return scaled(y, by: Int(k))
    }

    /// `y 2^k` for `y` near 1 and `k` in `-1100...1100`, rounded once.
    static func scaled(_ y: Double, by k: Int) -> Double {
        let k1 = k >> 1, k2 = k - k1
        let s1 = Double(bitPattern: UInt64(1023 + k1) << 52)
        let s2 = Double(bitPattern: UInt64(1023 + k2) << 52)
        return y * s1 * s2
    }

    private static let p1 = 1.666_666_666_666_660_190_37e-01
    private static let p2 = -2.777_777_777_701_559_338_42e-03
    private static let p3 = 6.613_756_321_437_934_361_17e-05
    private static let p4 = -1.653_390_220_546_525_153_90e-06
    private static let p5 = 4.138_136_797_057_238_460_39e-08
}
