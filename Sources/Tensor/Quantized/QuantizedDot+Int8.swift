/// The portable path of the products with 8-bit activations (`ActivationFormat.int8`): the
/// same rounding of x and the same sums as the AVX2 kernels of `CKernels`, bit for bit.
///
/// The specification (also in `quantized_dot.h`): x is rounded to signed bytes per block of 32
/// (`quantize`). For block b of a Q4_0, Q4_1 or Q8_0 row, `isum_b` is the exact integer dot of
/// its 32 weight integers (Q4: the nibbles 0...15; Q8_0: the signed bytes) with the 32 bytes of
/// x, and `scale_b = d_w * d_x` (one rounded product). Block b goes to Float partial `b % 8`:
/// `p += scale_b * Float(isum_b)`, then (Q4 only) `p += offset_b * blockSum_b`, where
/// `offset_b` is m (Q4_1) or -8 d (Q4_0) and `blockSum_b` the Float sum of x's block in order
/// (`QuantizedDot.sum`); each product is rounded, then added; blocks in order from +0. The
/// product is `LaneSum.combine8(p)`.
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

    /// The exact dot of a Q4 block's 32 nibbles (16 bytes: low nibbles are values 0...15, high
    /// nibbles 16...31) with 32 bytes of x.
    @inline(__always)
    static func nibbleDot(_ q: UnsafePointer<UInt8>, _ x: UnsafePointer<Int8>) -> Int32 {
        var s: Int32 = 0
        for j in 0..<16 { s &+= Int32(q[j] & 0x0F) &* Int32(x[j]) &+ Int32(q[j] >> 4) &* Int32(x[j + 16]) }
        return s
    }

    /// The exact dot of 32 signed bytes (a Q8_0 block's) with 32 bytes of x.
    @inline(__always)
    static func byteDot(_ w: UnsafePointer<Int8>, _ x: UnsafePointer<Int8>) -> Int32 {
        var s: Int32 = 0
        for j in 0..<32 { s &+= Int32(w[j]) &* Int32(x[j]) }
        return s
    }

    /// 8 Floats from `p`.
    @inline(__always)
    static func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }

    /// `y[t * yStride + r]` for rows `range` of Q4_1, Q4_0 or Q8_0 `data` and every token t of
    /// 8-bit activations (`bytes`, `scales` and Float `blockSums`, one token after another).
    static func int8Rows(
        _ type: GGMLType, _ data: UnsafeRawPointer, rowBytes: Int, _ range: Range<Int>, bytes: UnsafePointer<Int8>,
        scales: UnsafePointer<Float>, blockSums: UnsafePointer<Float>, blocks: Int, tokens: Int,
        _ y: UnsafeMutablePointer<Float>, yStride: Int
    ) {
        let kind = type == .q4_1 ? 0 : type == .q4_0 ? 1 : 2
        let blockBytes = [20, 18, 34][kind], integersAt = [4, 2, 2][kind]
        // Per block of the row: d, the offset (m, -8 d or none), and the integer dot as a Float.
        let d = UnsafeMutablePointer<Float>.allocate(capacity: 3 * blocks)
        defer { d.deallocate() }
        let offset = d + blocks, isum = d + 2 * blocks
        for r in range {
            let row = data + r * rowBytes
            for b in 0..<blocks {
                let block = row + blockBytes * b
                d[b] = block.half(at: 0)
                offset[b] = kind == 0 ? block.half(at: 2) : kind == 1 ? -8 * d[b] : 0
            }
            for t in 0..<tokens {
                let x = bytes + t * 32 * blocks, dx = scales + t * blocks, sums = blockSums + t * blocks
                for b in 0..<blocks {
                    let integers = row + blockBytes * b + integersAt
                    let dot =
                        kind == 2
                        ? byteDot(integers.assumingMemoryBound(to: Int8.self), x + 32 * b)
                        : nibbleDot(integers.assumingMemoryBound(to: UInt8.self), x + 32 * b)
                    isum[b] = Float(dot)
                }
                var p = SIMD8<Float>()
                var b = 0
                while b + 8 <= blocks {
                    let scale = load8(d + b) * load8(dx + b)
                    p += scale * load8(isum + b)
                    if kind != 2 { p += load8(offset + b) * load8(sums + b) }
                    b += 8
                }
                for i in 0..<(blocks - b) {
                    let scale = d[b + i] * dx[b + i]
                    p[i] += scale * isum[b + i]
                    if kind != 2 { p[i] += offset[b + i] * sums[b + i] }
                }
                y[t * yStride + r] = LaneSum.combine8(p)
            }
        }
    }
}
