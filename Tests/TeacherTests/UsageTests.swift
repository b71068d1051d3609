import TestSupport
import Testing

@testable import Teacher

@Suite struct UsageTests {
    private let prices = PriceTable(["fixture": ModelPrice(promptPerMillion: 1_000, completionPerMillion: 2_000)])

    @Test func chargesPerScopeAndInTotal() throws {
        let meter = UsageMeter(prices: prices, scope: "cell-1")
        let teacher = MeteredTeacher(wrapping: FixedUsageTeacher(), meter: meter)
        _ = teacher.complete([userRequest("a"), userRequest("b")], progress: nil, isCancelled: { false })
        meter.scope = "cell-2"
        _ = try teacher.stream(userRequest("c"), onToken: { _ in }, isCancelled: { false })
        #expect(meter.usage(in: "cell-1") == TokenUsage(promptTokens: 20, completionTokens: 10))
        #expect(meter.usage(in: "cell-2") == TokenUsage(promptTokens: 10, completionTokens: 5))
        #expect(meter.total == TokenUsage(promptTokens: 30, completionTokens: 15))
        #expect(meter.entries.count == 3)
        let expectedCost: Double = (30 * 1_000 + 15 * 2_000) / 1e6
        let totalCost = try #require(meter.totalCost)
        #expect(abs(totalCost - expectedCost) < 1e-12)
        let cellCost = try #require(meter.cost(in: "cell-2"))
        #expect(abs(cellCost - 0.02) < 1e-12)
        #expect(UsageMeter().totalCost == nil)
    }

