/// IEEE half and bfloat16 decoding for the scales and values stored in GGUF blocks.

/// The Float value of an IEEE 754 half-precision bit pattern.
///
/// Bit arithmetic rather than `Float(Float16)`: without F16C that conversion is a library call,
/// and block scales are decoded once per 32 weights on the hot path.
@inline(__always)
public func halfToFloat(_ bits: UInt16) -> Float {
    let h = UInt32(bits)
    let sign = (h & 0x8000) << 16
    let magnitude = h & 0x7FFF
    let value: Float
    if magnitude >= 0x7C00 {  // infinity or NaN
        value = Float(bitPattern: (magnitude << 13) | 0x7F80_0000)
    } else if magnitude >= 0x0400 {  // normal: rebias the exponent from 15 to 127
        value = Float(bitPattern: (magnitude << 13) &+ 0x3800_0000)
    } else {  // zero or subnormal: mantissa * 2^-24
        value = Float(magnitude) * 5.960_464_5e-8
    }
    return Float(bitPattern: value.bitPattern | sign)
}

/// The Float value of a bfloat16 bit pattern (the top half of a Float).
@inline(__always)
public func bfloat16ToFloat(_ bits: UInt16) -> Float {
    Float(bitPattern: UInt32(bits) << 16)
}

extension UnsafeRawPointer {
    /// Reads a little-endian half at `offset` bytes as a Float.
    @inline(__always)
    func half(at offset: Int) -> Float {
        halfToFloat(loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }
}
