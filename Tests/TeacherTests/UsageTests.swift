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

    @Test func refusesACallThatCouldPassTheBudget() throws {
        let meter = UsageMeter(prices: prices)
        let inner = FixedUsageTeacher()
        var request = userRequest("twelve characters")  // about 3 + 4 + 3 = 10 prompt tokens
        request.maxTokens = 10
        let teacher = MeteredTeacher(wrapping: inner, meter: meter, budget: TeacherBudget(maxTokens: 100))
        #expect(teacher.complete(Array(repeating: request, count: 4), progress: nil, isCancelled: { false })
            .allSatisfy { (try? $0.get()) != nil })
        #expect(meter.total == TokenUsage(promptTokens: 40, completionTokens: 20))
        // 60 used; 4 more requests could take 80 more: refused whole, nothing sent.
        let refused = teacher.complete(Array(repeating: request, count: 4), progress: nil, isCancelled: { false })
        #expect(refused.compactMap(teacherError).map(\.kind) == Array(repeating: .budget, count: 4))
        #expect(inner.calls == 4)
        // Cost: each request may cost (10 * 1000 + 10 * 2000) / 1e6 = 0.03.
        let cheap = MeteredTeacher(wrapping: inner, meter: UsageMeter(prices: prices), budget: TeacherBudget(maxCost: 0.1))
        #expect(cheap.check(Array(repeating: request, count: 3)) == nil)
        #expect(cheap.check(Array(repeating: request, count: 4))?.kind == .budget)
        let unpriced = MeteredTeacher(wrapping: inner, meter: UsageMeter(), budget: TeacherBudget(maxCost: 1))
        #expect(unpriced.check([request])?.message.contains("price table") == true)
    }
}

/// Answers every request with 10 prompt and 5 completion tokens.
final class FixedUsageTeacher: ChatTeacher {
    var calls = 0
    var summary: String { "fixed" }

    func complete(_ requests: [ChatRequest], progress: ((Int, Int) -> Void)?, isCancelled: () -> Bool)
        -> [Result<ChatResponse, Error>]
    {
        calls += requests.count
        return requests.map { _ in .success(ChatResponse(text: "ok", usage: TokenUsage(promptTokens: 10, completionTokens: 5))) }
    }

    func stream(_ request: ChatRequest, onToken: (String) -> Void, isCancelled: () -> Bool) throws -> ChatResponse {
        calls += 1
        return ChatResponse(text: "ok", usage: TokenUsage(promptTokens: 10, completionTokens: 5))
    }
}
