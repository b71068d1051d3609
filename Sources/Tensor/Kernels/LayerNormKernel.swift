import CKernels

/// LayerNorm's inner loops over rows of `c` values, on either `KernelPath`, with bit-identical
/// results.
///
/// The formulas, fixed once for both paths (sums are 16-lane sums, `LaneSum16`; no FMA):
/// - forward: `m = sum(x) / c`, `d = x - m`, `sd = 1 / sqrt(sum(d * d) / c + eps)`,
///   `y = (d * sd) * w + b` (no addition without a bias);
/// - backward: `norm = (x - m) * sd`, `gw = g * w`, `meanD = sum(gw) / c`,
///   `meanDN = sum(gw * norm) / c`, `dw += g * norm`, `db += g`,
///   `dx = sd * ((gw - meanD) - norm * meanDN)` (added to the old dx as `old + dx`).
enum LayerNormKernel {
    /// `y = (x - mean) / sqrt(var + eps) * w + b` for `rows` rows (`b` nil: no shift); saves
    /// each row's mean and 1/std.
    static func forward(
        _ x: UnsafePointer<Float>, weight w: UnsafePointer<Float>, bias b: UnsafePointer<Float>?,
        _ y: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>,
        rows: Int, c: Int, eps: Float, path: KernelPath = .best
    ) {
        if path == .avx2 {
            fewshot_layer_norm_forward(x, w, b, y, mean, rstd, rows, c, eps)
            return
        }
        for r in 0..<rows {
            let row = x + r * c, out = y + r * c
            let m = LaneSum.sum(row, c) / Float(c)
            var sq = LaneSum16()
            var j = 0
            while j < c {
                var d = loadLanes(row + j, count: c - j) - m
                if c - j < 8 { for l in (c - j)..<8 { d[l] = 0 } }
                sq.add(d * d, at: j)
                j += 8
            }
            let sd = 1 / (sq.total / Float(c) + eps).squareRoot()
            mean[r] = m
            rstd[r] = sd
            j = 0
            while j < c {
                let count = c - j
                var v = (loadLanes(row + j, count: count) - m) * sd * loadLanes(w + j, count: count)
                if let b { v = v + loadLanes(b + j, count: count) }
                storeLanes(v, out + j, count: count)
                j += 8
            }
        }
    }

    /// Backward for `rows` rows: `dx` (overwritten, or added into when `accumulate`), and the
    /// rows' weight and bias gradients added into `dw` and `db`, row by row in order.
    static func backward(
        _ x: UnsafePointer<Float>, weight w: UnsafePointer<Float>, mean: UnsafePointer<Float>,
        rstd: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
        dw: UnsafeMutablePointer<Float>, db: UnsafeMutablePointer<Float>, rows: Int, c: Int,
        accumulate: Bool, path: KernelPath = .best
    ) {
        if path == .avx2 {
            fewshot_layer_norm_backward(x, w, mean, rstd, dy, dx, dw, db, rows, c, accumulate ? 1 : 0)
            return
        }
        for r in 0..<rows {
            let m = mean[r], sd = rstd[r]
            let gr = dy + r * c, xr = x + r * c, out = dx + r * c
            var sumD = LaneSum16(), sumDN = LaneSum16()
            var j = 0
            while j < c {
                let count = c - j
                let g = loadLanes(gr + j, count: count)
                let norm = (loadLanes(xr + j, count: count) - m) * sd
                let d = g * loadLanes(w + j, count: count)
                sumD.add(d, at: j)
                sumDN.add(d * norm, at: j)
                storeLanes(loadLanes(dw + j, count: count) + g * norm, dw + j, count: count)
                storeLanes(loadLanes(db + j, count: count) + g, db + j, count: count)
                j += 8
            }
            let meanD = sumD.total / Float(c), meanDN = sumDN.total / Float(c)
            j = 0
            while j < c {
                let count = c - j
                let norm = (loadLanes(xr + j, count: count) - m) * sd
                let d = loadLanes(gr + j, count: count) * loadLanes(w + j, count: count)
                var v = sd * ((d - meanD) - norm * meanDN)
                if accumulate { v = loadLanes(out + j, count: count) + v }
                storeLanes(v, out + j, count: count)
                j += 8
            }
        }
    }
}
