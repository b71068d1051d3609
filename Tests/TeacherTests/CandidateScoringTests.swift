import Foundation
import TestSupport
import Testing

@testable import Teacher
@testable import TeacherHTTP

/// Scoring labels over HTTP: the request asks for one token and its top_logprobs, and the
/// labels are scored from them, with their coverage said.
struct CandidateScoringTests {
    @Test func labelsAreScoredFromTheFirstTokensTopLogprobs() throws {
        let server = try FixtureServer()
        let teacher = try fastTeacher(server)
        var good = userRequest("Review: good movie")
        good.candidates = ["good", "bad", "goodish"]
        var bad = userRequest("Review: bad movie, not good")
        bad.candidates = ["good", "bad", "goodish"]
        let results = teacher.complete([good, bad], progress: nil, isCancelled: { false })
        let first = try #require(try results[0].get().candidateScores)
        // review -0.5, good -1.0, movie -1.5 listed; "bad" is not: the mass left over is below
        // e^-27.6, so its bound is the floor.
        #expect(first.map(\.coverage) == [.firstToken, .notListed, .firstToken])
        #expect(first[0].logprob == -1.0 && first[2].logprob == -1.0, "a longer label takes its longest listed prefix")
        #expect(first[1].logprob < first[0].logprob)
        let second = try #require(try results[1].get().candidateScores)
        #expect(second[1].logprob == -1.0 && second[0].logprob == -2.5)
        // What went over the wire: one token and 20 alternatives.
        let body = try #require(server.stats().bodies["Review: good movie"])
        #expect(body.contains(#""logprobs":true"#) && body.contains(#""top_logprobs":20"#) && body.contains(#""max_tokens":1"#))
    }

    @Test func aServerWithoutLogprobsIsAClearError() throws {
        let wire = try JSONDecoder().decode(
            WireChatResponse.self, from: Data(#"{"choices":[{"index":0,"message":{"content":"good"},"logprobs":null}]}"#.utf8))
        let error = #expect(throws: TeacherError.self) { try wire.candidateScores(["good", "bad"]) }
        #expect(error?.message.contains("no log-probabilities") == true)
    }
}
