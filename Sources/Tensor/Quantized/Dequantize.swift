/// Decoding of ggml's block formats into Float values.
///
/// Each format stores `blockSize` values per block; a row is a whole number of blocks. The
/// layouts follow ggml's `block_q4_0`, `block_q4_K`, ... structs (little-endian, packed).
public enum Dequantize {
    /// Why a row could not be decoded.
    public enum Failure: Error, CustomStringConvertible, Equatable {
        case unsupportedType(GGMLType)
        case partialBlock(type: GGMLType, count: Int)

        public var description: String {
            switch self {
            case .unsupportedType(let type):
                "cannot dequantise tensor type \(type.name) (supported: f32, f16, bf16, q4_0, q4_1, "
                    + "q5_0, q5_1, q8_0, q2_K, q3_K, q4_K, q5_K, q6_K)"
            case .partialBlock(let type, let count):
                "\(count) values of type \(type.name) are not a whole number of blocks"
            }
        }
    }

    /// Decodes `count` values of `type` starting at `source` into `destination`.
    public static func row(
        _ type: GGMLType, from source: UnsafeRawPointer, count: Int,
        into destination: UnsafeMutablePointer<Float>
    ) throws {
        guard type.canDequantize, let layout = type.layout else {
            throw Failure.unsupportedType(type)
        }
        guard count % layout.blockSize == 0 else {
            throw Failure.partialBlock(type: type, count: count)
        }
        let blocks = count / layout.blockSize
        let decode: (UnsafeRawPointer, UnsafeMutablePointer<Float>) -> Void
        switch type {
        case .f32:
            destination.update(from: source.assumingMemoryBound(to: Float.self), count: count)
            return
        case .f16:
            for i in 0..<count { destination[i] = source.half(at: 2 * i) }
            return
        case .bf16:
            for i in 0..<count {
                destination[i] = bfloat16ToFloat(source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
            }
            return
        case .q4_0: decode = q4_0
        case .q4_1: decode = q4_1
        case .q5_0: decode = q5_0
        case .q5_1: decode = q5_1
        case .q8_0: decode = q8_0
        case .q2_K: decode = q2_K
        case .q3_K: decode = q3_K
        case .q4_K: decode = q4_K
        case .q5_K: decode = q5_K
        default: decode = q6_K
        }
        for b in 0..<blocks {
            decode(source + b * layout.blockBytes, destination + b * layout.blockSize)
        }
    }

    // MARK: 32-value blocks

    static func q4_0(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = b.half(at: 0)
        let qs = b + 2
        for j in 0..<16 {
            let q = qs.load(fromByteOffset: j, as: UInt8.self)
            y[j] = Float(Int(q & 0x0F) - 8) * d
            y[j + 16] = Float(Int(q >> 4) - 8) * d
        }
    }

    static func q4_1(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = b.half(at: 0), m = b.half(at: 2)
        let qs = b + 4
        for j in 0..<16 {
            let q = qs.load(fromByteOffset: j, as: UInt8.self)
            y[j] = Float(q & 0x0F) * d + m
            y[j + 16] = Float(q >> 4) * d + m
        }
    }

    static func q5_0(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = b.half(at: 0)
        let qh = b.loadUnaligned(fromByteOffset: 2, as: UInt32.self)
        let qs = b + 6
        for j in 0..<16 {
            let q = qs.load(fromByteOffset: j, as: UInt8.self)
            let h0 = UInt8(truncatingIfNeeded: ((qh >> UInt32(j)) << 4) & 0x10)
            let h1 = UInt8(truncatingIfNeeded: (qh >> UInt32(j + 12)) & 0x10)
            y[j] = Float(Int((q & 0x0F) | h0) - 16) * d
            y[j + 16] = Float(Int((q >> 4) | h1) - 16) * d
        }
    }

    static func q5_1(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = b.half(at: 0), m = b.half(at: 2)
        let qh = b.loadUnaligned(fromByteOffset: 4, as: UInt32.self)
        let qs = b + 8
        for j in 0..<16 {
            let q = qs.load(fromByteOffset: j, as: UInt8.self)
            let h0 = UInt8(truncatingIfNeeded: ((qh >> UInt32(j)) << 4) & 0x10)
            let h1 = UInt8(truncatingIfNeeded: (qh >> UInt32(j + 12)) & 0x10)
            y[j] = Float((q & 0x0F) | h0) * d + m
            y[j + 16] = Float((q >> 4) | h1) * d + m
        }
    }

    static func q8_0(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = b.half(at: 0)
        for j in 0..<32 { y[j] = Float(b.load(fromByteOffset: 2 + j, as: Int8.self)) * d }
    }

    // MARK: 256-value K-quant blocks

    /// The 6-bit (scale, min) pair `j` of a Q4_K/Q5_K block's 12 packed scale bytes.
    @inline(__always)
    static func scaleMinK4(_ j: Int, _ q: UnsafeRawPointer) -> (Float, Float) {
        func at(_ i: Int) -> UInt8 { q.load(fromByteOffset: i, as: UInt8.self) }
        if j < 4 { return (Float(at(j) & 63), Float(at(j + 4) & 63)) }
        let sc = (at(j + 4) & 0x0F) | ((at(j - 4) >> 6) << 4)
        let mn = (at(j + 4) >> 4) | ((at(j) >> 6) << 4)
        return (Float(sc), Float(mn))
    }

    static func q2_K(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let scales = b, qs = b + 16
        let d = b.half(at: 80), dmin = b.half(at: 82)
        var out = 0, scaleIndex = 0
        for half in 0..<2 {
            let q = qs + 32 * half
            for shift in stride(from: 0, to: 8, by: 2) {
                for part in 0..<2 {
                    let sc = scales.load(fromByteOffset: scaleIndex, as: UInt8.self)
                    scaleIndex += 1
                    let dl = d * Float(sc & 0x0F), ml = dmin * Float(sc >> 4)
                    for l in 0..<16 {
                        let v = (q.load(fromByteOffset: l + 16 * part, as: UInt8.self) >> UInt8(shift)) & 3
                        y[out] = dl * Float(v) - ml
                        out += 1
                    }
                }
            }
        }
    }

    static func q3_K(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let hmask = b, qs = b + 32
        let d = b.half(at: 108)
        // Unpack the twelve bytes of 6-bit scales into sixteen signed values, as ggml does.
        let kmask1: UInt32 = 0x0303_0303, kmask2: UInt32 = 0x0f0f_0f0f
        var aux: (UInt32, UInt32, UInt32, UInt32) = (
            b.loadUnaligned(fromByteOffset: 96, as: UInt32.self),
            b.loadUnaligned(fromByteOffset: 100, as: UInt32.self),
            b.loadUnaligned(fromByteOffset: 104, as: UInt32.self), 0
        )
        let tmp = aux.2
        aux.2 = ((aux.0 >> 4) & kmask2) | (((tmp >> 4) & kmask1) << 4)
        aux.3 = ((aux.1 >> 4) & kmask2) | (((tmp >> 6) & kmask1) << 4)
        aux.0 = (aux.0 & kmask2) | (((tmp >> 0) & kmask1) << 4)
        aux.1 = (aux.1 & kmask2) | (((tmp >> 2) & kmask1) << 4)
        let scales: [Int8] = withUnsafeBytes(of: aux) { raw in raw.map { Int8(bitPattern: $0) } }
        var out = 0, scaleIndex = 0
        var m: UInt8 = 1
        for half in 0..<2 {
            let q = qs + 32 * half
            for shift in stride(from: 0, to: 8, by: 2) {
                for part in 0..<2 {
                    let dl = d * Float(Int(scales[scaleIndex]) - 32)
                    scaleIndex += 1
                    for l in 0..<16 {
                        let i = l + 16 * part
                        let low = Int((q.load(fromByteOffset: i, as: UInt8.self) >> UInt8(shift)) & 3)
                        let high = hmask.load(fromByteOffset: i, as: UInt8.self) & m != 0 ? 0 : 4
                        y[out] = dl * Float(low - high)
                        out += 1
                    }
                }
                m <<= 1
            }
        }
    }

    static func q4_K(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = b.half(at: 0), dmin = b.half(at: 2)
        let scales = b + 4, qs = b + 16
        for group in 0..<4 {
            let (s1, m1) = scaleMinK4(2 * group, scales)
            let (s2, m2) = scaleMinK4(2 * group + 1, scales)
            let q = qs + 32 * group, out = y + 64 * group
            for l in 0..<32 {
                let byte = q.load(fromByteOffset: l, as: UInt8.self)
                out[l] = d * s1 * Float(byte & 0x0F) - dmin * m1
                out[l + 32] = d * s2 * Float(byte >> 4) - dmin * m2
            }
        }
    }

    static func q5_K(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = b.half(at: 0), dmin = b.half(at: 2)
        let scales = b + 4, qh = b + 16, qs = b + 48
        for group in 0..<4 {
            let (s1, m1) = scaleMinK4(2 * group, scales)
            let (s2, m2) = scaleMinK4(2 * group + 1, scales)
            let u1 = UInt8(1) << UInt8(2 * group), u2 = UInt8(2) << UInt8(2 * group)
            let q = qs + 32 * group, out = y + 64 * group
            for l in 0..<32 {
                let byte = q.load(fromByteOffset: l, as: UInt8.self)
                let high = qh.load(fromByteOffset: l, as: UInt8.self)
                let lo = Float((byte & 0x0F) + (high & u1 != 0 ? 16 : 0))
                let hi = Float((byte >> 4) + (high & u2 != 0 ? 16 : 0))
                out[l] = d * s1 * lo - dmin * m1
                out[l + 32] = d * s2 * hi - dmin * m2
            }
        }
    }

    static func q6_K(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let ql0 = b, qh0 = b + 128, sc0 = b + 192
        let d = b.half(at: 208)
        for half in 0..<2 {
            let ql = ql0 + 64 * half, qh = qh0 + 32 * half, sc = sc0 + 8 * half
            let out = y + 128 * half
            func scale(_ i: Int) -> Float { d * Float(sc.load(fromByteOffset: i, as: Int8.self)) }
            for l in 0..<32 {
                let s = l / 16
                let a = ql.load(fromByteOffset: l, as: UInt8.self)
                let c = ql.load(fromByteOffset: l + 32, as: UInt8.self)
                let h = qh.load(fromByteOffset: l, as: UInt8.self)
                let q1 = Int((a & 0x0F) | ((h & 3) << 4)) - 32
                let q2 = Int((c & 0x0F) | (((h >> 2) & 3) << 4)) - 32
                let q3 = Int((a >> 4) | (((h >> 4) & 3) << 4)) - 32
                let q4 = Int((c >> 4) | (((h >> 6) & 3) << 4)) - 32
                out[l] = scale(s) * Float(q1)
                out[l + 32] = scale(s + 2) * Float(q2)
                out[l + 64] = scale(s + 4) * Float(q3)
                out[l + 96] = scale(s + 6) * Float(q4)
            }
        }
    }
}
