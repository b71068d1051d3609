/// The tokenizer's memory of words it has already merged: each pre-tokenised word's bytes map to
/// its token ids.
///
/// Text repeats its words, so most words of a long text are found here, and the lookup is the
/// tokenizer's hottest path. An open-addressing table with a cheap hash over 8-byte chunks keeps
/// it allocation-free: keys and ids live in two growing arenas, a slot holds offsets into them.
struct BPEWordCache {
    private struct Slot {
        /// The key's hash; 0 marks an empty slot (`hash` never returns 0).
        var hash: UInt64 = 0
        var keyLength: UInt32 = 0
        var keyStart: UInt32 = 0
        var idsStart: UInt32 = 0
        var idsCount: UInt32 = 0
    }

    private var slots: [Slot]
    private var keyBytes: [UInt8] = []
    private var ids: [Int32] = []
    private(set) var count = 0
    /// Words kept at most; past it the cache starts over (a text with endless new words must not
    /// grow memory without bound).
    let limit: Int

    init(limit: Int) {
        self.limit = limit
        slots = [Slot](repeating: Slot(), count: 1024)
    }

    /// A 64-bit hash of `word`, never 0.
    @inline(__always)
    static func hash(_ word: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let k: UInt64 = 0x9E37_79B9_7F4A_7C15
        var h = UInt64(word.count) &* k
        var i = 0
        let base = UnsafeRawPointer(word.baseAddress!)
        while i + 8 <= word.count {
            let m = (h ^ base.loadUnaligned(fromByteOffset: i, as: UInt64.self)).multipliedFullWidth(by: k)
            h = m.high ^ m.low
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < word.count {
            tail |= UInt64(word[i]) << shift
            shift += 8
            i += 1
        }
        let m = (h ^ tail ^ 0x2D35_8DCC_AA6C_78A5).multipliedFullWidth(by: k)
        h = m.high ^ m.low
        return h == 0 ? 1 : h
    }

    /// Appends the ids of `word` to `out` and returns true, or returns false if `word` is not cached.
    @inline(__always)
    func appendIDs(of word: UnsafeBufferPointer<UInt8>, hash: UInt64, to out: inout [Int]) -> Bool {
        slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            var i = Int(truncatingIfNeeded: hash) & mask
            while true {
                let slot = slots[i]
                if slot.hash == 0 { return false }
                if slot.hash == hash && slot.keyLength == word.count && matches(slot, word) {
                    ids.withUnsafeBufferPointer { ids in
                        for j in Int(slot.idsStart)..<Int(slot.idsStart + slot.idsCount) { out.append(Int(ids[j])) }
                    }
                    return true
                }
                i = (i + 1) & mask
            }
        }
    }

    /// Whether the key bytes of `slot` are `word` (same length already checked): words are short,
    /// so 8-byte loads beat a call to `memcmp`.
    @inline(__always)
    private func matches(_ slot: Slot, _ word: UnsafeBufferPointer<UInt8>) -> Bool {
        keyBytes.withUnsafeBytes { keys in
            let key = keys.baseAddress! + Int(slot.keyStart)
            let other = UnsafeRawPointer(word.baseAddress!)
            var i = 0
            while i + 8 <= word.count {
                if key.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    != other.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                {
                    return false
                }
                i += 8
            }
            while i < word.count {
                if key.load(fromByteOffset: i, as: UInt8.self) != word[i] { return false }
                i += 1
            }
            return true
        }
    }

    /// Remembers that `word` (not cached yet) encodes to `wordIDs`.
    mutating func insert(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64, ids wordIDs: ArraySlice<Int32>) {
        if count >= limit || keyBytes.count + word.count > Int(UInt32.max) || ids.count + wordIDs.count > Int(UInt32.max) {
            removeAll()
        }
        if 2 * (count + 1) > slots.count { grow() }
        let slot = Slot(
            hash: hash, keyLength: UInt32(word.count),
            keyStart: UInt32(keyBytes.count), idsStart: UInt32(ids.count), idsCount: UInt32(wordIDs.count))
        keyBytes.append(contentsOf: word)
        ids.append(contentsOf: wordIDs)
        place(slot)
        count += 1
    }

    private mutating func place(_ slot: Slot) {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: slot.hash) & mask
        while slots[i].hash != 0 { i = (i + 1) & mask }
        slots[i] = slot
    }

    /// Forgets every word, keeping the memory for the next ones.
    private mutating func removeAll() {
        for i in slots.indices { slots[i] = Slot() }
        keyBytes.removeAll(keepingCapacity: true)
        ids.removeAll(keepingCapacity: true)
        count = 0
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(), count: old.count * 2)
        for slot in old where slot.hash != 0 { place(slot) }
    }
}
