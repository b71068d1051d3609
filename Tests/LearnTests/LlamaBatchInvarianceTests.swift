import Foundation
import Tensor
import Testing

@testable import Learn

/// A row's result does not depend on its batch, the other sequences in it, or whether its
/// prefix came from the prefix cache: the same bits as running it alone (issue 22).
@Suite struct LlamaBatchInvarianceTests {
    static let tokens = [72, 101, 108, 108, 111, 32, 119, 111, 114, 108, 100, 33, 10, 65, 66, 67, 68, 69]

    /// Each position's logits, one token at a time on a fresh cache.
    static func alone(_ model: LlamaModel, _ tokens: [Int]) throws -> [[Float]] {
        let cache = model.makeCache()
        return try tokens.map { try model.forward([$0], cache: cache) }
    }

    /// Batches of 1, 3, 8 and all tokens of one sequence, with either activation format, give
    /// every position the bits of that token run alone after the same prefix.
    @Test(arguments: [ActivationFormat.float, .int8])
    func chunksOfAnySizeGiveTheBitsOfOneTokenAtATime(activations: ActivationFormat) throws {
        let model = try TinyLlama.model()
        model.activations = activations
        let reference = try Self.alone(model, Self.tokens)
        let V = TinyLlama.vocab
        for chunk in [1, 3, 8, Self.tokens.count] {
            let cache = model.makeCache()
            var rows: [[Float]] = []
            for start in stride(from: 0, to: Self.tokens.count, by: chunk) {
                let part = Array(Self.tokens[start..<min(Self.tokens.count, start + chunk)])
                let logits = try model.forward(part, cache: cache, allLogits: true)
                rows += (0..<part.count).map { Array(logits[($0 * V)..<(($0 + 1) * V)]) }
            }
            #expect(rows == reference, "\(activations), chunks of \(chunk)")
        }
    }

    /// 3 and 8 sequences in one pass (some prefilling, some decoding, of different lengths and
    /// positions) give each the bits it gets alone.
    @Test(arguments: [ActivationFormat.float, .int8])
    func sequencesBatchedTogetherGetTheirOwnBits(activations: ActivationFormat) throws {
        let model = try TinyLlama.model()
        model.activations = activations
        for width in [3, 8] {
            // Sequence i has a prefix of 2 + i tokens already cached and runs (i % 3) + 1 more.
            let prompts = (0..<width).map { i in
                (0..<(3 + i + i % 3)).map { (Self.tokens[($0 + i) % Self.tokens.count] + i) % 256 }
            }
            let caches = prompts.map { _ in model.makeCache() }
            var segments: [LlamaSegment] = []
            for (i, prompt) in prompts.enumerated() {
                _ = try model.forward(Array(prompt.prefix(2 + i)), cache: caches[i])
                segments.append(
                    LlamaSegment(tokens: Array(prompt.dropFirst(2 + i)), cache: caches[i], allLogits: i.isMultiple(of: 2)))
            }
            let batched = try model.forward(segments)
            for (i, prompt) in prompts.enumerated() {
                let own = try Self.alone(model, prompt).suffix(segments[i].tokens.count)
                let want = segments[i].allLogits ? Array(own.joined()) : own.last!
                #expect(batched[i] == want, "\(activations), \(width) sequences: sequence \(i)")
            }
        }
    }

