/// The merge table of byte-level BPE: for each mergeable pair of token ids, its rank and the id
/// it merges into.
///
/// Built once when a vocabulary loads and read for every adjacent pair of every new word, so it
/// is an open-addressing table over packed 64-bit keys with a multiplicative hash (a Swift
/// `Dictionary` hashes each key with SipHash, which cost more than the merging itself).
struct BPEPairTable: Sendable {
    /// One mergeable pair's outcome.
    struct Merge: Equatable {
        var rank: UInt32
        var merged: Int32
    }

    /// A key and its merge side by side, so a probe touches one cache line.
    private struct Entry {
        var key: UInt64
        var merge: Merge
    }

    /// A key no pair has: both ids are -1, and negative ids never merge.
    private static let emptyKey = UInt64.max
    private var entries: [Entry]
    private var shift: UInt64
    private(set) var count = 0

    /// A table sized for `capacity` pairs, at most half full.
    init(capacity: Int) {
        var bits: UInt64 = 4
        while (1 << bits) < 2 * max(capacity, 1) { bits += 1 }
        entries = [Entry](repeating: Entry(key: Self.emptyKey, merge: Merge(rank: 0, merged: 0)), count: 1 << bits)
        shift = 64 - bits
    }

    /// Packs a pair of ids as one key.
    @inline(__always)
    static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    @inline(__always)
    private func slot(of key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// Records that `left right` merges into `merged` at `rank`; of several merges of one pair
    /// the lowest rank wins.
    mutating func insert(left: Int32, right: Int32, rank: UInt32, merged: Int32) {
        precondition(left >= 0 && right >= 0, "BPE merges join non-negative ids")
        if 2 * (count + 1) > entries.count { grow() }
        let key = Self.key(left, right)
        let mask = entries.count - 1
        var i = slot(of: key)
        while entries[i].key != Self.emptyKey {
            if entries[i].key == key {
                if rank < entries[i].merge.rank { entries[i].merge = Merge(rank: rank, merged: merged) }
                return
            }
            i = (i + 1) & mask
        }
        entries[i] = Entry(key: key, merge: Merge(rank: rank, merged: merged))
        count += 1
    }

    /// The merge of `left right`, or nil if the pair never merges (or either id is negative).
    @inline(__always)
    func merge(_ left: Int32, _ right: Int32) -> Merge? {
        guard left >= 0, right >= 0 else { return nil }
        let key = Self.key(left, right)
        return entries.withUnsafeBufferPointer { entries in
            let mask = entries.count - 1
            var i = slot(of: key)
            while true {
                let entry = entries[i]
                if entry.key == key { return entry.merge }
                if entry.key == Self.emptyKey { return nil }
                i = (i + 1) & mask
            }
        }
    }

    private mutating func grow() {
        let old = entries.filter { $0.key != Self.emptyKey }
        self = BPEPairTable(capacity: entries.count)
        for entry in old {
            insert(
                left: Int32(bitPattern: UInt32(entry.key >> 32)),
                right: Int32(bitPattern: UInt32(truncatingIfNeeded: entry.key)),
                rank: entry.merge.rank, merged: entry.merge.merged)
        }
    }
}
