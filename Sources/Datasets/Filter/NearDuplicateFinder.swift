/// Self-Instruct's near-duplicate filter: a row is dropped when its ROUGE-L F-measure with
/// any row kept before it is above the threshold. Candidates come from every kept row
/// (exhaustive) or from a MinHash/LSH index of the kept rows; ROUGE-L itself is always exact.
struct NearDuplicateFinder {
    let threshold: Double
    let search: NearDuplicateSearch

    func verdicts(_ texts: [String]) -> [DropReason?] {
        var vocab = Vocabulary()
        let tokens = texts.map { vocab.encode($0) }
        switch search {
        case .exhaustive: return exhaustive(tokens)
        case .minHash(let bands, let rows): return lsh(tokens, vocabularySize: vocab.count, bands: bands, rows: rows)
        }
    }

    /// ROUGE-L F of `a` and `b` if it can exceed the threshold, else nil. The F-measure is at
    /// most 2·min(|a|,|b|)/(|a|+|b|), which rules out most pairs of unequal length for free.
    @inline(__always)
    private func score(_ a: [Int32], _ b: [Int32], _ scratch: inout [Int32]) -> Double? {
        let bound = 2 * Double(min(a.count, b.count)) / Double(a.count + b.count)
        guard bound > threshold else { return nil }
        let f = rougeL(tokens: a, b, scratch: &scratch).fMeasure
        return f > threshold ? f : nil
    }

    private func exhaustive(_ tokens: [[Int32]]) -> [DropReason?] {
        var kept: [Int] = []
        var scratch: [Int32] = []
        return tokens.enumerated().map { i, t in
            for k in kept { if let f = score(t, tokens[k], &scratch) { return DropReason("", other: k, score: f) } }
            kept.append(i)
            return nil
        }
    }

    private func lsh(_ tokens: [[Int32]], vocabularySize: Int, bands: Int, rows: Int) -> [DropReason?] {
        // Words in more than 1% of the rows (and at least 50: "the", "a", "write") would make
        // most pairs candidates; the signature leaves them out unless a row has nothing else.
        var df = [Int32](repeating: 0, count: vocabularySize)
        for t in tokens { for w in Set(t) { df[Int(w)] += 1 } }
        let common = Int32(max(50, tokens.count / 100))
        var index = MinHashLSH(bands: bands, rowsPerBand: rows)
        var seenStamp = [Int32](repeating: -1, count: tokens.count)
        var verdicts: [DropReason?] = []
        var scratch: [Int32] = []
        verdicts.reserveCapacity(tokens.count)
        for (i, t) in tokens.enumerated() {
            // A row without words has no ROUGE-L with anything: keep it, index nothing.
            if t.isEmpty { verdicts.append(nil); continue }
            let distinct = Array(Set(t))
            let rare = distinct.filter { df[Int($0)] <= common }
            let keys = index.bandKeys(rare.isEmpty ? distinct : rare)
            var hit: DropReason?
            index.forEachCandidate(keys: keys) { c in
                guard hit == nil, seenStamp[Int(c)] != Int32(i) else { return }
                seenStamp[Int(c)] = Int32(i)
                if let f = score(t, tokens[Int(c)], &scratch) { hit = DropReason("", other: Int(c), score: f) }
            }
            if hit == nil { index.insert(Int32(i), keys: keys) }
            verdicts.append(hit)
        }
        return verdicts
    }
}