    /// Prompts that share prefixes, generated with the prefix cache cold and warm, one at a
    /// time and 3 or 8 at a time, greedy and sampled: every reply is the one it gets alone on a
    /// fresh model; warm prompts take their shared prefixes from the cache.
    @Test func batchedGenerationGivesEachPromptItsOwnReply() throws {
        let shared = Array("You label tweets. Tweet: ".utf8).map(Int.init)
        let prompts = ["good day", "bad day", "so-so", "great!", "awful", "fine", "meh", "yay", "no", "ok"].enumerated().map {
            i, text in (i.isMultiple(of: 3) ? Array("Other task: ".utf8).map(Int.init) : shared) + Array(text.utf8).map(Int.init)
        }
        let requests = prompts.enumerated().map { i, prompt in
            GenerationRequest(
                tokens: prompt,
                options: i.isMultiple(of: 2)
                    ? GenerationOptions(maxTokens: 5 + i % 4, temperature: 0)
                    : GenerationOptions(maxTokens: 6, temperature: 0.9, topK: 20, seed: UInt64(i)))
        }
        let expected = try requests.map { request -> GenerationResult in
            try TinyLlama.model().generate(tokens: request.tokens, options: request.options)
        }
        #expect(expected.allSatisfy { $0.cachedPromptTokens == 0 })
        for width in [1, 3, 8] {
            let model = try TinyLlama.model()
            for round in ["cold", "warm"] {
                var results = [GenerationResult?](repeating: nil, count: requests.count)
                var streamed = [String](repeating: "", count: requests.count)
                model.generate(
                    batch: requests, width: width, onToken: { streamed[$0] += $1 },
                    onResult: { index, result in results[index] = try? result.get() })
                for (i, result) in results.enumerated() {
                    #expect(result?.tokens == expected[i].tokens, "width \(width), \(round): prompt \(i)")
                    #expect(result?.text == expected[i].text && streamed[i] == expected[i].text)
                    #expect(result?.finishReason == expected[i].finishReason)
                }
                let cached = results.compactMap { $0?.cachedPromptTokens }
                if round == "warm" {
                    // Every prompt was seen in the cold round: all but its last token is cached.
                    #expect(cached == prompts.map { $0.count - 1 }, "width \(width)")
                } else {
                    #expect(cached.reduce(0, +) >= (requests.count - width - 3) * shared.count / 2, "width \(width): \(cached)")
                }
            }
        }
    }

