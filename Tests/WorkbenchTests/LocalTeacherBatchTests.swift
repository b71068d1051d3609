import Chat
import Foundation
import Learn
import Teacher
import Testing

@testable import Workbench

/// The local teacher's batched, prefix-cached answers are those of its requests one at a time
/// (issue 22), and its usage counts the cached prompt tokens.
@Suite(
    .enabled(
        if: FileManager.default.fileExists(atPath: LlamaModel.defaultModelPath), "SmolLM2 model not installed (run scripts/setup)"
    ))
struct LocalTeacherBatchTests {
    static func requests() -> [ChatRequest] {
        let system = ChatMessage(role: "system", content: "Classify the sentiment of tweets.")
        return ["I love it", "worst day ever", "the bus was on time", "meh", "so happy!"].enumerated().map { i, text in
            ChatRequest(
                model: "smollm2-135m", messages: [system, ChatMessage(role: "user", content: "Tweet: \(text)\nSentiment:")],
                temperature: i == 3 ? 0.9 : 0, maxTokens: 3, seed: 7)
        }
    }

    @Test func batchedAnswersEqualThoseOneAtATime() throws {
        let requests = Self.requests()
        let alone = LocalTeacher()
        alone.batch = 1
        var order: [Int] = []
        let one = alone.complete(requests, progress: nil, isCancelled: { false }, onResult: { index, _ in order.append(index) })
        #expect(order == Array(requests.indices))
        let together = LocalTeacher()
        together.batch = 4
        var progressed = 0
        let four = together.complete(
            requests, progress: { done, _ in progressed = done }, isCancelled: { false }, onResult: { _, _ in })
        #expect(progressed == requests.count)
        for (a, b) in zip(one, four) {
            let (x, y) = (try a.get(), try b.get())
            #expect(x.text == y.text && x.finishReason == y.finishReason && x.usage.promptTokens == y.usage.promptTokens)
        }
        // One at a time, every prompt after the first finds the system message cached.
        let cached = try one.map { try $0.get().usage.cachedPromptTokens }
        #expect(cached[0] == 0 && cached.dropFirst().allSatisfy { $0 >= 10 }, "\(cached)")
        // A second call finds every prompt but its last token in the cache.
        let again = together.complete(requests, progress: nil, isCancelled: { false }, onResult: { _, _ in })
        for (a, b) in zip(again, four) {
            let (x, y) = (try a.get(), try b.get())
            #expect(x.text == y.text && x.usage.cachedPromptTokens == x.usage.promptTokens - 1)
        }
    }

    /// Scored requests (label candidates) answered in batches give each the scores it gets
    /// alone through `stream`, with the prompt cold or cached, and fail alone when they must.
    @Test func batchedScoresEqualThoseOneAtATime() throws {
        var requests = Self.requests()
        for i in requests.indices { requests[i].candidates = ["positive", "negative", "neutral"] }
        let alone = LocalTeacher()
        let one = try requests.map { try alone.stream($0, onToken: { _ in }, isCancelled: { false }) }
        let together = LocalTeacher()
        together.batch = 4
        var bad = requests
        bad[2].n = 2
        for round in ["cold", "warm"] {
            let four = together.complete(bad, progress: nil, isCancelled: { false }, onResult: { _, _ in })
            for (i, (a, b)) in zip(one, four).enumerated() where i != 2 {
                let got = try b.get()
                #expect(got.candidateScores == a.candidateScores && got.candidateScores?.count == 3, "\(round): request \(i)")
                #expect(got.usage.promptTokens == a.usage.promptTokens && got.usage.completionTokens == 0)
                #expect(got.finishReason == "scored")
                // The second time, each prompt comes from the prefix cache (all but its last token).
                if round == "warm" {
                    #expect(got.usage.cachedPromptTokens > 0 && got.usage.cachedPromptTokens < got.usage.promptTokens)
                }
            }
            #expect((try? four[2].get()) == nil)
        }
        let cancelled = together.complete(requests, progress: nil, isCancelled: { true }, onResult: { _, _ in })
        #expect(cancelled.allSatisfy { if case .failure(LocalTeacherError.cancelled) = $0 { true } else { false } })
    }
}
