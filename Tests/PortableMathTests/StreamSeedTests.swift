import Testing

@testable import PortableMath

/// `StreamSeed` gives every (seed, stream) pair its own seed, the same on every machine.
struct StreamSeedTests {
    @Test func neighbouringSeedsShareNoStreams() {
        // The bug this replaces: with `seed + i`, seed 1's requests 0-2 were seed 0's 1-3.
        var seen: [Int: (seed: Int, index: Int)] = [:]
        for seed in 0..<50 {
            for index in 0..<200 {
                let value = StreamSeed.requestSeed(seed, index)
                #expect(seen[value] == nil, "seed \(seed) stream \(index) repeats \(String(describing: seen[value]))")
                seen[value] = (seed, index)
            }
        }
    }

    @Test func requestSeedsAreNonNegativeAndBelowTwoToThe53() {
        for seed in [Int.min, -1, 0, 1, Int.max] {
            for index in [0, 1, 1_000_000] {
                let value = StreamSeed.requestSeed(seed, index)
                #expect(value >= 0 && value < 1 << 53)
            }
        }
    }

    @Test func namedStreamsDifferFromEachOtherAndFromTheSeed() {
        let weights = StreamSeed.derive(7, "weights"), batches = StreamSeed.derive(7, "batches")
        #expect(weights != batches)
        #expect(weights != 7 && batches != 7)
        #expect(StreamSeed.derive(7, "batches") == batches)
    }

    /// Known answers pin the derivation: a change would silently re-key every recorded request
    /// (docs/recording.md says how seeds become request keys).
    @Test func knownAnswers() {
        #expect(StreamSeed.fnv1a("") == 0xCBF2_9CE4_8422_2325)
        #expect(StreamSeed.fnv1a("a") == 0xAF63_DC4C_8601_EC8C)
        #expect(StreamSeed.mix(0) == 0)
        #expect(StreamSeed.derive(0, 0) == 0x9311_8A61_ED9E_9E14)
        #expect(StreamSeed.derive(1, 0) == 0x9028_7996_C3E2_222A)
        #expect(StreamSeed.derive(0, 1) == 0xD942_59DF_0D44_0A18)
        #expect(StreamSeed.derive(0, "batches") == 0x9AA1_872B_958A_CA82)
        #expect(StreamSeed.requestSeed(0, 0) == 5_174_513_452_823_507)
        #expect(StreamSeed.requestSeed(42, 7) == 1_694_114_977_238_557)
    }
}
