/// Dot products of one quantised weight row with a Float vector, straight from ggml blocks.
///
/// The activations stay Float (no re-quantisation), so results equal a dot product with the
/// dequantised row up to float rounding. `blockSums` holds the sum of each 32-value slice of `x`,
/// computed once per matrix-vector product: Q4_1's per-block offset `m` multiplies it.
enum QuantizedDot {
    /// Sums of each 32-value block of `x` (`count` a multiple of 32).
    static func blockSums(_ x: UnsafePointer<Float>, count: Int, into sums: UnsafeMutablePointer<Float>) {
        for b in 0..<(count / 32) {
            let p = UnsafeRawPointer(x + 32 * b)
            let v = p.loadUnaligned(as: SIMD16<Float>.self) + p.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
            sums[b] = v.sum()
        }
    }

    /// Row of Q4_1 blocks (d, m, 16 bytes of nibbles: low nibbles are values 0...15, high 16...31).
    @inline(__always)
    static func q4_1(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, _ sums: UnsafePointer<Float>, blocks: Int)
        -> Float
    {
        var acc = SIMD16<Float>()
        var offset: Float = 0
        for b in 0..<blocks {
            let block = row + 20 * b
            let d = block.half(at: 0), m = block.half(at: 2)
            let q = block.loadUnaligned(fromByteOffset: 4, as: SIMD16<UInt8>.self)
            let lo = SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: q & 0x0F))
            let hi = SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: q &>> 4))
            let xp = UnsafeRawPointer(x + 32 * b)
            let x0 = xp.loadUnaligned(as: SIMD16<Float>.self)
            let x1 = xp.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
            acc += d * (lo * x0 + hi * x1)
            offset += m * sums[b]
        }
        return acc.sum() + offset
    }

    /// Row of Q4_0 blocks (d, 16 bytes of nibbles, values offset by -8).
    @inline(__always)
    static func q4_0(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, _ sums: UnsafePointer<Float>, blocks: Int)
        -> Float
    {
        var acc = SIMD16<Float>()
        var offset: Float = 0
        for b in 0..<blocks {
            let block = row + 18 * b
            let d = block.half(at: 0)
            let q = block.loadUnaligned(fromByteOffset: 2, as: SIMD16<UInt8>.self)
            let lo = SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: q & 0x0F))
            let hi = SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: q &>> 4))
            let xp = UnsafeRawPointer(x + 32 * b)
            let x0 = xp.loadUnaligned(as: SIMD16<Float>.self)
            let x1 = xp.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
            acc += d * (lo * x0 + hi * x1)
            offset -= 8 * d * sums[b]
        }
        return acc.sum() + offset
    }

    /// Row of Q8_0 blocks (d, 32 signed bytes).
    @inline(__always)
    static func q8_0(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, blocks: Int) -> Float {
        var acc = SIMD16<Float>()
        for b in 0..<blocks {
            let block = row + 34 * b
            let d = block.half(at: 0)
            let q0 = block.loadUnaligned(fromByteOffset: 2, as: SIMD16<Int8>.self)
            let q1 = block.loadUnaligned(fromByteOffset: 18, as: SIMD16<Int8>.self)
            let xp = UnsafeRawPointer(x + 32 * b)
            let x0 = xp.loadUnaligned(as: SIMD16<Float>.self)
            let x1 = xp.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
            let f0 = SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: q0))
            let f1 = SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: q1))
            acc += d * (f0 * x0 + f1 * x1)
        }
        return acc.sum()
    }

    /// Row of Float values.
    @inline(__always)
    static func f32(_ row: UnsafePointer<Float>, _ x: UnsafePointer<Float>, count: Int) -> Float {
        var acc = SIMD16<Float>()
        var i = 0
        while i + 16 <= count {
            acc += UnsafeRawPointer(row + i).loadUnaligned(as: SIMD16<Float>.self)
                * UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
            i += 16
        }
        var tail: Float = 0
        while i < count {
            tail += row[i] * x[i]
            i += 1
        }
        return acc.sum() + tail
    }
}
