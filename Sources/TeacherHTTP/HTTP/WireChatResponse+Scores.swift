import Foundation
import PortableMath
import Teacher

extension WireChatResponse {
    /// Candidate scores from the first generated token's `top_logprobs`: all that the
    /// chat-completions API reveals of the probability of a reply it did not write.
    ///
    /// Each candidate takes the longest listed token it starts with (`firstToken` coverage:
    /// exact when the candidate is one token). A candidate none of whose prefixes is listed
    /// gets an upper bound, `notListed`: the probability left over by the listed tokens, or the
    /// least likely listed one's, whichever is smaller.
    /// - Throws: `TeacherError(.decoding)` when the server sent no log-probabilities.
    func candidateScores(_ candidates: [String]) throws -> [CandidateScore] {
        let first = choices.min { ($0.index ?? 0) < ($1.index ?? 0) }
        guard let token = first?.logprobs?.content?.first else {
            throw TeacherError(
                .decoding, "the server returned no log-probabilities, so it cannot score labels",
                hint: "Use a server that supports logprobs and top_logprobs (OpenAI, llama-server, vLLM), or the local teacher")
        }
        var listed: [String: Double] = [token.token: token.logprob]
        for alternative in token.topLogprobs ?? [] where listed[alternative.token] == nil {
            listed[alternative.token] = alternative.logprob
        }
        // Summed in a fixed order (a dictionary's order changes between runs) with fewshot's own exp.
        let leftOver = 1 - listed.values.sorted().reduce(0) { $0 + Reproducible.exp($1) }
        let bound = min(Reproducible.log(max(leftOver, 1e-12)), listed.values.min() ?? 0)
        return candidates.map { candidate in
            let match = listed.filter { !$0.key.isEmpty && candidate.hasPrefix($0.key) }.max { $0.key.count < $1.key.count }
            guard let match else { return CandidateScore(logprob: bound, tokens: 1, coverage: .notListed) }
            return CandidateScore(logprob: match.value, tokens: 1, coverage: .firstToken)
        }
    }
}
