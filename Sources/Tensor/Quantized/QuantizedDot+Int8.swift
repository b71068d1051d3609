/// The portable path of the products with 8-bit activations (`ActivationFormat.int8`): the
/// same rounding of x and the same sums as the AVX2 kernels of `CKernels`, bit for bit.
///
/// The specification (also in `quantized_dot.h`): x is rounded to signed bytes per block of 32
/// (`quantize`). For block b of a Q4_0, Q4_1 or Q8_0 row, `isum_b` is the exact integer dot of
/// its 32 weight integers (Q4: the nibbles 0...15; Q8_0: the signed bytes) with the 32 bytes of
/// x, and `scale_b = d_w * d_x` (one rounded product). Block b goes to Float partial `b % 8`:
/// `p += scale_b * Float(isum_b)` (the product rounded, then added), blocks in order from +0;
/// the 8 partials are summed by `LaneSum.combine8`. The Q4 offsets (m, or -8 d) multiply the
/// exact Float block sums of x: `offsets += offset_b * blockSum_b` over b in order from +0
/// (none for Q8_0); the product is `combine8(p) + offsets`.
extension QuantizedDot {
    /// `a > b ? a : b`: x86's `maxps`, whose NaN and signed-zero cases the AVX2 rounding sees.
    @inline(__always)
    static func maxps(_ a: Float, _ b: Float) -> Float { a > b ? a : b }

    /// `v` rounded to nearest, ties to even, as `cvtps2dq` then saturating packs do, clamped to
    /// -127...127 (NaN and values out of Int32's range give -127, as `cvtps2dq`'s
    /// 0x80000000 does).
    @inline(__always)
    static func roundToByte(_ v: Float) -> Int8 {
        let r: Float
        if v.magnitude < 0x1p22 {
            // Adding and removing 1.5 * 2^23 rounds to an integer (ties to even) in the default
            // rounding mode, without a libm call on baseline x86-64.
            r = (v + 0x1.8p23) - 0x1.8p23
        } else {
            guard v >= -0x1p31 && v < 0x1p31 else { return -127 }
            r = v.rounded(.toNearestOrEven)
        }
        return Int8(max(-127, min(127, r)))
    }

    /// Rounds x (`32 * blocks` Floats) to signed bytes per block, as `fewshot_quantize_q8`:
    /// amax is the maximum of |x| over the block, taken with `maxps` in the tree of the AVX2
    /// code (lanes l, l + 8, l + 16, l + 24 as max(max(a, b), max(c, d)); then lanes l and
    /// l + 4, l and l + 2, 0 and 1); `scales[b] = amax / 127`; each byte is
    /// `roundToByte(x * (127 / amax))`, or of `x * 0` when amax is not positive.
    static func quantize(
        _ x: UnsafePointer<Float>, blocks: Int, into q: UnsafeMutablePointer<Int8>, scales: UnsafeMutablePointer<Float>
    ) {
        for b in 0..<blocks {
            let v = x + 32 * b, out = q + 32 * b
            var m = SIMD8<Float>()
            for l in 0..<8 {
                m[l] = maxps(maxps(v[l].magnitude, v[l + 8].magnitude), maxps(v[l + 16].magnitude, v[l + 24].magnitude))
            }
            let h0 = maxps(maxps(m[0], m[4]), maxps(m[2], m[6]))
            let h1 = maxps(maxps(m[1], m[5]), maxps(m[3], m[7]))
            let amax = maxps(h0, h1)
            scales[b] = amax / 127
            let inverse: Float = amax > 0 ? 127 / amax : 0
            for j in 0..<32 { out[j] = roundToByte(v[j] * inverse) }
        }
    }

    /// The exact dot of 32 weight integers with 32 bytes of x.
    @inline(__always)
    static func dot32(_ w: UnsafePointer<Int8>, _ x: UnsafePointer<Int8>) -> Int32 {
        var s: Int32 = 0
        for j in 0..<32 { s &+= Int32(w[j]) &* Int32(x[j]) }
        return s
    }

    /// The weight integers of one row (Q4: nibbles 0...15, low nibbles first; Q8_0: the signed
    /// bytes) into `w`, their scales d into `d` and their offsets (Q4_1: m; Q4_0: -8 d;
    /// Q8_0: 0) into `offset`.
    @inline(__always)
    static func decodeIntegers(
        _ type: GGMLType, _ row: UnsafeRawPointer, blocks: Int, w: UnsafeMutablePointer<Int8>,
        d: UnsafeMutablePointer<Float>, offset: UnsafeMutablePointer<Float>
    ) {
        let blockBytes = type == .q4_1 ? 20 : type == .q4_0 ? 18 : 34
        for b in 0..<blocks {
            let block = row + blockBytes * b, out = w + 32 * b
            d[b] = block.half(at: 0)
            switch type {
            case .q4_1, .q4_0:
                offset[b] = type == .q4_1 ? block.half(at: 2) : -8 * d[b]
                let q = (block + (type == .q4_1 ? 4 : 2)).assumingMemoryBound(to: UInt8.self)
                for j in 0..<16 {
                    out[j] = Int8(bitPattern: q[j] & 0x0F)
                    out[j + 16] = Int8(bitPattern: q[j] >> 4)
                }
            default:
                offset[b] = 0
                out.update(from: (block + 2).assumingMemoryBound(to: Int8.self), count: 32)
            }
        }
    }

    /// `y[t * yStride + r]` for rows `range` of Q4_1, Q4_0 or Q8_0 `data` and every token t of
    /// 8-bit activations (`bytes`, `scales` and Float `blockSums`, one token after another).
    static func int8Rows(
        _ type: GGMLType, _ data: UnsafeRawPointer, rowBytes: Int, _ range: Range<Int>, bytes: UnsafePointer<Int8>,
        scales: UnsafePointer<Float>, blockSums: UnsafePointer<Float>, blocks: Int, tokens: Int,
        _ y: UnsafeMutablePointer<Float>, yStride: Int
    ) {
        let columns = 32 * blocks
        let w = UnsafeMutablePointer<Int8>.allocate(capacity: columns)
        let d = UnsafeMutablePointer<Float>.allocate(capacity: blocks + 8)
        let offset = UnsafeMutablePointer<Float>.allocate(capacity: blocks)
        defer {
            w.deallocate()
            d.deallocate()
            offset.deallocate()
        }
        for r in range {
            decodeIntegers(type, data + r * rowBytes, blocks: blocks, w: w, d: d, offset: offset)
            for t in 0..<tokens {
                let x = bytes + t * columns, dx = scales + t * blocks, sums = blockSums + t * blocks
                var p = SIMD8<Float>()
                var b = 0
                while b + 8 <= blocks {
                    var isum = SIMD8<Float>()
                    for i in 0..<8 { isum[i] = Float(dot32(w + 32 * (b + i), x + 32 * (b + i))) }
                    let scale =
                        UnsafeRawPointer(d + b).loadUnaligned(as: SIMD8<Float>.self)
                        * UnsafeRawPointer(dx + b).loadUnaligned(as: SIMD8<Float>.self)
                    p += scale * isum
                    b += 8
                }
                for i in 0..<(blocks - b) {
                    let scale = d[b + i] * dx[b + i]
                    p[i] += scale * Float(dot32(w + 32 * (b + i), x + 32 * (b + i)))
                }
                var offsets: Float = 0
                if type != .q8_0 {
                    for b in 0..<blocks { offsets += offset[b] * sums[b] }
                }
                y[t * yStride + r] = LaneSum.combine8(p) + offsets
            }
        }
    }
}
