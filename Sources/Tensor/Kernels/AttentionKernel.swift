import CKernels

/// Causal self-attention of one head, forward and backward, on either `KernelPath`.
///
/// Glossary: t positions, hs head size, ld* row strides as stored. Every product is a chain
/// of fused multiply-adds in a fixed order, the same on both paths (`CKernels/include/attention.h`):
/// - scores `s[i][j] = (sum over d of q[i][d] k[j][d]) * scale` for `j <= i`, d ascending;
/// - `p[i] = softmax(s[i][0...i])` (`SoftmaxKernel`), zeros after `i`;
/// - "rows": `out[i][c] (+)= alpha * sum over j = 0...i of w[i][j] x[j][c]`, j ascending;
/// - "columns": `out[j][c] (+)= alpha * sum over i = j..<t of w[i][j] x[i][c]`, i ascending;
/// - the softmax's backward `ds[i][j] = p[i][j] (dp[i][j] - dot)` with `dot` the lane sum
///   (`LaneSum`) of `p[i][j] dp[i][j]` over `j <= i`.
enum AttentionKernel {
    /// Floats of scratch space `forward` or `backward` needs (on either path).
    static func scratchCount(t: Int, hs: Int) -> Int { fewshot_attention_scratch(t, hs) + hs }

    /// Whether `path` runs as itself for head size `hs`: the AVX2 kernels need multiples of
    /// 8; other sizes run the portable code, which gives the same bits.
    static func effectivePath(_ path: KernelPath, hs: Int) -> KernelPath {
        path == .avx2 && hs % 8 == 0 ? .avx2 : .portable
    }

    /// `att (t x t) = softmax(scale q k^T)` over `j <= i`, zeros after; `y (t x hs, row
    /// stride ldy) = att v`. q, k, v are `t x hs` with row stride `ld`.
    static func forward(
        q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>, ld: Int, t: Int, hs: Int,
        scale: Float, att: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>, ldy: Int,
        scratch: UnsafeMutablePointer<Float>, path: KernelPath
    ) {
        if effectivePath(path, hs: hs) == .avx2 {
            return fewshot_attention_forward(q, k, v, ld, t, hs, scale, att, y, ldy, scratch)
        }
        let kt = scratch, acc = scratch + hs * t
        transpose(k, ld, t: t, hs: hs, into: kt)
        for i in 0..<t {
            let row = att + i * t
            scores(row: i, q, ld, kt, t: t, hs: hs, scale: scale, into: row)
            SoftmaxKernel.row(row, row, i + 1, path: .portable)
            for j in (i + 1)..<t { row[j] = 0 }
        }
        rows(att, t, v, ld, t: t, hs: hs, alpha: 1, y, ldy, accumulate: false, scratch: acc)
    }

    /// Gradients of `forward` given its `att` and `dy` (`t x hs`, row stride lddy): dq, dk, dv
    /// (row stride `ld`) are overwritten, or added into when `accumulate`.
    static func backward(
        q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>, ld: Int,
        att: UnsafePointer<Float>, dy: UnsafePointer<Float>, lddy: Int, t: Int, hs: Int, scale: Float,
        dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>,
        accumulate: Bool, scratch: UnsafeMutablePointer<Float>, path: KernelPath
    ) {
        if effectivePath(path, hs: hs) == .avx2 {
            return fewshot_attention_backward(
                q, k, v, ld, att, dy, lddy, t, hs, scale, dq, dk, dv, accumulate ? 1 : 0, scratch)
        }
        let vt = scratch, ds = scratch + hs * t, acc = ds + t * t  // ds (t, t): dP, then dS in place
        transpose(v, ld, t: t, hs: hs, into: vt)
        for i in 0..<t {
            let row = ds + i * t, p = att + i * t
            scores(row: i, dy, lddy, vt, t: t, hs: hs, scale: 1, into: row)
            let dot = LaneSum.dot(p, row, i + 1)
            for j in 0...i { row[j] = p[j] * (row[j] - dot) }
        }
        columns(att, t, dy, lddy, t: t, hs: hs, alpha: 1, dv, ld, accumulate: accumulate, scratch: acc)
        rows(ds, t, k, ld, t: t, hs: hs, alpha: scale, dq, ld, accumulate: accumulate, scratch: acc)
        columns(ds, t, q, ld, t: t, hs: hs, alpha: scale, dk, ld, accumulate: accumulate, scratch: acc)
    }

    // The portable loops below add whole rows with `fewshot_axpy_fma` (one fused multiply-add
    // per element), so each value's chain runs in the order above.

    /// `bt (hs x t) = b^T` for b of t rows (row stride ldb).
    private static func transpose(
        _ b: UnsafePointer<Float>, _ ldb: Int, t: Int, hs: Int, into bt: UnsafeMutablePointer<Float>
    ) {
        for j in 0..<t {
            for d in 0..<hs { bt[d * t + j] = b[j * ldb + d] }
        }
    }

    /// `out[j] = (sum over d of a[i][d] b[j][d]) * scale` for `j <= i`, from `bt = b^T`.
    private static func scores(
        row i: Int, _ a: UnsafePointer<Float>, _ lda: Int, _ bt: UnsafePointer<Float>, t: Int, hs: Int,
        scale: Float, into out: UnsafeMutablePointer<Float>
    ) {
        let ai = a + i * lda
        out.update(repeating: 0, count: i + 1)
        for d in 0..<hs { fewshot_axpy_fma(i + 1, ai[d], bt + d * t, out) }
        for j in 0...i { out[j] *= scale }
    }

    /// `out[i][c] (+)= alpha * sum over j = 0...i of w[i][j] x[j][c]`; `acc` holds hs values.
    private static func rows(
        _ w: UnsafePointer<Float>, _ ldw: Int, _ x: UnsafePointer<Float>, _ ldx: Int, t: Int, hs: Int,
        alpha: Float, _ out: UnsafeMutablePointer<Float>, _ ldo: Int, accumulate: Bool,
        scratch acc: UnsafeMutablePointer<Float>
    ) {
        for i in 0..<t {
            acc.update(repeating: 0, count: hs)
            for j in 0...i { fewshot_axpy_fma(hs, w[i * ldw + j], x + j * ldx, acc) }
            store(acc, alpha: alpha, hs: hs, out + i * ldo, accumulate: accumulate)
        }
    }

    /// `out[j][c] (+)= alpha * sum over i = j..<t of w[i][j] x[i][c]`; `acc` holds hs values.
    private static func columns(
        _ w: UnsafePointer<Float>, _ ldw: Int, _ x: UnsafePointer<Float>, _ ldx: Int, t: Int, hs: Int,
        alpha: Float, _ out: UnsafeMutablePointer<Float>, _ ldo: Int, accumulate: Bool,
        scratch acc: UnsafeMutablePointer<Float>
    ) {
        for j in 0..<t {
            acc.update(repeating: 0, count: hs)
            for i in j..<t { fewshot_axpy_fma(hs, w[i * ldw + j], x + i * ldx, acc) }
            store(acc, alpha: alpha, hs: hs, out + j * ldo, accumulate: accumulate)
        }
    }

    /// `out (+)= acc * alpha`, as the AVX2 kernels store their accumulators.
    private static func store(
        _ acc: UnsafePointer<Float>, alpha: Float, hs: Int, _ out: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        for c in 0..<hs { out[c] = accumulate ? out[c] + acc[c] * alpha : acc[c] * alpha }
    }
}
