/// `tanh` in Float, scalar and 8 lanes, bit-identical lane by lane (and to CKernels' `tanh8`).
///
/// With `a = |u|`:
/// - `a < 0.625`: Cephes' odd polynomial, `t = ((((c0 s + c1) s + c2) s + c3) s + c4) * s * a + a`
///   with `s = a * a` (the `(1 - e) / (1 + e)` form loses most digits near 0);
/// - otherwise `t = 1 - 2 / (exp(2a) + 1)` (`Reproducible.exp`; 1 for `exp(2a) = inf`).
///
/// The sign bit of `u` is then copied onto `t`, so `tanh(-0) = -0`.
extension Reproducible {
    /// `tanh(u)` (Float), within 2 ulp; `tanh(±inf) = ±1`.
    @inlinable
    public static func tanh(_ u: Float) -> Float {
        let a = Float(bitPattern: u.bitPattern & 0x7FFF_FFFF)
        let t: Float
        if a < 0.625 {
            let s = a * a
            var p: Float = -5.704_988_727_45e-3
            p = p * s + 2.063_908_879_54e-2
            p = p * s - 5.373_971_555_31e-2
            p = p * s + 1.333_144_220_36e-1
            p = p * s - 3.333_328_194_22e-1
            t = p * s * a + a
        } else {
            t = 1 - 2 / (exp(2 * a) + 1)
        }
        return Float(bitPattern: t.bitPattern | (u.bitPattern & 0x8000_0000))
    }

    /// `tanh` per lane, identical to the scalar `tanh(_: Float)` in every lane.
    @inlinable
    public static func tanh(_ u: SIMD8<Float>) -> SIMD8<Float> {
        let bits = unsafeBitCast(u, to: SIMD8<UInt32>.self)
        let a = unsafeBitCast(bits & 0x7FFF_FFFF, to: SIMD8<Float>.self)
        let s = a * a
        var p = SIMD8<Float>(repeating: -5.704_988_727_45e-3)
        p = p * s + 2.063_908_879_54e-2
        p = p * s - 5.373_971_555_31e-2
        p = p * s + 1.333_144_220_36e-1
        p = p * s - 3.333_328_194_22e-1
        let small = p * s * a + a
        let large = 1 - 2 / (exp(2 * a) + 1)
        let t = large.replacing(with: small, where: a .< 0.625)
        return unsafeBitCast(unsafeBitCast(t, to: SIMD8<UInt32>.self) | (bits & 0x8000_0000), to: SIMD8<Float>.self)
    }
}
