import Datasets
import Testing

@testable import Workbench

/// Each request of a `generate` call has a seed derived from (seed, index): a nearby seed asks
/// for new samples instead of re-using most of an earlier call's answers.
struct RequestSeedTests {
    private func requestSeeds(seed: Int, n: Int) throws -> [Int?] {
        let options = RequestOptions(model: "m", temperature: 0.8, maxTokens: 16, seed: seed, stop: [])
        let prompt = try PromptTemplate("Write a greeting.").render([:], shots: [])
        return (0..<n).map { options.request(for: prompt, index: $0).seed }
    }

    @Test func nearbySeedsAskForDifferentSamples() throws {
        // Seen before the fix: `seed: 1, n: 3` was rows 1-3 of `seed: 0`, and `seed: 5, n: 40`
        // found 10 of its 40 requests already recorded.
        let first = Set(try requestSeeds(seed: 0, n: 40))
        for seed in [1, 2, 5, -1] {
            #expect(first.isDisjoint(with: try requestSeeds(seed: seed, n: 40)), "seed \(seed)")
        }
        #expect(first.count == 40)
    }

    @Test func theSameCallAsksTheSameThings() throws {
        #expect(try requestSeeds(seed: 3, n: 5) == requestSeeds(seed: 3, n: 5))
    }
}
