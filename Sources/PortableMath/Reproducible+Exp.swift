/// `e^x` in Float, scalar and 8 lanes, bit-identical lane by lane (and to CKernels'
/// `fewshot_exp8`).
///
/// The method is Cephes' `expf`, with no fused operations:
/// 1. clamp `x` to `[-104, 89]` (NaN passes through; below -104 the result rounds to 0, above
///    89 it overflows to infinity);
/// 2. `n = round(x * log2(e))`, rounded by adding and subtracting `1.5 * 2^23`;
/// 3. `r = (x - n * 0.693359375) + n * 2.12194440e-4` (ln 2 in two parts; the first product is exact);
/// 4. `p = ((((c0 r + c1) r + c2) r + c3) r + c4) r + c5`, then `p = (p (r r) + r) + 1`;
/// 5. scale by `2^n` as two multiplications by `2^(n >> 1)` and `2^(n - (n >> 1))`, so results
///    near overflow and in the subnormal range are rounded once.
extension Reproducible {
    /// `e^x` (Float), within 2 ulp; `exp(-inf) = 0`, `exp(inf) = inf`, NaN stays NaN.
    @inlinable
    public static func exp(_ x: Float) -> Float {
        var x = x
        if x < -104 { x = -104 }
        if x > 89 { x = 89 }
        let shifted = x * 1.442_695_04 + 12_582_912
        let n = shifted - 12_582_912
        let r = x - n * 0.693_359_375 + n * 2.121_944_40e-4
        var p: Float = 1.987_569_150_0e-4
        p = p * r + 1.398_199_950_7e-3
        p = p * r + 8.333_451_907_3e-3
        p = p * r + 4.166_579_589_4e-2
        p = p * r + 1.666_666_545_9e-1
        p = p * r + 5.000_000_120_1e-1
        p = p * (r * r) + r + 1
        let k = Int32(bitPattern: shifted.bitPattern) &- 0x4B40_0000
        let k1 = k &>> 1, k2 = k &- k1
        let s1 = Float(bitPattern: UInt32(bitPattern: (k1 &+ 127) &<< 23))
        let s2 = Float(bitPattern: UInt32(bitPattern: (k2 &+ 127) &<< 23))
        return p * s1 * s2
    }

    /// `e^x` per lane, identical to the scalar `exp(_: Float)` in every lane.
    @inlinable
    public static func exp(_ v: SIMD8<Float>) -> SIMD8<Float> {
        var x = v.replacing(with: -104, where: v .< -104)
        x = x.replacing(with: 89, where: x .> 89)
        let shifted = x * 1.442_695_04 + 12_582_912
        let n = shifted - 12_582_912
        let r = x - n * 0.693_359_375 + n * 2.121_944_40e-4
        var p = SIMD8<Float>(repeating: 1.987_569_150_0e-4)
        p = p * r + 1.398_199_950_7e-3
        p = p * r + 8.333_451_907_3e-3
        p = p * r + 4.166_579_589_4e-2
        p = p * r + 1.666_666_545_9e-1
        p = p * r + 5.000_000_120_1e-1
        p = p * (r * r) + r + 1
        let k = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let k1 = k &>> 1, k2 = k &- k1
        let s1 = unsafeBitCast((k1 &+ 127) &<< 23, to: SIMD8<Float>.self)
        let s2 = unsafeBitCast((k2 &+ 127) &<< 23, to: SIMD8<Float>.self)
        return p * s1 * s2
    }
}
