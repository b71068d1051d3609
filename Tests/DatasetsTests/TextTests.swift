import Testing

@testable import Datasets

@Suite struct TextTests {
    @Test func tokensMatchRougeScoresTokenizer() {
        #expect(TextTokens.words("Don't STOP-me now!! 42x") == ["don", "t", "stop", "me", "now", "42x"])
        #expect(TextTokens.normalized("  Hello,\n  WORLD ") == "hello world")
    }

    // Reference values computed with the `rouge-score` package (RougeScorer(["rougeL"], use_stemmer=False)).
    @Test(arguments: [
        ("the cat sat on the mat", "the cat lay on the mat", 0.8333333333333334),
        ("Give three tips for staying healthy.", "Give me three tips to stay healthy", 0.6153846153846153),
        ("a b c d", "d c b a", 0.25),
        ("identical text here", "Identical, text HERE!", 1.0),
        ("nothing shared", "at all", 0.0),
        ("", "something", 0.0),
    ])
    func rougeLMatchesReference(a: String, b: String, f: Double) {
        #expect(abs(rougeL(a, b).fMeasure - f) < 1e-12)
    }

    @Test func lcsIsSymmetricAndCorrect() {
        #expect(lcsLength([1, 2, 3, 4, 5], [2, 4, 5, 1]) == 3)
        #expect(lcsLength([2, 4, 5, 1], [1, 2, 3, 4, 5]) == 3)
        #expect(lcsLength([], [1]) == 0)
    }

    @Test func tfidfCosineRanksSharedRareWordsHigher() {
        let index = TFIDFIndex(["red apple pie", "green apple", "blue sky"])
        let q = index.vector("apple pie please")
        let sims = index.vectors.map { TFIDFIndex.cosine(q, $0) }
        #expect(sims[0] > sims[1] && sims[1] > sims[2] && sims[2] == 0)
        #expect(abs(TFIDFIndex.cosine(index.vectors[0], index.vectors[0]) - 1) < 1e-9)
    }

    @Test func minHashFindsOverlappingSetsAndRarelyOthers() {
        var lsh = MinHashLSH(bands: 32, rowsPerBand: 3)
        let base: [Int32] = Array(0..<20)
        lsh.insert(0, keys: lsh.bandKeys(base))
        var found = false
        lsh.forEachCandidate(keys: lsh.bandKeys(Array(0..<18) + [100, 101])) { if $0 == 0 { found = true } }
        #expect(found)
        var spurious = false
        lsh.forEachCandidate(keys: lsh.bandKeys(Array(200..<220))) { _ in spurious = true }
        #expect(!spurious)
    }
}
