import Foundation
import Tensor
import Testing

@testable import Learn

/// A job split into lanes (independent batches, each on its own thread) gives every request the
/// result it gets on one lane, and the lanes share the prompts they compute through the prefix
/// cache (issue 22).
@Suite struct LlamaLanesTests {
    /// 70 tokens every prompt starts with: more than `LlamaModel.coldPrompt`, so the first
    /// prompt is cold and the others must wait for it instead of computing it again.
    static let shared = Array("You label tweets as good or bad. Answer with one word. Here is the tweet: ".utf8)
        .prefix(70).map(Int.init)
    static let texts = ["good day", "bad day", "so-so", "great!", "awful", "fine", "meh", "yay", "no", "ok", "hm", "wow"]

    static func requests(activations: ActivationFormat) -> [GenerationRequest] {
        texts.enumerated().map { i, text in
            GenerationRequest(
                tokens: shared + Array(text.utf8).map(Int.init),
                options: i.isMultiple(of: 2)
                    ? GenerationOptions(maxTokens: 4 + i % 5, temperature: 0)
                    : GenerationOptions(maxTokens: 7, temperature: 0.9, topK: 20, seed: UInt64(i)))
        }
    }

    /// Generations on 1, 2 and 3 lanes (2 lanes on 2 threads, 3 on 3), with the prefix cache
    /// cold and warm, in either activation format: the same tokens, text, streamed text and
    /// finish reason for every request. In the cold round only the first prompt computes the
    /// shared part: the lanes wait for it to reach the cache.
    @Test(arguments: [ActivationFormat.float, .int8])
    func lanesGiveEveryRequestItsOneLaneReply(activations: ActivationFormat) throws {
        let requests = Self.requests(activations: activations)
        func run(lanes: Int, threads: Int) throws -> [(GenerationResult?, String)] {
            let model = try TinyLlama.model()
            model.threads = threads
            model.activations = activations
            var all: [(GenerationResult?, String)] = []
            for round in ["cold", "warm"] {
                var results = [GenerationResult?](repeating: nil, count: requests.count)
                var streamed = [String](repeating: "", count: requests.count)
                model.generate(
                    batch: requests, width: 4, lanes: lanes, onToken: { streamed[$0] += $1 },
                    onResult: { index, result in results[index] = try? result.get() })
                let cached = results.map { $0?.cachedPromptTokens ?? -1 }
                if round == "cold" {
                    #expect(cached[0] == 0, "\(lanes) lanes")
                    #expect(cached.dropFirst().allSatisfy { $0 >= Self.shared.count }, "\(lanes) lanes: \(cached)")
                } else {
                    #expect(cached == requests.map { $0.tokens.count - 1 }, "\(lanes) lanes")
                }
                all += zip(results, streamed).map { ($0, $1) }
            }
            return all
        }
        let one = try run(lanes: 1, threads: 2)
        #expect(one.allSatisfy { $0.0 != nil })
        for (lanes, threads) in [(2, 2), (3, 3)] {
            let split = try run(lanes: lanes, threads: threads)
            for (i, (a, b)) in zip(one, split).enumerated() {
                #expect(b.0?.tokens == a.0?.tokens, "\(lanes) lanes: request \(i % requests.count)")
                #expect(b.0?.text == a.0?.text && b.1 == a.1 && b.0?.finishReason == a.0?.finishReason)
            }
        }
    }

    /// Scored prompts on 2 lanes: every prompt's scores are those of one lane, cold and warm.
    @Test func lanesGiveEveryPromptItsOneLaneScores() throws {
        let requests = Self.texts.map {
            ScoringRequest(tokens: Self.shared + Array($0.utf8).map(Int.init), continuations: [[103, 111], [98], []])
        }
        func run(lanes: Int) throws -> [[ContinuationScore]?] {
            let model = try TinyLlama.model()
            var all: [[ContinuationScore]?] = []
            for _ in 0..<2 {
                var results = [[ContinuationScore]?](repeating: nil, count: requests.count)
                model.score(batch: requests, width: 4, lanes: lanes, onResult: { results[$0] = try? $1.get().scores })
                all += results
            }
            return all
        }
        let one = try run(lanes: 1)
        #expect(one.allSatisfy { $0?.count == 3 })
        #expect(try run(lanes: 2) == one)
    }

    /// A bad request fails alone on whichever lane takes it; cancelling ends every lane's
    /// running sequences and leaves the rest unstarted, each request answered once.
    @Test func failuresAndCancellingReachEveryRequestOnce() throws {
        let model = try TinyLlama.model()
        var requests = Self.requests(activations: .float)
        requests[3].tokens = []
        requests[8].tokens = [999]
        var results = [[Result<GenerationResult, Error>]](repeating: [], count: requests.count)
        model.generate(batch: requests, width: 4, lanes: 2, onResult: { results[$0].append($1) })
        #expect(results.allSatisfy { $0.count == 1 })
        for (i, result) in results.enumerated() {
            let failed = (try? result.first?.get()) == nil
            #expect(failed == (i == 3 || i == 8), "request \(i)")
        }

        var cancelled = false
        var ended = [[GenerationResult]](repeating: [], count: requests.count)
        let long = Self.texts.map {
            GenerationRequest(
                tokens: Self.shared + Array($0.utf8).map(Int.init), options: GenerationOptions(maxTokens: 30, temperature: 0))
        }
        model.generate(
            batch: long, width: 4, lanes: 2, isCancelled: { cancelled }, onToken: { _, _ in cancelled = true },
            onResult: { index, result in ended[index] += (try? result.get()).map { [$0] } ?? [] })
        #expect(ended.allSatisfy { $0.count == 1 && $0[0].finishReason == .cancelled })
        #expect(ended.contains { $0[0].tokens.isEmpty } && ended.contains { !$0[0].tokens.isEmpty })
    }

    /// Only a job with a full batch for every thread is split, one lane per thread.
    @Test func onlyBigJobsAreSplit() {
        #expect(LlamaModel.laneCount(threads: 2, requests: 300, width: 8) == 2)
        #expect(LlamaModel.laneCount(threads: 4, requests: 32, width: 8) == 4)
        #expect(LlamaModel.laneCount(threads: 4, requests: 31, width: 8) == 1)
        #expect(LlamaModel.laneCount(threads: 2, requests: 15, width: 8) == 1)
        #expect(LlamaModel.laneCount(threads: 1, requests: 300, width: 8) == 1)
        #expect(LlamaModel.laneCount(threads: 2, requests: 300, width: 1) == 1)  // one at a time
    }
}
