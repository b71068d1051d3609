import CKernels

/// LayerNorm's inner loops over rows of `c` values, on either `KernelPath`.
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
            var m: Float = 0
            for j in 0..<c { m += row[j] }
            m /= Float(c)
            var v: Float = 0
            for j in 0..<c { v += (row[j] - m) * (row[j] - m) }
            let sd = 1 / (v / Float(c) + eps).squareRoot()
            mean[r] = m
            rstd[r] = sd
            for j in 0..<c { out[j] = (row[j] - m) * sd * w[j] + (b?[j] ?? 0) }
        }
    }

    /// Backward for `rows` rows: `dx` (overwritten, or added into when `accumulate`), and the
    /// rows' weight and bias gradients added into `dw` and `db`.
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
            var meanD: Float = 0, meanDN: Float = 0
            for j in 0..<c {
                let norm = (xr[j] - m) * sd
                let d = gr[j] * w[j]
                meanD += d
                meanDN += d * norm
                dw[j] += gr[j] * norm
                db[j] += gr[j]
            }
            meanD /= Float(c)
            meanDN /= Float(c)
            for j in 0..<c {
                let norm = (xr[j] - m) * sd
                let d = sd * (gr[j] * w[j] - meanD - norm * meanDN)
                out[j] = accumulate ? out[j] + d : d
            }
        }
    }
}
