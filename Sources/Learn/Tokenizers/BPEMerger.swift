/// The merge loop of byte-level BPE: starting from one symbol per byte, repeatedly merge the
/// adjacent pair of lowest rank (leftmost first on ties) until no pair can merge.
///
/// The same order as llama.cpp's priority queue and Hugging Face `tokenizers`. Most words are a
/// few bytes long, and for them a scan over the candidate pairs (as tiktoken does) beats any
/// queue; words longer than `shortWordLimit` use a binary heap with lazy deletion, which keeps
/// them at O(n log n).
struct BPEMerger {
    let pairs: BPEPairTable

    /// The longest word merged by scanning; the heap takes longer ones.
    static let shortWordLimit = 48

    /// Merges `ids` in place (negative ids never merge): afterwards it holds the word's tokens.
    func merge(_ ids: inout [Int32]) {
        if ids.count < 2 { return }
        if ids.count <= Self.shortWordLimit {
            mergeByScanning(&ids)
        } else {
            mergeWithHeap(&ids)
        }
    }

    /// Quadratic merging: the candidate merge of each adjacent pair sits in a small stack buffer,
    /// each round takes the leftmost lowest rank, and only the two pairs beside the merge change.
    func mergeByScanning(_ ids: inout [Int32]) {
        let n = ids.count
        if n < 2 { return }
        let never = BPEPairTable.Merge(rank: .max, merged: -1)
        let remaining = withUnsafeTemporaryAllocation(of: BPEPairTable.Merge.self, capacity: n) { candidates in
            ids.withUnsafeMutableBufferPointer { ids in
                var count = n
                for i in 0..<count - 1 { candidates[i] = pairs.merge(ids[i], ids[i + 1]) ?? never }
                while count > 1 {
                    var best = -1
                    var bestRank = UInt32.max
                    for i in 0..<count - 1 where candidates[i].rank < bestRank {
                        best = i
                        bestRank = candidates[i].rank
                    }
                    if best < 0 { break }
                    // ids[best] absorbs ids[best + 1]; the pairs after it shift left by one.
                    ids[best] = candidates[best].merged
                    for j in (best + 1)..<(count - 1) { ids[j] = ids[j + 1] }
                    for j in (best + 1)..<max(best + 1, count - 2) { candidates[j] = candidates[j + 1] }
                    count -= 1
                    if best + 1 < count { candidates[best] = pairs.merge(ids[best], ids[best + 1]) ?? never }
                    if best > 0 { candidates[best - 1] = pairs.merge(ids[best - 1], ids[best]) ?? never }
                }
                return count
            }
        }
        ids.removeLast(n - remaining)
    }

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

    /// Heap-ordered merging over a linked list of symbols, for long words.
    func mergeWithHeap(_ symbols: inout [Int32]) {
        let n = symbols.count
        if n < 2 { return }
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
            guard let merge = pairs.merge(a, b) else { return }
            heap.append(Candidate(rank: merge.rank, left: l, right: r, leftId: a, rightId: b))
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
            ids[l] = pairs.merge(c.leftId, c.rightId)!.merged
            ids[r] = dead
            next[l] = next[r]
            if next[r] >= 0 { prev[Int(next[r])] = c.left }
            push(prev[l], c.left)
            push(c.left, next[l])
        }
        symbols.removeAll(keepingCapacity: true)
        var i: Int32 = 0
        while i >= 0 {
            symbols.append(ids[Int(i)])
            i = next[Int(i)]
        }
    }
}
