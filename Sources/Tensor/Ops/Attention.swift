/// Fused causal self-attention over packed query/key/value projections.
///
/// Glossary: B batch, T time, C channels, nh heads, hs = C / nh head size.
extension Tensor {
    /// Multi-head causal attention: `softmax(Q K^T / sqrt(hs) + causal mask) V`, heads concatenated.
    ///
    /// self is `[B, T, 3C]` holding Q, K, V side by side (GPT-2's `c_attn` output); result
    /// `[B, T, C]`. Heads are read in place through strides (nothing is transposed); the
    /// (b, head) pairs run in parallel, each whole on one thread. Forward saves the attention
    /// weights for backward.
    public func causalSelfAttention(heads nh: Int) throws -> Tensor {
        try causalSelfAttention(heads: nh, path: .best)
    }

    /// `causalSelfAttention(heads:)` on the given path (both give the same bits).
    func causalSelfAttention(heads nh: Int, path: KernelPath) throws -> Tensor {
        guard rank == 3, shape[2] % 3 == 0, nh > 0, (shape[2] / 3) % nh == 0 else {
            throw TensorError(
                "causalSelfAttention", "input \(shapeText(shape)) must be [B, T, 3C] with C divisible by \(nh) heads")
        }
        let b = shape[0], t = shape[1], c = shape[2] / 3, hs = c / nh
        let scale = 1 / Float(hs).squareRoot()
        let qkv = data
        let pairs = b * nh
        let scratchCount = AttentionKernel.scratchCount(t: t, hs: hs)
        // (B, nh, T, T) attention weights, kept for backward. Both buffers are written in full
        // by the kernel (the softmax, the causal zeros and the products), so neither is cleared.
        var att = [Float](unsafeUninitializedCapacity: pairs * t * t) { _, len in len = pairs * t * t }
        var y = [Float](unsafeUninitializedCapacity: b * t * c) { _, len in len = b * t * c }  // (B, T, C)
        _ = Parallel.threadCount
        qkv.withUnsafeBufferPointer { pq in
            att.withUnsafeMutableBufferPointer { pa in
                y.withUnsafeMutableBufferPointer { py in
                    let q0 = pq.baseAddress!, a0 = pa.baseAddress!, y0 = py.baseAddress!
                    Parallel.forPairs(pairs) { pair in
                        let bi = pair / nh, h = pair % nh
                        let q = q0 + bi * t * 3 * c + h * hs, k = q + c, v = q + 2 * c
                        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: scratchCount)
                        defer { scratch.deallocate() }
                        AttentionKernel.forward(
                            q: q, k: k, v: v, ld: 3 * c, t: t, hs: hs, scale: scale, att: a0 + pair * t * t,
                            y: y0 + bi * t * c + h * hs, ldy: c, scratch: scratch, path: path)
                    }
                }
            }
        }
        let weights = att
        return Tensor.record(y, [b, t, c], [self]) { res in
            let g = res.grad!
            // A fresh gradient is overwritten head by head, not zero-filled first: every value
            // of [B, T, 3C] is one head's Q, K or V.
            self.updateGrad { gq, accumulate in
                g.withUnsafeBufferPointer { pg in
                    qkv.withUnsafeBufferPointer { pq in
                        weights.withUnsafeBufferPointer { pa in
                            let g0 = pg.baseAddress!, q0 = pq.baseAddress!, a0 = pa.baseAddress!
                            Parallel.forPairs(pairs) { pair in
                                let bi = pair / nh, h = pair % nh
                                let off = bi * t * 3 * c + h * hs
                                let q = q0 + off, dq = gq + off
                                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: scratchCount)
                                defer { scratch.deallocate() }
                                AttentionKernel.backward(
                                    q: q, k: q + c, v: q + 2 * c, ld: 3 * c, att: a0 + pair * t * t,
                                    dy: g0 + bi * t * c + h * hs, lddy: c, t: t, hs: hs, scale: scale, dq: dq,
                                    dk: dq + c, dv: dq + 2 * c, accumulate: accumulate, scratch: scratch, path: path)
                            }
                        }
                    }
                }
            }
        }
    }
}

extension Parallel {
    /// Runs `body(i)` for `i` in `0..<count`, spread over the worker threads (each index runs
    /// whole on one thread).
    static func forPairs(_ count: Int, _ body: (Int) -> Void) {
        let workers = min(threadCount, count)
        if workers <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        perform(workers) { w in
            var i = w
            while i < count {
                body(i)
                i += workers
            }
        }
    }
}
