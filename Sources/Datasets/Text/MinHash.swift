/// MinHash signatures of token sets and an LSH index over them: texts whose sets overlap
/// a lot (Jaccard similarity) land in a shared bucket in at least one band with high probability.
/// With `bands` b and `rowsPerBand` r, a pair with Jaccard s becomes a candidate with
/// probability 1 - (1 - s^r)^b.
public struct MinHashLSH: Sendable {
    /// Number of bands.
    public let bands: Int
    /// Hash functions per band.
    public let rowsPerBand: Int
    private let multipliers: [UInt64]
    private let addends: [UInt64]
    // Buckets as linked lists in flat arrays: the head entry of each band key sits in an
    // open-addressing table (linear probing; a Dictionary was the bottleneck), then next pointers.
    private var slotKeys = [UInt64](repeating: 0, count: 1024)
    private var slotHeads = [Int32](repeating: -1, count: 1024)
    private var used = 0
    private var entryItem: [Int32] = []
    private var entryNext: [Int32] = []

    /// An empty index; the hash functions are fixed by `seed`.
    public init(bands: Int = 32, rowsPerBand: Int = 3, seed: UInt64 = 0x5EED) {
        precondition(bands > 0 && rowsPerBand > 0, "MinHashLSH needs positive bands and rows")
        self.bands = bands
        self.rowsPerBand = rowsPerBand
        var rng = SplitMix64(seed: seed)
        multipliers = (0..<bands * rowsPerBand).map { _ in rng.next() | 1 }
        addends = (0..<bands * rowsPerBand).map { _ in rng.next() }
    }

    /// The band keys of a token set (one per band); an empty set has keys no other set shares.
    public func bandKeys(_ tokens: [Int32]) -> [UInt64] {
        let n = bands * rowsPerBand
        var mins = [UInt64](repeating: .max, count: n)
        mins.withUnsafeMutableBufferPointer { m in
            multipliers.withUnsafeBufferPointer { a in
                addends.withUnsafeBufferPointer { b in
                    for t in tokens {
                        let h = mix(UInt64(UInt32(bitPattern: t)))
                        for f in 0..<n {
                            let v = a[f] &* h &+ b[f]
                            if v < m[f] { m[f] = v }
                        }
                    }
                }
            }
        }
        return (0..<bands).map { band in
            var key = mix(UInt64(band) &+ 0x1234_5678)
            for r in 0..<rowsPerBand { key = mix(key ^ mins[band * rowsPerBand + r]) }
            return key
        }
    }

    /// Adds `item` under its band keys.
    public mutating func insert(_ item: Int32, keys: [UInt64]) {
        if 2 * (used + keys.count) > slotKeys.count { grow() }
        for key in keys {
            let s = slot(key)
            if slotHeads[s] < 0 { slotKeys[s] = key; used += 1 }
            entryItem.append(item)
            entryNext.append(slotHeads[s])
            slotHeads[s] = Int32(entryItem.count - 1)
        }
    }

    /// Calls `body` with every item sharing a band key (an item may come more than once).
    public func forEachCandidate(keys: [UInt64], _ body: (Int32) -> Void) {
        for key in keys {
            var e = slotHeads[slot(key)]
            while e >= 0 {
                body(entryItem[Int(e)])
                e = entryNext[Int(e)]
            }
        }
    }

    /// The slot holding `key`, or the empty slot where it would go.
    @inline(__always)
    private func slot(_ key: UInt64) -> Int {
        let mask = slotKeys.count - 1
        var s = Int(truncatingIfNeeded: key) & mask
        while slotHeads[s] >= 0 && slotKeys[s] != key { s = (s + 1) & mask }
        return s
    }

    private mutating func grow() {
        let oldKeys = slotKeys
        let oldHeads = slotHeads
        slotKeys = [UInt64](repeating: 0, count: oldKeys.count * 2)
        slotHeads = [Int32](repeating: -1, count: oldKeys.count * 2)
        for (k, h) in zip(oldKeys, oldHeads) where h >= 0 {
            let s = slot(k)
            slotKeys[s] = k
            slotHeads[s] = h
        }
    }
}

/// A 64-bit finaliser (SplitMix64's): spreads the bits of `x`.
@inline(__always)
func mix(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
