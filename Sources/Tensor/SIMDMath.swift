/// Vectorised transcendental functions for the fused kernels (8 lanes, AVX2-sized).

/// `e^x` per lane (Cephes' single-precision method: range reduction by ln 2, a degree-6
/// polynomial, and the exponent set through the bits). Inputs are clamped to the finite range.
@inline(__always)
func simdExp(_ v: SIMD8<Float>) -> SIMD8<Float> {
    let x = v.clamped(lowerBound: SIMD8(repeating: -87.3), upperBound: SIMD8(repeating: 88.3))
    // Adding 1.5 * 2^23 rounds to an integer held in the low mantissa bits (plain lane-wise
    // float ops: the generic SIMD rounding and integer conversions are not vectorised).
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
    let bits = (unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
    return p * unsafeBitCast(bits, to: SIMD8<Float>.self)
}

/// `tanh(u)` per lane as `sign(u) (1 - e) / (1 + e)` with `e = exp(-2|u|)`.
@inline(__always)
func simdTanh(_ u: SIMD8<Float>) -> SIMD8<Float> {
    let a = u.replacing(with: -u, where: u .< 0)
    let e = simdExp(-2 * a)
    let t = (1 - e) / (1 + e)
    return t.replacing(with: -t, where: u .< 0)
}
