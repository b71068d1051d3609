import Foundation
import Tensor

/// Mean-pooled vectors of token sequences from one encoder whose weights never change (the
/// installed MiniLM, shared by every frozen student), kept so that each text is encoded once
/// per process, not once per student.
///
/// A pooled vector depends on its tokens only (batching never changes a bit), so a cached
/// vector is the one a fresh computation would give.
///
/// ```swift
/// let cache = PooledVectorCache()
/// let v = try cache.pooled([[101, 2204, 102]], encoder: encoder)  // (1, C), off the tape
/// ```
public final class PooledVectorCache: @unchecked Sendable {
    private var vectors: [[Int]: [Float]] = [:]
    private let lock = NSLock()
    /// Past this many sequences, the cache is emptied (all at once) before adding more.
    private let limit: Int

    /// An empty cache holding up to `limit` vectors.
    public init(limit: Int = 200_000) { self.limit = max(1, limit) }

    /// How many sequences have a vector.
    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return vectors.count
    }

    /// The pooled vectors of `rows` in order, computing only those not seen before, in batches
    /// of 64 of similar length. `(B, C)`, off the tape.
    public func pooled(_ rows: [[Int]], encoder: BertEncoder) throws -> Tensor {
        lock.lock()
        defer { lock.unlock() }
        var missing: [[Int]] = []
        var seen = Set<[Int]>()
        for r in rows where vectors[r] == nil && seen.insert(r).inserted { missing.append(r) }
        if vectors.count + missing.count > limit {
            vectors = [:]
            seen = []
            missing = rows.filter { seen.insert($0).inserted }
        }
        missing.sort { $0.count < $1.count }
        let c = encoder.config.width
        try noGrad {
            for start in stride(from: 0, to: missing.count, by: 64) {
                let chunk = Array(missing[start..<min(missing.count, start + 64)])
                let pooled = try encoder.pooled(chunk)  // (b, C)
                for (i, r) in chunk.enumerated() { vectors[r] = Array(pooled.data[(i * c)..<((i + 1) * c)]) }
            }
        }
        return try Tensor(rows.flatMap { vectors[$0]! }, shape: [rows.count, c])  // (B, C)
    }
}
