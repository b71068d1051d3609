/// `sin` and `cos` in Double (fdlibm's kernels after a Cody-Waite reduction), and in Float
/// through the Double versions.
///
/// Reduction: `n = round(x 2/pi)`, `r = x - n pi/2` with pi/2 as three 33-bit parts and a 53-bit
/// tail (the products `n * part` are exact for `|n| < 2^20`), carried as a double-double
/// `r = hi + lo` with `|r| <= pi/4`. Supported range `|x| <= 1.6e6` (within 1 ulp); beyond it
/// the products stop being exact and accuracy degrades, though results stay deterministic.
extension Reproducible {
    /// `sin(x)` (Double); NaN for infinities and NaN.
    public static func sin(_ x: Double) -> Double {
        if !x.isFinite { return x - x }
        if abs(x) < 7.450_580_596_923_828e-9 { return x }  // 2^-27: sin x rounds to x
        let (n, hi, lo) = reduced(x)
        switch n & 3 {
        case 0: return sinKernel(hi, lo)
        case 1: return cosKernel(hi, lo)
        case 2: return -sinKernel(hi, lo)
        default: return -cosKernel(hi, lo)
        }
    }

    /// `cos(x)` (Double); NaN for infinities and NaN.
    public static func cos(_ x: Double) -> Double {
        if !x.isFinite { return x - x }
        if abs(x) < 7.450_580_596_923_828e-9 { return 1 }
        let (n, hi, lo) = reduced(x)
        switch n & 3 {
        case 0: return cosKernel(hi, lo)
        case 1: return -sinKernel(hi, lo)
        case 2: return -cosKernel(hi, lo)
        default: return sinKernel(hi, lo)
        }
    }

    /// `sin(x)` (Float), through Double (RoPE angles up to about 1e5 rad keep full accuracy).
    public static func sin(_ x: Float) -> Float { Float(sin(Double(x))) }

    /// `cos(x)` (Float), through Double.
    public static func cos(_ x: Float) -> Float { Float(cos(Double(x))) }

    /// `x = n pi/2 + hi + lo` with `|hi + lo| <= pi/4` (about).
    static func reduced(_ x: Double) -> (n: Int, hi: Double, lo: Double) {
        if abs(x) <= 0.785_398_163_397_448_3 { return (0, x, 0) }
        let invPio2 = Double(bitPattern: 0x3FE4_5F30_6DC9_C883)
        let pio2Part1 = Double(bitPattern: 0x3FF9_21FB_5440_0000)
        let pio2Part2 = Double(bitPattern: 0x3DD0_B461_1A60_0000)
        let pio2Part3 = Double(bitPattern: 0x3BA3_198A_2E00_0000)
        let pio2Tail = Double(bitPattern: 0x397B_839A_2520_49C1)
        let n = (x * invPio2).rounded(.toNearestOrEven)
        let r0 = x - n * pio2Part1
        let (r1, e1) = DoubleDouble.twoSum(r0, -(n * pio2Part2))
        let (r2, e2) = DoubleDouble.twoSum(r1, -(n * pio2Part3))
        let (hi, lo) = DoubleDouble.fastTwoSum(r2, (e1 + e2) - n * pio2Tail)
        return (Int(n), hi, lo)
    }

    /// `sin(x + y)` for `|x| <= pi/4`, `|y|` below an ulp of x (musl's `__sin`).
    static func sinKernel(_ x: Double, _ y: Double) -> Double {
        let z = x * x, w = z * z
        let r = s2 + z * (s3 + z * s4) + z * w * (s5 + z * s6)
        let v = z * x
        return x - ((z * (0.5 * y - v * r) - y) - v * s1)
    }

    /// `cos(x + y)` for `|x| <= pi/4` (musl's `__cos`).
    static func cosKernel(_ x: Double, _ y: Double) -> Double {
        let z = x * x, w = z * z
        let r = z * (c1 + z * (c2 + z * c3)) + w * w * (c4 + z * (c5 + z * c6))
        let hz = 0.5 * z
        let v = 1 - hz
        return v + (((1 - v) - hz) + (z * r - x * y))
    }

    private static let s1 = -1.666_666_666_666_663_243_48e-01
    private static let s2 = 8.333_333_333_322_489_461_24e-03
    private static let s3 = -1.984_126_982_985_794_931_34e-04
    private static let s4 = 2.755_731_370_707_006_767_89e-06
    private static let s5 = -2.505_076_025_340_686_341_95e-08
    private static let s6 = 1.589_690_995_211_550_102_21e-10
    private static let c1 = 4.166_666_666_666_660_190_37e-02
    private static let c2 = -1.388_888_888_887_410_957_49e-03
    private static let c3 = 2.480_158_728_947_672_941_78e-05
    private static let c4 = -2.755_731_435_139_066_330_35e-07
    private static let c5 = 2.087_572_321_298_174_827_90e-09
    private static let c6 = -1.135_964_755_778_819_482_65e-11
}
