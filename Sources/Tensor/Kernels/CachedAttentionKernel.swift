import CKernels
import PortableMath

/// One query head's attention over a sequence's cached keys and values (decoding with a KV
/// cache), on either `KernelPath`, with bit-identical results. The order of every sum is
/// `cached_attention.h`'s: 8-lane dot products whose lanes are summed in order, a sequential
/// softmax total, and the values summed position by position.
public enum CachedAttention {
    /// For each of `heads` query heads that share these keys and values (grouped-query
    /// attention; head h's query is `q + h * headDim`, its result `out + h * headDim`):
    /// `softmax(q . k_j / sqrt(headDim)) v_j` over the first `length` positions, with key and
    /// value rows `stride` Floats apart. A head's result never depends on the others; together
    /// they read the cache once. `scores` needs room for `heads * length` Floats.
    ///
    /// ```swift
    /// CachedAttention.attend(query: q, heads: 3, keys: k, values: v, stride: kvDim, length: 12,
    ///                        headDim: 64, scores: scratch, out: y)
    /// ```
    public static func attend(
        query q: UnsafePointer<Float>, heads: Int = 1, keys k: UnsafePointer<Float>, values v: UnsafePointer<Float>,
        stride: Int, length: Int, headDim: Int, scores: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>,
        path: KernelPath = .best
    ) {
        if path == .avx2 {
            fewshot_cached_attention(q, heads, k, v, stride, length, headDim, scores, out)
            return
        }
        for h in 0..<heads {
            attendOne(
                query: q + h * headDim, keys: k, values: v, stride: stride, length: length, headDim: headDim,
                scores: scores, out: out + h * headDim)
        }
    }

    /// One head on the portable path: the specification written out.
    private static func attendOne(
        query q: UnsafePointer<Float>, keys k: UnsafePointer<Float>, values v: UnsafePointer<Float>, stride: Int,
        length: Int, headDim: Int, scores: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>
    ) {
        let scale = 1 / Float(headDim).squareRoot()
        var maxScore = -Float.infinity
        for j in 0..<length {
            let s = dot(q, k + j * stride, headDim) * scale
            scores[j] = s
            maxScore = max(maxScore, s)
        }
        var total: Float = 0
        for j in 0..<length {
            let e = Reproducible.exp(scores[j] - maxScore)
            scores[j] = e
            total += e
        }
        out.update(repeating: 0, count: headDim)
        for j in 0..<length {
            let w = scores[j] / total
            let row = v + j * stride
            for d in 0..<headDim { out[d] += w * row[d] }
        }
    }

    /// 8-lane dot product of two `n`-value vectors: lanes summed in order, then the tail's
    /// products (summed in order) added.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = SIMD8<Float>()
        var i = 0
        while i + 8 <= n {
            acc +=
                UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
                * UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
            i += 8
        }
        var tail: Float = 0
        while i < n {
            tail += a[i] * b[i]
            i += 1
        }
        return acc.sum() + tail
    }
}
