/// Finds rows that share a word n-gram with an evaluation set (GPT-3 style decontamination).
struct Decontaminator {
    private var vocab = Vocabulary()
    private var grams = Set<UInt64>()
    private var wholeTexts = Set<[Int32]>()
    let n: Int

    init(evaluation: [String], n: Int) {
        self.n = n
        for text in evaluation {
            let t = vocab.encode(text)
            if !t.isEmpty { wholeTexts.insert(t) }
            if t.count >= n { for i in 0...(t.count - n) { grams.insert(Self.hash(t[i..<i + n])) } }
        }
    }

    static func hash(_ gram: ArraySlice<Int32>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for t in gram { h = mix(h ^ UInt64(UInt32(bitPattern: t))) }
        return h
    }

    mutating func verdicts(_ texts: [String]) -> [DropReason?] {
        texts.map { text in
            let t = vocab.encode(text)
            if t.count < n { return wholeTexts.contains(t) ? DropReason("equals an evaluation text") : nil }
            for i in 0...(t.count - n) where grams.contains(Self.hash(t[i..<i + n])) {
                let words = t[i..<i + n].map { vocab.words[Int($0)] }.joined(separator: " ")
                return DropReason("shares \(words.reportQuoted)")
            }
            return nil
        }
    }
}
