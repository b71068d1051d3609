import Chat
import Foundation
import Testing

@testable import Learn

/// transformers' log-probabilities of each label as the reply to the README's prompt, from the
/// same GGUF dequantised to f32 (scripts/reference/label_scores.py fixture).
struct LabelScoresFixture: Decodable {
    struct Case: Decodable {
        let text: String
        let labels: [String]
        let prompt_text: String
        let prompt: [Int]
        let continuations: [[Int]]
        let logprobs: [Double]
    }
    let cases: [Case]

    static func load() throws -> LabelScoresFixture {
        let url = LlamaFixtures.folder.appendingPathComponent("label_scores.json")
        return try JSONDecoder().decode(LabelScoresFixture.self, from: Data(contentsOf: url))
    }

    /// The README's prompt as chat turns, as the reference script builds it.
    static func turns(for text: String, labels: [String]) -> [ChatMessage] {
        let shots = [
            ("my car parked itself and I loved it", "positive"),
            ("I will never trust a car without a driver", "negative"),
            ("self-driving trucks were in the news today", "neutral"),
        ]
        var turns = [
            ChatMessage(
                role: "system",
                content: "Classify the sentiment of tweets.\n\nAnswer with exactly one of: "
                    + labels.joined(separator: ", ") + ". Reply with the label only.")
        ]
        for (shot, label) in shots where labels.contains(label) {
            turns += [
                ChatMessage(role: "user", content: "Tweet: \(shot)\nSentiment:"), ChatMessage(role: "assistant", content: label),
            ]
        }
        return turns + [ChatMessage(role: "user", content: "Tweet: \(text)\nSentiment:")]
    }
}

@Suite(.enabled(if: LlamaFixtures.modelPath != nil, "SmolLM2 model not installed (run scripts/setup)"))
struct LabelScoringParityTests {
    /// Each label's log-probability (its tokens and the end of the turn) matches transformers
    /// within 1e-3, with the same tokens, whatever the model's activation format; a prompt whose
    /// prefix is cached (the shots the cases share) scores the same bits as a cold one; an empty
    /// continuation, an unknown token and cancellation are handled.
    @Test func labelLogProbabilitiesMatchTransformers() throws {
        let fixture = try LabelScoresFixture.load()
        let model = try LlamaModel(path: LlamaFixtures.modelPath!)
        var worst = 0.0
        var cold: [ContinuationScore] = []
        for (index, c) in fixture.cases.enumerated() {
            let turns = LabelScoresFixture.turns(for: c.text, labels: c.labels)
            #expect(try model.chatTemplate.get().render(turns) == c.prompt_text)
            #expect(model.promptTokens(c.prompt_text) == c.prompt)
            // The model's own setting must not matter: scoring always runs Float activations.
            model.activations = index.isMultiple(of: 2) ? .int8 : .float
            let scores = try model.scoreReplies(messages: turns, replies: c.labels)
            #expect(scores.promptTokens == c.prompt.count)
            #expect(scores.replies.map(\.tokens) == c.continuations.map(\.count))
            for (got, want) in zip(scores.replies, c.logprobs) { worst = max(worst, abs(got.logprob - want)) }
            if index == 0 { cold = scores.replies }
        }
        print("label log-probabilities differ from transformers by up to \(worst)")
        #expect(worst < 1e-3)

        let first = fixture.cases[0]
        let afterNeighbours = try model.score(prompt: first.prompt, continuations: first.continuations)
        let again = try model.score(prompt: first.prompt, continuations: first.continuations)
        #expect(afterNeighbours == cold && again == cold, "the same bits from a cached prefix as from a cold one")
        #expect(try model.score(prompt: first.prompt, continuations: [[]]) == [ContinuationScore(logprob: 0, tokens: 0)])
        #expect(throws: LlamaError.self) { try model.score(prompt: first.prompt, continuations: [[-1]]) }
        #expect(throws: LlamaError.self) { try model.score(prompt: [], continuations: [[1]]) }
        #expect(throws: CancellationError.self) {
            try model.score(prompt: first.prompt + [1], continuations: first.continuations, isCancelled: { true })
        }
    }
}
