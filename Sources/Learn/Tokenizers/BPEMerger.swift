/// The merge loop of byte-level BPE: starting from one symbol per byte, repeatedly merge the
/// adjacent pair of lowest rank (leftmost first on ties) until no pair can merge.
///
/// The same order as llama.cpp's priority queue and Hugging Face `tokenizers`; a binary heap
/// with lazy deletion keeps long words at O(n log n).
struct BPEMerger {
    /// Packs a pair of symbol ids as a dictionary key.
    @inline(__always)
    static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    /// (rank << 32 | merged id) for each mergeable pair of ids.
    let pairs: [UInt64: UInt64]

    private struct Candidate {
        var rank: UInt32
        var left: Int32
        var right: Int32
        var leftId: Int32
        var rightId: Int32

        @inline(__always)
        func precedes(_ other: Candidate) -> Bool {
            rank != other.rank ? rank < other.rank : left < other.left
        }
    }

    /// Merges `symbols` (ids; negative ids never merge) and returns the final ids.
    func merge(_ symbols: [Int32]) -> [Int32] {
        let n = symbols.count
        if n < 2 { return symbols }
        var ids = symbols
        var next = [Int32](unsafeUninitializedCapacity: n) { b, c in
            for i in 0..<n { b[i] = Int32(i + 1) }
            b[n - 1] = -1
            c = n
        }
        var prev = [Int32](unsafeUninitializedCapacity: n) { b, c in
            for i in 0..<n { b[i] = Int32(i - 1) }
            c = n
        }
        var heap: [Candidate] = []
        heap.reserveCapacity(n)

        func push(_ l: Int32, _ r: Int32) {
            guard l >= 0, r >= 0 else { return }
            let a = ids[Int(l)], b = ids[Int(r)]
            guard a >= 0, b >= 0, let packed = pairs[Self.key(a, b)] else { return }
            heap.append(Candidate(rank: UInt32(packed >> 32), left: l, right: r, leftId: a, rightId: b))
            var i = heap.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard heap[i].precedes(heap[parent]) else { break }
                heap.swapAt(i, parent)
                i = parent
            }
        }
        func pop() -> Candidate {
            let top = heap[0]
            let last = heap.removeLast()
            if !heap.isEmpty {
                heap[0] = last
                var i = 0
                while true {
                    let l = 2 * i + 1, r = l + 1
                    var best = i
                    if l < heap.count && heap[l].precedes(heap[best]) { best = l }
                    if r < heap.count && heap[r].precedes(heap[best]) { best = r }
                    if best == i { break }
                    heap.swapAt(i, best)
                    i = best
                }
            }
            return top
        }

        for i in 0..<(n - 1) { push(Int32(i), Int32(i + 1)) }
        let dead: Int32 = Int32.min
        while !heap.isEmpty {
            let c = pop()
            let l = Int(c.left), r = Int(c.right)
            // Skip candidates made stale by an earlier merge.
            guard ids[l] == c.leftId, ids[r] == c.rightId, next[l] == c.right else { continue }
            ids[l] = Int32(truncatingIfNeeded: pairs[Self.key(c.leftId, c.rightId)]! & 0xFFFF_FFFF)
            ids[r] = dead
            next[l] = next[r]
            if next[r] >= 0 { prev[Int(next[r])] = c.left }
            push(prev[l], c.left)
            push(c.left, next[l])
        }
        var out: [Int32] = []
        var i: Int32 = 0
        while i >= 0 {
            out.append(ids[Int(i)])
            i = next[Int(i)]
        }
        return out
    }
}
