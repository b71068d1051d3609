/// The portable path of the products of quantised weight rows with Float activations (CPUs
/// without AVX2, or `FEWSHOT_KERNELS=portable`; the AVX2 kernels live in `CKernels`).
///
/// The specification, shared with the AVX2 kernels (`quantized_dot.h`), so that every path,
/// CPU and thread count gives the same bits: each weight is decoded to Float (Q4_1: `q * d + m`,
/// a product then a sum; Q4_0: `(q - 8) * d`; Q8_0: `q * d`; F16: the exact half), and the row's
/// product is the `LaneSum` of `w_j * x_j` (value j to partial `j % 16`, each product rounded
/// then added, then the fixed tree). Nothing is fused: Swift never contracts `a * b + c`.
///
/// Each row is decoded into a small Float buffer with plain scalar loops (which LLVM
/// vectorises: widen, convert, scale) and then summed with `LaneSum.dot`. Swift's generic SIMD
/// integer-to-float conversions compile to calls, so the decoding avoids them.
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

    /// Sum of `count` Floats, in order from +0 (the block sums of x, on every path).
    @inline(__always)
    static func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var total: Float = 0
        for i in 0..<count { total += x[i] }
        return total
    }

    /// `sums[b] = sum(x + 32 b, count: 32)` for `blocks` consecutive blocks, four at a time: the
    /// four sums run side by side, each in its own order (the bits of `sum`), so their chains of
    /// additions overlap.
    static func blockSums(_ x: UnsafePointer<Float>, blocks: Int, into sums: UnsafeMutablePointer<Float>) {
        var b = 0
        while b + 4 <= blocks {
            let p = x + 32 * b
            var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0
            for i in 0..<32 {
                s0 += p[i]
                s1 += p[32 + i]
                s2 += p[64 + i]
                s3 += p[96 + i]
            }
            sums[b] = s0
            sums[b + 1] = s1
            sums[b + 2] = s2
            sums[b + 3] = s3
            b += 4
        }
        for rest in b..<blocks { sums[rest] = sum(x + 32 * rest, count: 32) }
    }
}
