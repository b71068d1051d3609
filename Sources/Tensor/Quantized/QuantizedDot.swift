/// The portable path of the products of quantised weight rows with a Float vector (CPUs
/// without AVX2/FMA, or `FEWSHOT_KERNELS=portable`; the AVX2 kernels live in `CKernels`).
///
/// Each row is decoded block by block into a small Float buffer with plain scalar loops (which
/// LLVM vectorises: widen, convert, scale) and then dotted with `x` in SIMD. Swift's generic SIMD
/// integer-to-float conversions compile to calls, so the decoding avoids them. Activations stay
/// Float (no re-quantisation), so results equal a product with the dequantised row up to rounding.
enum QuantizedDot {
    /// Decodes one row of `blocks` Q4_1 blocks (d, m, 16 bytes: low nibbles are values 0...15,
    /// high nibbles 16...31) into `out`.
    @inline(__always)
    static func decodeQ4_1(_ row: UnsafeRawPointer, blocks: Int, into out: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = row + 20 * b
            let d = block.half(at: 0), m = block.half(at: 2)
            let q = (block + 4).assumingMemoryBound(to: UInt8.self)
            let y = out + 32 * b
            for j in 0..<16 {
                y[j] = Float(q[j] & 0x0F) * d + m
                y[j + 16] = Float(q[j] >> 4) * d + m
            }
        }
    }

    /// Decodes one row of Q4_0 blocks (d, 16 bytes of nibbles offset by 8).
    @inline(__always)
    static func decodeQ4_0(_ row: UnsafeRawPointer, blocks: Int, into out: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = row + 18 * b
            let d = block.half(at: 0)
            let q = (block + 2).assumingMemoryBound(to: UInt8.self)
            let y = out + 32 * b
            for j in 0..<16 {
                y[j] = (Float(q[j] & 0x0F) - 8) * d
                y[j + 16] = (Float(q[j] >> 4) - 8) * d
            }
        }
    }

    /// Decodes one row of Q8_0 blocks (d, 32 signed bytes).
    @inline(__always)
    static func decodeQ8_0(_ row: UnsafeRawPointer, blocks: Int, into out: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = row + 34 * b
            let d = block.half(at: 0)
            let q = (block + 2).assumingMemoryBound(to: Int8.self)
            let y = out + 32 * b
            for j in 0..<32 { y[j] = Float(q[j]) * d }
        }
    }

    /// Sum of `count` Floats.
    @inline(__always)
    static func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var total: Float = 0
        for i in 0..<count { total += x[i] }
        return total
    }

    /// Dot product of two `count`-value Float vectors.
    @inline(__always)
    static func f32(_ row: UnsafePointer<Float>, _ x: UnsafePointer<Float>, count: Int) -> Float {
        var a0 = SIMD16<Float>(), a1 = SIMD16<Float>()
        var i = 0
        while i + 32 <= count {
            a0 +=
                UnsafeRawPointer(row + i).loadUnaligned(as: SIMD16<Float>.self)
                * UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
            a1 +=
                UnsafeRawPointer(row + i + 16).loadUnaligned(as: SIMD16<Float>.self)
                * UnsafeRawPointer(x + i + 16).loadUnaligned(as: SIMD16<Float>.self)
            i += 32
        }
        var tail: Float = 0
        while i < count {
            tail += row[i] * x[i]
            i += 1
        }
        return (a0 + a1).sum() + tail
    }
}
