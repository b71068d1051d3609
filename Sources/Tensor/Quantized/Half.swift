/// IEEE half and bfloat16 decoding for the scales and values stored in GGUF blocks.

/// The Float value of an IEEE 754 half-precision bit pattern.
@inline(__always)
public func halfToFloat(_ bits: UInt16) -> Float {
    Float(Float16(bitPattern: bits))
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
