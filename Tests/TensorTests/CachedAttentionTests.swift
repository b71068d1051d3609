import Foundation
import Testing

@testable import Tensor

/// One query head over a KV cache: the AVX2 kernel gives the portable path's bits, and both
/// compute attention.
@Suite struct CachedAttentionTests {
    /// `attend` over keys `k` and values `v` (rows `stride` apart), given as runs of the
    /// positions split after each of `splits` (none: one run).
    static func attend(
        query q: UnsafePointer<Float>, heads: Int = 1, keys k: [Float], values v: [Float], splits: [Int] = [],
        stride: Int, length: Int, headDim: Int, scores: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>,
        path: KernelPath
    ) {
        k.withUnsafeBufferPointer { kb in
            v.withUnsafeBufferPointer { vb in
                var runs = CachedAttention.Runs()
                let bounds = [0] + splits + [k.count / stride]
                for (from, to) in zip(bounds, bounds.dropFirst()) {
                    runs.append(
                        keys: kb.baseAddress! + from * stride, values: vb.baseAddress! + from * stride, count: to - from)
                }
                CachedAttention.attend(
                    query: q, heads: heads, runs: runs, stride: stride, length: length, headDim: headDim,
                    scores: scores, out: out, path: path)
            }
        }
    }

    /// `out` for `heads` random queries sharing random keys and values on `path`, as bits.
    static func attend(
        heads: Int = 1, length: Int, positions: Int? = nil, headDim: Int, stride: Int, seed: UInt64, splits: [Int] = [],
        path: KernelPath
    ) -> [UInt32] {
        let q = QuantizedKernelTests.randomInput(heads * headDim, seed: seed)
        let k = QuantizedKernelTests.randomInput((positions ?? length) * stride, seed: seed &+ 1)
        let v = QuantizedKernelTests.randomInput((positions ?? length) * stride, seed: seed &+ 2)
        var scores = [Float](repeating: .nan, count: heads * length)
        var out = [Float](repeating: .nan, count: heads * headDim)
        attend(
            query: q, heads: heads, keys: k, values: v, splits: splits, stride: stride, length: length,
            headDim: headDim, scores: &scores, out: &out, path: path)
        return out.map(\.bitPattern)
    }

    @Test(.enabled(if: CPUFeatures.hasAVX2FMA, "compares the AVX2 kernel with the portable path; this CPU has no AVX2/FMA"))
    func avx2AndPortableGiveTheSameBits() {
        // Head sizes that are and are not multiples of 8 and 64; lengths around the 8-position
        // blocks, and a long cache.
        for headDim in [64, 8, 12, 72, 130] {
            for length in [1, 2, 7, 8, 9, 16, 17, 170] {
                let stride = headDim * 3 + 5
                let seed = UInt64(headDim * 1_000 + length)
                let portable = Self.attend(length: length, headDim: headDim, stride: stride, seed: seed, path: .portable)
                let avx2 = Self.attend(length: length, headDim: headDim, stride: stride, seed: seed, path: .avx2)
                #expect(portable == avx2, "head \(headDim), \(length) positions")
            }
        }
    }

    /// Heads that share a cache (grouped-query attention) get what each would get alone, on
    /// both paths; 70 positions span several of the AVX2 value pass's blocks.
    @Test func sharedHeadsGetWhatEachGetsAlone() {
        let heads = 3, headDim = 64, length = 70, stride = 192
        let q = QuantizedKernelTests.randomInput(heads * headDim, seed: 21)
        let k = QuantizedKernelTests.randomInput(length * stride, seed: 22)
        let v = QuantizedKernelTests.randomInput(length * stride, seed: 23)
        for path in KernelPath.available {
            var scores = [Float](repeating: .nan, count: heads * length)
            var together = [Float](repeating: .nan, count: heads * headDim)
            Self.attend(
                query: q, heads: heads, keys: k, values: v, stride: stride, length: length, headDim: headDim,
                scores: &scores, out: &together, path: path)
            for h in 0..<heads {
                var alone = [Float](repeating: .nan, count: headDim)
                q.withUnsafeBufferPointer { qb in
                    Self.attend(
                        query: qb.baseAddress! + h * headDim, keys: k, values: v, stride: stride, length: length,
                        headDim: headDim, scores: &scores, out: &alone, path: path)
                }
                #expect(Array(together[(h * headDim)..<((h + 1) * headDim)]) == alone, "\(path) head \(h)")
            }
        }
        #expect(
            Self.attend(heads: 3, length: 41, headDim: 72, stride: 250, seed: 9, path: .portable)
                == Self.attend(heads: 3, length: 41, headDim: 72, stride: 250, seed: 9, path: KernelPath.available.last!))
    }

    /// A cache split into runs (a shared prompt prefix, then a sequence's own positions) gives
    /// the bits of one contiguous cache on every path, wherever the splits fall: inside and on
    /// the edges of the AVX2 kernel's 8-position score blocks and 32-position value blocks, with
    /// empty runs, and with the length ending inside a run.
    @Test func runsGiveTheBitsOfOneContiguousCache() {
        let headDim = 64, stride = 200, positions = 90
        let cases: [(splits: [Int], length: Int)] = [
            ([1], 90), ([7], 90), ([8], 90), ([13, 40], 90), ([32, 64], 90), ([45], 45), ([45], 30), ([3, 3, 3], 77),
            ([0, 50], 90), ([89], 90), ([60, 61, 62], 88),
        ]
        for path in KernelPath.available {
            for (i, c) in cases.enumerated() {
                let whole = Self.attend(
                    heads: 3, length: c.length, positions: positions, headDim: headDim, stride: stride,
                    seed: UInt64(500 + i), path: path)
                let split = Self.attend(
                    heads: 3, length: c.length, positions: positions, headDim: headDim, stride: stride,
                    seed: UInt64(500 + i), splits: c.splits, path: path)
                #expect(whole == split, "\(path): splits \(c.splits), length \(c.length)")
            }
        }
    }

    @Test func itIsSoftmaxWeightedValues() {
        let headDim = 12, length = 5, stride = 12
        let q = QuantizedKernelTests.randomInput(headDim, seed: 3)
        let k = QuantizedKernelTests.randomInput(length * stride, seed: 4)
        let v = QuantizedKernelTests.randomInput(length * stride, seed: 5)
        let logits = (0..<length).map { j in
            (0..<headDim).reduce(0.0) { $0 + Double(q[$1]) * Double(k[j * stride + $1]) } / Double(headDim).squareRoot()
        }
        let top = logits.max()!
        let weights = logits.map { Foundation.exp($0 - top) }
        let total = weights.reduce(0, +)
        for path in KernelPath.available {
            var scores = [Float](repeating: 0, count: length)
            var out = [Float](repeating: 0, count: headDim)
            Self.attend(
                query: q, keys: k, values: v, stride: stride, length: length, headDim: headDim, scores: &scores,
                out: &out, path: path)
            for d in 0..<headDim {
                let want = (0..<length).reduce(0.0) { $0 + weights[$1] / total * Double(v[$1 * stride + d]) }
                #expect(abs(Double(out[d]) - want) < 1e-5 * max(1, abs(want)), "\(path) value \(d)")
            }
        }
    }
}