    /// Bad requests fail alone; cancelling ends the running ones and leaves the rest unstarted.
    @Test func badRequestsFailAloneAndCancellingStopsTheBatch() throws {
        let model = try TinyLlama.model()
        let good = GenerationRequest(tokens: [72, 105], options: GenerationOptions(maxTokens: 4, temperature: 0))
        let requests = [
            good, GenerationRequest(tokens: [], options: good.options), GenerationRequest(tokens: [999], options: good.options),
            GenerationRequest(tokens: Array(repeating: 65, count: 128), options: good.options), good,
        ]
        var results = [Result<GenerationResult, Error>?](repeating: nil, count: requests.count)
        model.generate(batch: requests, width: 3, onResult: { results[$0] = $1 })
        #expect((try? results[0]?.get())?.tokens.count == 4 && (try? results[4]?.get())?.tokens.count == 4)
        for i in 1...3 { #expect((try? results[i]?.get()) == nil, "request \(i) should fail") }

        var steps = 0
        var ended = [GenerationResult?](repeating: nil, count: 6)
        model.generate(
            batch: Array(
                repeating: GenerationRequest(tokens: [70, 71], options: GenerationOptions(maxTokens: 20, temperature: 0)),
                count: 6),
            width: 2, lanes: 1,  // the steps counted are one lane's
            isCancelled: {
                steps += 1
                return steps > 4
            }, onResult: { ended[$0] = try? $1.get() })
        #expect(ended.allSatisfy { $0?.finishReason == .cancelled })
        #expect(ended[0]!.tokens.count > 0 && ended[5]!.tokens.isEmpty)
    }

    /// Caches that share a prefix's storage (`copy(prefix:)`) each get the bits of a fresh
    /// cache, in one batch or apart, while the cache they came from keeps growing or is cut
    /// back and grows again: a shared position is never written twice.
    @Test func cachesSharingAPrefixKeepTheirOwnPositions() throws {
        let model = try TinyLlama.model()
        let prompt = Array(Self.tokens.prefix(12))
        let parent = model.makeCache()
        _ = try model.forward(prompt, cache: parent)
        let (left, right) = (parent.copy(prefix: 12), parent.copy(prefix: 7, reserving: 30))
        #expect(Set(left.runs.map(ObjectIdentifier.init)) == Set(parent.runs.map(ObjectIdentifier.init)))
        // The parent and the copies grow in one pass, then the parent is cut back into the
        // positions the copies share and grows again.
        let batched = try model.forward([
            LlamaSegment(tokens: [40, 41], cache: parent, allLogits: true),
            LlamaSegment(tokens: [50], cache: left), LlamaSegment(tokens: [60, 61, 62], cache: right, allLogits: true),
        ])
        parent.truncate(to: 5)
        let afterCut = try model.forward([70, 71], cache: parent, allLogits: true)
        let leftAgain = try model.forward([51], cache: left)
        let rightAgain = try model.forward([63], cache: right)
        #expect(batched[0] == Array(try Self.alone(model, prompt + [40, 41]).suffix(2).joined()))
        #expect(batched[1] == (try Self.alone(model, prompt + [50])).last!)
        #expect(batched[2] == Array(try Self.alone(model, prompt.prefix(7) + [60, 61, 62]).suffix(3).joined()))
        #expect(afterCut == Array(try Self.alone(model, prompt.prefix(5) + [70, 71]).suffix(2).joined()))
        #expect(leftAgain == (try Self.alone(model, prompt + [50, 51])).last!)
        #expect(rightAgain == (try Self.alone(model, prompt.prefix(7) + [60, 61, 62, 63])).last!)
        #expect(parent.count == 7 && left.count == 14 && right.count == 11)
    }

    /// The prefix cache keeps what fits, drops what a longer entry covers, and the least
    /// recently used first.
    @Test func prefixCacheEvictsTheLeastRecentlyUsed() throws {
        let model = try TinyLlama.model()
        func cache(_ tokens: [Int]) throws -> LlamaKVCache {
            let c = model.makeCache()
            _ = try model.forward(tokens, cache: c)
            return c
        }
        let (c123, c1234, c12) = (try cache([1, 2, 3]), try cache([1, 2, 3, 4]), try cache([1, 2]))
        let (c567, c8888, big) = (try cache([5, 6, 7]), try cache([8, 8, 8, 8]), try cache(Array(repeating: 3, count: 24)))
        // Room for any two of the entries below, not for all three.
        let store = LlamaPrefixCache(capacityBytes: c1234.bytes + c567.bytes + c8888.bytes - 1)
        store.insert([1, 2, 3], c123)
        store.insert([1, 2, 3, 4], c1234)  // covers [1, 2, 3]
        #expect(store.count == 1 && store.bytes == c1234.bytes)
        store.insert([1, 2], c12)  // covered by [1, 2, 3, 4]: nothing new
        store.insert([5, 6, 7], c567)
        #expect(store.count == 2)
        let (hit, length) = store.lookUp([1, 2, 3, 9], limit: 3, empty: model.makeCache)
        #expect(length == 3 && hit.count == 3)
        #expect(store.sharedLength([1, 2, 3, 4, 5], limit: 2) == 2 && store.sharedLength([8], limit: 1) == 0)
        store.insert([8, 8, 8, 8], c8888)  // over the cap: [5, 6, 7] was used least recently
        #expect(store.count == 2 && store.sharedLength([5, 6, 7], limit: 3) == 0 && store.sharedLength([1, 2], limit: 2) == 2)
        store.insert(Array(repeating: 3, count: 24), big)  // larger than the cap: not kept
        #expect(store.count == 2 && store.sharedLength([3, 3], limit: 2) == 0)
        store.capacityBytes = c8888.bytes
        #expect(store.count == 1 && store.sharedLength([8, 8], limit: 2) == 2 && store.bytes <= c8888.bytes)
    }

    /// Scores are the same bits with the prompt cold, warm, or after other prompts.
    @Test func scoresDoNotDependOnTheCache() throws {
        let prompt = Array("Sentiment of: nice".utf8).map(Int.init)
        let labels = [[112, 111, 115], [110], [110, 101, 103, 256]]
        let cold = try TinyLlama.model().score(prompt: prompt, continuations: labels)
        let model = try TinyLlama.model()
        _ = try model.score(prompt: Array(prompt.prefix(10)) + [65, 66], continuations: labels)
        let afterNeighbour = try model.score(prompt: prompt, continuations: labels)
        let again = try model.score(prompt: prompt, continuations: labels)
        #expect(afterNeighbour == cold && again == cold)
        // Each label by hand: its tokens after the prompt, one at a time.
        let V = TinyLlama.vocab
        for (label, score) in zip(labels, cold) {
            let logits = try Self.alone(model, prompt + label)
            var sum = 0.0
            for (j, token) in label.enumerated() {
                sum += LlamaModel.logProbability(of: token, in: logits[prompt.count - 1 + j][0..<V])
            }
            #expect(score.logprob == sum && score.tokens == label.count)
        }
    }

    /// Scored prompts batched 1, 3 or 8 at a time on 1 to 3 threads, with the prefix cache cold
    /// and warm, and after generations have filled the 8-bit cache: every prompt's scores are
    /// the bits it gets alone on a fresh model; prompts sharing a prefix find it cached; a bad
    /// request fails alone; cancelling fails the unfinished ones.
    @Test func batchedScoringGivesEachPromptItsOwnScores() throws {
        let shared = Array("Label the tweet. Tweet: ".utf8).map(Int.init)
        let texts = ["good day", "bad day", "so-so", "great!", "awful", "fine", "meh", "yay", "no", "ok", "hmm"]
        let labels = [[112, 111, 115], [110], [110, 101, 103, 256], []]
        let requests = texts.enumerated().map { i, text in
            ScoringRequest(
                tokens: (i.isMultiple(of: 4) ? Array("Other: ".utf8).map(Int.init) : shared) + Array(text.utf8).map(Int.init),
                continuations: i.isMultiple(of: 3) ? Array(labels.prefix(2)) : labels)
        }
        let expected = try requests.map { request in
            let alone = try TinyLlama.model()
            alone.threads = 3
            return try alone.score(prompt: request.tokens, continuations: request.continuations)
        }
        for width in [1, 3, 8] {
            let model = try TinyLlama.model()
            model.threads = width == 3 ? 2 : 1  // nor on the thread count
            for round in ["cold", "warm"] {
                var results = [ScoringResult?](repeating: nil, count: requests.count)
                model.score(batch: requests, width: width, onResult: { results[$0] = try? $1.get() })
                for (i, result) in results.enumerated() {
                    #expect(result?.scores == expected[i], "width \(width), \(round): prompt \(i)")
                    #expect(result?.promptTokens == requests[i].tokens.count)
                }
                let cached = results.map { $0?.cachedPromptTokens ?? -1 }
                if round == "warm" {
                    #expect(cached == requests.map { $0.tokens.count - 1 }, "width \(width)")
                } else if width == 1 {
                    // One at a time, every prompt after the first of its kind finds the shared part cached.
                    #expect(cached.filter { $0 >= shared.count }.count == 7, "\(cached)")
                }
            }
        }

        // Generations (8-bit activations, their own prefix cache) do not disturb scores.
        let model = try TinyLlama.model()
        model.generate(
            batch: requests.map {
                GenerationRequest(tokens: $0.tokens, options: GenerationOptions(maxTokens: 3, temperature: 0))
            },
            width: 4, onResult: { _, _ in })
        var mixed = [Result<ScoringResult, Error>?](repeating: nil, count: 5)
        let bad = [
            requests[1], ScoringRequest(tokens: requests[2].tokens, continuations: [[999]]),
            ScoringRequest(tokens: [], continuations: [[1]]),
            ScoringRequest(tokens: Array(repeating: 65, count: 126), continuations: [[1, 2, 3]]), requests[5],
        ]
        model.score(batch: bad, width: 3, onResult: { mixed[$0] = $1 })
        #expect((try? mixed[0]?.get())?.scores == expected[1] && (try? mixed[4]?.get())?.scores == expected[5])
        for i in 1...3 { #expect((try? mixed[i]?.get()) == nil, "request \(i) should fail") }

        var steps = 0
        var cancelled: [Error?] = Array(repeating: nil, count: requests.count)
        model.score(
            batch: requests, width: 2,
            isCancelled: {
                steps += 1
                return steps > 3
            },
            onResult: { index, result in
                if case .failure(let error) = result { cancelled[index] = error }
            })
        #expect(cancelled.suffix(4).allSatisfy { $0 is CancellationError }, "\(cancelled)")
    }
}
