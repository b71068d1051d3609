import CKernels
import PortableMath

/// One query head's attention over a sequence's cached keys and values (decoding with a KV
/// cache), on either `KernelPath`, with bit-identical results. The order of every sum is
/// `cached_attention.h`'s: 8-lane dot products whose lanes are summed in order, a sequential
/// softmax total, and the values summed position by position.
public enum CachedAttention {
    /// A sequence's cached keys and values for one kv head, as runs of consecutive positions in
    /// order (for example a prompt prefix that several sequences share, then the sequence's
    /// own positions). Run r's key and value rows start at `keys[r]` and `values[r]`.
    public struct Runs {
        /// Each run's first key row.
        public var keys: [UnsafePointer<Float>?] = []
        /// Each run's first value row.
        public var values: [UnsafePointer<Float>?] = []
        /// Each run's positions.
        public var counts: [Int] = []

        /// No runs yet, with room for `capacity` of them.
        public init(capacity: Int = 0) {
            keys.reserveCapacity(capacity)
            values.reserveCapacity(capacity)
            counts.reserveCapacity(capacity)
        }

        /// One run of `count` positions.
        public init(keys: UnsafePointer<Float>, values: UnsafePointer<Float>, count: Int) {
            append(keys: keys, values: values, count: count)
        }

        /// Adds a run after the others.
        public mutating func append(keys: UnsafePointer<Float>, values: UnsafePointer<Float>, count: Int) {
            self.keys.append(keys)
            self.values.append(values)
            counts.append(count)
        }
    }

    /// For each of `heads` query heads that share these keys and values (grouped-query
    /// attention; head h's query is `q + h * headDim`, its result `out + h * headDim`):
    /// `softmax(q . k_j / sqrt(headDim)) v_j` over the first `length` positions of `runs`, with
    /// key and value rows `stride` Floats apart. How the positions are split into runs never
    /// changes a bit. A head's result never depends on the others; together they read the cache
    /// once. `scores` needs room for `heads * length` Floats.
    ///
    /// ```swift
    /// CachedAttention.attend(query: q, heads: 3, runs: .init(keys: k, values: v, count: 12), stride: kvDim,
    ///                        length: 12, headDim: 64, scores: scratch, out: y)
    /// ```
    public static func attend(
        query q: UnsafePointer<Float>, heads: Int = 1, runs: Runs, stride: Int, length: Int, headDim: Int,
        scores: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>, path: KernelPath = .best
    ) {
        precondition(runs.counts.reduce(0, +) >= length, "fewer cached positions than the length attended")
        if path == .avx2 {
            runs.keys.withUnsafeBufferPointer { k in
                runs.values.withUnsafeBufferPointer { v in
                    runs.counts.withUnsafeBufferPointer { n in
                        fewshot_cached_attention(
                            q, heads, k.baseAddress, v.baseAddress, n.baseAddress, runs.counts.count, stride, length,
                            headDim, scores, out)
                    }
                }
            }
            return
        }
        for h in 0..<heads {
            attendOne(
                query: q + h * headDim, runs: runs, stride: stride, length: length, headDim: headDim,
                scores: scores, out: out + h * headDim)
        }
    }

    /// The positions of `runs` up to `length`, in order: each run's first rows and how many of
    /// its positions count.
    private static func positions(
        _ runs: Runs, length: Int
    ) -> [(keys: UnsafePointer<Float>, values: UnsafePointer<Float>, count: Int)] {
        var parts: [(keys: UnsafePointer<Float>, values: UnsafePointer<Float>, count: Int)] = []
        var start = 0
        for r in runs.counts.indices where start < length {
            parts.append((runs.keys[r]!, runs.values[r]!, min(runs.counts[r], length - start)))
            start += runs.counts[r]
        }
        return parts
    }

    /// One head on the portable path: the specification written out.
    private static func attendOne(
        query q: UnsafePointer<Float>, runs: Runs, stride: Int, length: Int, headDim: Int,
        scores: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>
    ) {
        let parts = positions(runs, length: length)
        let scale = 1 / Float(headDim).squareRoot()
        var maxScore = -Float.infinity
        var j = 0
        for part in parts {
            for p in 0..<part.count {
                let s = dot(q, part.keys + p * stride, headDim) * scale
                scores[j] = s
                maxScore = max(maxScore, s)
                j += 1
            }
        }
        var total: Float = 0
        for j in 0..<length {
            let e = Reproducible.exp(scores[j] - maxScore)
            scores[j] = e
            total += e
        }
        out.update(repeating: 0, count: headDim)
        j = 0
        for part in parts {
            for p in 0..<part.count {
                let w = scores[j] / total
                let row = part.values + p * stride
                for d in 0..<headDim { out[d] += w * row[d] }
                j += 1
            }
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