    @Test func refusesACallWhoseEstimatePassesTheBudgetBeforeSendingAnything() throws {
        let meter = UsageMeter(prices: prices)
        let inner = FixedUsageTeacher()
        var request = userRequest("twelve characters")  // 17 characters: 5 + 4 + 3 = 12 prompt tokens
        request.maxTokens = 10  // 22 tokens a request in all
        let teacher = MeteredTeacher(wrapping: inner, meter: meter, budget: TeacherBudget(maxTokens: 100))
        #expect(teacher.estimate([request]).usage == TokenUsage(promptTokens: 12, completionTokens: 10))
        #expect(teacher.estimate([request]).prompt == .characters)
        #expect(teacher.estimate([request]).completion == .maxTokens)
        // Four requests: about 88 tokens, within 100. The budget is per call: a second call fits too.
        for _ in 0..<2 {
            #expect(
                teacher.complete(Array(repeating: request, count: 4), progress: nil, isCancelled: { false })
                    .allSatisfy { (try? $0.get()) != nil })
        }
        #expect(meter.total == TokenUsage(promptTokens: 80, completionTokens: 40))
        // Five: about 110, refused whole; nothing reaches the teacher.
        let refused = teacher.complete(Array(repeating: request, count: 5), progress: nil, isCancelled: { false })
        #expect(refused.compactMap(teacherError).map(\.kind) == Array(repeating: .budget, count: 5))
        #expect(inner.calls == 8)
        #expect(teacher.lastCall.refused)
        let message = try #require(teacherError(refused[0])).description
        #expect(message.contains("5 requests would use about 110 tokens (60 prompt + 50 completion"), "\(message)")
        #expect(message.contains("characters / 4") && message.contains("over the budget of 100 tokens"), "\(message)")
        #expect(message.contains("at least 110"), "\(message)")
        // Cost: each request may cost (12 * 1000 + 10 * 2000) / 1e6 = 0.032.
        let cheap = MeteredTeacher(wrapping: inner, meter: UsageMeter(prices: prices), budget: TeacherBudget(maxCost: 0.1))
        #expect(cheap.check(Array(repeating: request, count: 3)) == nil)
        #expect(cheap.check(Array(repeating: request, count: 4))?.message.contains("costing about $0.1280") == true)
        let unpriced = MeteredTeacher(wrapping: inner, meter: UsageMeter(), budget: TeacherBudget(maxCost: 1))
        #expect(unpriced.check([request])?.message.contains("price") == true)
        let ownPrice = MeteredTeacher(
            wrapping: inner, meter: UsageMeter(), price: ModelPrice(promptPerMillion: 1_000, completionPerMillion: 2_000),
            budget: TeacherBudget(maxCost: 0.1))
        #expect(ownPrice.check(Array(repeating: request, count: 3)) == nil)
    }

    @Test func aBudgetReachedMidCallStopsSendingAndKeepsTheAnswers() throws {
        let server = try FixtureServer()
        // One at a time, so the stop is exact. The fixture counts words as tokens and ignores
        // max_tokens: each request uses 50 + 51 tokens where about 32 + 5 were expected.
        var request = userRequest(Array(repeating: "a", count: 50).joined(separator: " "))
        request.maxTokens = 5
        let meter = UsageMeter()
        let teacher = MeteredTeacher(
            wrapping: try fastTeacher(server, maxConcurrency: 1), meter: meter, budget: TeacherBudget(maxTokens: 250))
        #expect(teacher.estimate(Array(repeating: request, count: 6)).tokens == 222)
        var reported = 0
        let results = teacher.complete(
            Array(repeating: request, count: 6), progress: nil, isCancelled: { false }, onResult: { _, _ in reported += 1 })
        // The first request goes alone (101 tokens); each later one is reserved at the largest
        // answer seen, so after 2 answers (202 tokens) a third could pass 250: 4 are never sent,
        // and the call stays within its budget.
        #expect(results.prefix(2).allSatisfy { (try? $0.get()) != nil })
        #expect(results.suffix(4).compactMap(teacherError).map(\.kind) == [.budget, .budget, .budget, .budget])
        #expect(teacherError(results[5])?.message.contains("stopped at its budget of 250 tokens after using 202 tokens") == true)
        #expect(reported == 6)
        #expect(try server.stats().requests == 2)
        #expect(meter.total == TokenUsage(promptTokens: 100, completionTokens: 102))
        #expect(teacher.lastCall.stoppedByBudget == 4 && teacher.lastCall.spent.completionTokens == 102)
    }

    @Test func estimatesCountPromptsWithTheTeachersTokenizerAndCompletionsFromRecordings() throws {
        var request = userRequest("one two three four")
        request.maxTokens = 40
        let store = RecordingStore()
        let counted = UsageEstimator(counter: WordCounter(), history: store)
        #expect(counted.estimate([request, request], price: nil).usage == TokenUsage(promptTokens: 8, completionTokens: 80))
        #expect(counted.estimate([request], price: nil).prompt == .tokenizer)
        // Five recorded answers of the same model and max_tokens: their mean replaces max_tokens.
        for (sample, tokens) in [4, 6, 5, 7, 3].enumerated() {
            try store.append(
                Recording(
                    request: request, sample: sample,
                    response: ChatResponse(text: "x", usage: TokenUsage(promptTokens: 4, completionTokens: tokens))))
        }
        let estimate = counted.estimate([request, request], price: ModelPrice(promptPerMillion: 1e6, completionPerMillion: 0))
        #expect(estimate.completion == .recordedMean(5, answers: 5))
        #expect(estimate.usage == TokenUsage(promptTokens: 8, completionTokens: 10))
        #expect(estimate.cost == 8)
        #expect(estimate.method.contains("mean of 5 recorded answers"))
        // Another max_tokens is another kind of answer: back to the upper bound.
        request.maxTokens = 12
        #expect(counted.estimate([request], price: nil).completion == .maxTokens)
    }
}

/// Counts a request's prompt tokens as its words: a teacher with its own tokenizer.
final class WordCounter: PromptTokenCounting {
    func promptTokens(of request: ChatRequest) throws -> Int {
        request.messages.reduce(0) { $0 + $1.content.split(separator: " ").count }
    }
}

/// Answers every request with 10 prompt and 5 completion tokens.
final class FixedUsageTeacher: ChatTeacher {
    var calls = 0
    var summary: String { "fixed" }

    func complete(
        _ requests: [ChatRequest], progress: ((Int, Int) -> Void)?, isCancelled: () -> Bool,
        onResult: (Int, Result<ChatResponse, Error>) -> Void
    ) -> [Result<ChatResponse, Error>] {
        calls += requests.count
        let results: [Result<ChatResponse, Error>] = requests.map { _ in
            .success(ChatResponse(text: "ok", usage: TokenUsage(promptTokens: 10, completionTokens: 5)))
        }
        for (index, result) in results.enumerated() { onResult(index, result) }
        return results
    }

    func stream(_ request: ChatRequest, onToken: (String) -> Void, isCancelled: () -> Bool) throws -> ChatResponse {
        calls += 1
        return ChatResponse(text: "ok", usage: TokenUsage(promptTokens: 10, completionTokens: 5))
    }
}
