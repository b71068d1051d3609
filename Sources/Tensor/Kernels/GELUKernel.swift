import CKernels

/// GELU's inner loops (tanh form) over a flat run of values, on either `KernelPath`.
enum GELUKernel {
    /// `y = gelu(x)` for `n` values; the tanh values go to `tanhOut` for `backward`.
    static func forward(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, tanhOut t: UnsafeMutablePointer<Float>,
        _ n: Int, path: KernelPath = .best
    ) {
        if path == .avx2 {
            fewshot_gelu_forward(x, y, t, n)
            return
        }
        var i = 0
        while i + 8 <= n {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            let tv = simdTanh(geluC * (v + 0.044715 * v * v * v))
            UnsafeMutableRawPointer(t + i).storeBytes(of: tv, as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(y + i).storeBytes(of: 0.5 * v * (1 + tv), as: SIMD8<Float>.self)
            i += 8
        }
        for i in i..<n {
            let v = x[i]
            let tv = fastTanh(geluC * (v + 0.044715 * v * v * v))
            t[i] = tv
            y[i] = 0.5 * v * (1 + tv)
        }
    }

    /// `dx = dy * gelu'(x)` from the forward's tanh values, added into `dx` when `accumulate`.
    static func backward(
        _ x: UnsafePointer<Float>, tanh t: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
        _ dx: UnsafeMutablePointer<Float>, _ n: Int, accumulate: Bool, path: KernelPath = .best
    ) {
        if path == .avx2 {
            fewshot_gelu_backward(x, t, dy, dx, n, accumulate ? 1 : 0)
            return
        }
        for i in 0..<n {
            let v = x[i], tv = t[i]
            let du = geluC * (1 + 3 * 0.044715 * v * v)
            let d = dy[i] * (0.5 * (1 + tv) + 0.5 * v * (1 - tv * tv) * du)
            dx[i] = accumulate ? dx[i] + d : d
        }
    }
}
