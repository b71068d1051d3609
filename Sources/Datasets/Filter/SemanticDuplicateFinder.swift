import PortableMath

/// distilabel's embedding dedupe: a row is dropped when the cosine of its embedding with any
/// row kept before it is at least the threshold.
///
/// Candidates come from random-hyperplane LSH (SimHash, Charikar 2002) over the kept rows:
/// `tables` hash tables, each keyed by the signs of a vector's dot products with `bits`
/// Gaussian hyperplanes. Two vectors at angle θ agree on one sign with probability 1 - θ/π,
/// so a pair at cosine c shares a bucket in at least one table with probability
/// `1 - (1 - (1 - acos(c)/π)^bits)^tables`. Every candidate's cosine is then computed
/// exactly, so nothing is dropped wrongly; a duplicate can only be missed (recall below 1).
///
/// ```swift
/// let verdicts = SemanticDuplicateFinder(threshold: 0.9).verdicts(unitVectors)
/// ```
struct SemanticDuplicateFinder {
    let threshold: Double
    let search: SemanticDuplicateSearch

    init(threshold: Double, search: SemanticDuplicateSearch = .hyperplanes()) {
        self.threshold = threshold
        self.search = search
    }

    /// One verdict per vector: nil keeps it; a reason names the kept row (by position) and the
    /// cosine. Vectors are normalised here; a zero vector is kept and matches nothing.
    func verdicts(_ vectors: [[Float]]) -> [DropReason?] {
        let dimension = vectors.first?.count ?? 0
        var flat = [Float](repeating: 0, count: vectors.count * dimension)
        var zero = [Bool](repeating: false, count: vectors.count)
        for (i, v) in vectors.enumerated() {
            var squares: Float = 0
            for x in v { squares += x * x }
            zero[i] = !(squares > 0) || v.count != dimension
            if zero[i] { continue }
            let scale = 1 / squares.squareRoot()
            for d in 0..<dimension { flat[i * dimension + d] = v[d] * scale }
        }
        switch search {
        case .exhaustive: return exhaustive(flat, dimension: dimension, zero: zero)
        case .hyperplanes(let tables, let bits, let seed):
            return lsh(flat, dimension: dimension, zero: zero, tables: tables, bits: bits, seed: seed)
        }
    }

    /// The cosine of rows `a` and `b` of `flat` (unit vectors).
    @inline(__always)
    private static func dot(_ flat: UnsafeBufferPointer<Float>, _ a: Int, _ b: Int, _ dimension: Int) -> Float {
        dot(flat.baseAddress! + a * dimension, flat.baseAddress! + b * dimension, dimension)
    }

    /// `Σ a[d]·b[d]` in eight lanes (lane d mod 8), then the lanes and the tail in order: the
    /// same bits on every machine, and vectorised.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        var lanes = SIMD8<Float>(repeating: 0)
        var d = 0
        while d + 8 <= count {
            let x = UnsafeRawPointer(a + d).loadUnaligned(as: SIMD8<Float>.self)
            let y = UnsafeRawPointer(b + d).loadUnaligned(as: SIMD8<Float>.self)
            lanes += x * y
            d += 8
        }
        var s: Float = 0
        for l in 0..<8 { s += lanes[l] }
        while d < count {
            s += a[d] * b[d]
            d += 1
        }
        return s
    }

    private func reason(_ other: Int, _ cosine: Float) -> DropReason {
        DropReason("", other: other, score: Double(cosine), measure: "cosine")
    }

    private func exhaustive(_ flat: [Float], dimension: Int, zero: [Bool]) -> [DropReason?] {
        var kept: [Int] = []
        let t = Float(threshold)
        return flat.withUnsafeBufferPointer { f in
            zero.indices.map { i in
                if zero[i] { return nil }
                for k in kept {
                    let c = Self.dot(f, i, k, dimension)
                    if c >= t { return reason(k, c) }
                }
                kept.append(i)
                return nil
            }
        }
    }

    private func lsh(_ flat: [Float], dimension: Int, zero: [Bool], tables: Int, bits: Int, seed: UInt64) -> [DropReason?] {
        let n = zero.count
        let planes = Self.hyperplanes(count: tables * bits, dimension: dimension, seed: seed)  // (tables*bits, D)
        let buckets = 1 << bits
        // Per table, a linked list per bucket: heads[table * buckets + key] is the last kept row
        // put there, next[table * n + row] the one before it (-1 ends a list).
        var heads = [Int32](repeating: -1, count: tables * buckets)
        var next = [Int32](repeating: -1, count: tables * n)
        var stamp = [Int32](repeating: -1, count: n)
        var keys = [Int](repeating: 0, count: tables)
        let t = Float(threshold)
        var verdicts: [DropReason?] = []
        verdicts.reserveCapacity(n)
        flat.withUnsafeBufferPointer { f in
            planes.withUnsafeBufferPointer { p in
                for i in 0..<n {
                    if zero[i] {
                        verdicts.append(nil)
                        continue
                    }
                    let v = f.baseAddress! + i * dimension
                    for table in 0..<tables {
                        var key = 0
                        for b in 0..<bits {
                            let plane = p.baseAddress! + (table * bits + b) * dimension
                            if Self.dot(v, plane, dimension) >= 0 { key |= 1 << b }
                        }
                        keys[table] = key
                    }
                    var hit: DropReason?
                    search: for table in 0..<tables {
                        var c = heads[table * buckets + keys[table]]
                        while c >= 0 {
                            let candidate = Int(c)
                            c = next[table * n + candidate]
                            guard stamp[candidate] != Int32(i) else { continue }
                            stamp[candidate] = Int32(i)
                            let cosine = Self.dot(f, i, candidate, dimension)
                            if cosine >= t {
                                hit = reason(candidate, cosine)
                                break search
                            }
                        }
                    }
                    if hit == nil {
                        for table in 0..<tables {
                            next[table * n + i] = heads[table * buckets + keys[table]]
                            heads[table * buckets + keys[table]] = Int32(i)
                        }
                    }
                    verdicts.append(hit)
                }
            }
        }
        return verdicts
    }

    /// `count` hyperplane normals of `dimension` standard normal values (Box-Muller over
    /// SplitMix64, with PortableMath's log and cos: the same planes on every machine).
    static func hyperplanes(count: Int, dimension: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        var out: [Float] = []
        out.reserveCapacity(count * dimension)
        while out.count < count * dimension {
            let u1 = (Double(rng.next() >> 11) + 1) / 9_007_199_254_740_993  // (0, 1]
            let u2 = Double(rng.next() >> 11) / 9_007_199_254_740_992  // [0, 1)
            let r = (-2 * Reproducible.log(u1)).squareRoot()
            out.append(Float(r * Reproducible.cos(2 * Double.pi * u2)))
        }
        return out
    }
}

/// How semantic-duplicate candidates are found before the exact cosine is computed.
public enum SemanticDuplicateSearch: Hashable, Sendable {
    /// Every kept row is a candidate: exact, quadratic.
    case exhaustive
    /// Random-hyperplane LSH: a pair at cosine c is compared with probability
    /// `1 - (1 - (1 - acos(c)/π)^bits)^tables` (at c = 0.9 with the defaults, 0.95).
    case hyperplanes(tables: Int = 34, bits: Int = 16, seed: UInt64 = 0x5EED)
}
