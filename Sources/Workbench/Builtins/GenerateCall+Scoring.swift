import Datasets
import Foundation
import Language
import Teacher

/// The label distributions of one scoring call's answers.
struct ScoredAnswers {
    /// Per input row: its label distribution, or why it has none (the request failed, or the
    /// teacher returned no scores).
    var rows: [Result<[Double], ScoringFailure>]
    /// The calibration estimate, when calibrating.
    var bias: LabelScoring.Bias?
    /// How many rows were scored from first tokens only (a server's `top_logprobs`).
    var partial: Int
}

/// Why one row has no label distribution.
struct ScoringFailure: Error {
    var reason: String
    var reply: String
}

extension LabelScoring {
    /// The answers of row `index` among a call's results (`requestsPerRow` of them).
    func answers(
        ofRow index: Int, in results: [Result<ChatResponse, Error>]
    ) -> ArraySlice<Result<ChatResponse, Error>> {
        results[(index * requestsPerRow)..<((index + 1) * requestsPerRow)]
    }

    /// Reads a call's answers: the first `inputCount * requestsPerRow` are the rows', the rest
    /// the reference inputs' (`referenceInputs`, in order). Requests a budget held back count
    /// as failures.
    ///
    /// - Throws: when a reference input's scores are missing, since no row can then be scored
    ///   as asked (the error is placed at `range`).
    func read(_ results: [Result<ChatResponse, Error>], inputCount: Int, at range: SourceRange) throws -> ScoredAnswers {
        var references: [String: [CandidateScore]] = [:]
        for (offset, input) in referenceInputs.enumerated() {
            switch results[inputCount * requestsPerRow + offset] {
            case .success(let response) where response.candidateScores?.count == labels.count:
                references[input] = response.candidateScores
            case .success:
                throw RuntimeError("the teacher returned no label scores for the content-free input \"\(input)\"", at: range)
            case .failure(let error):
                throw RuntimeError(
                    "the label scores of the content-free input \"\(input)\" are needed, but its request failed: \(error)",
                    at: range)
            }
        }
        let (empty, bias) = self.references(references)
        var partial = 0
        let rows = (0..<inputCount).map { index -> Result<[Double], ScoringFailure> in
            let scores: [CandidateScore]
            switch method {
            case .likelihood:
                switch results[index] {
                case .success(let response):
                    guard let labelScores = response.candidateScores, labelScores.count == labels.count else {
                        return .failure(ScoringFailure(reason: "the teacher returned no label scores", reply: response.text))
                    }
                    if labelScores.contains(where: { $0.coverage != .whole }) { partial += 1 }
                    scores = labelScores
                case .failure(let error):
                    return .failure(ScoringFailure(reason: "request failed: \(error)", reply: ""))
                }
            case .channel:
                switch Self.channelScores(answers(ofRow: index, in: results)) {
                case .success(let textScores): scores = textScores
                case .failure(let failure): return .failure(failure)
                }
            }
            return .success(distribution(scores, empty: empty, bias: bias))
        }
        return ScoredAnswers(rows: rows, bias: bias, partial: partial)
    }

    /// A row's channel scores: per label, the log-probability of the row's text after it. Every
    /// one must cover the whole text; a first-token score (a server's `top_logprobs`) says
    /// nothing about the rest of it.
    static func channelScores(_ answers: ArraySlice<Result<ChatResponse, Error>>) -> Result<[CandidateScore], ScoringFailure> {
        var scores: [CandidateScore] = []
        for answer in answers {
            switch answer {
            case .success(let response):
                guard let score = response.candidateScores?.first, response.candidateScores?.count == 1 else {
                    return .failure(ScoringFailure(reason: "the teacher returned no score for the text", reply: response.text))
                }
                guard score.coverage == .whole else {
                    return .failure(
                        ScoringFailure(
                            reason: "the teacher scored only the first token of the text (a server's top_logprobs); "
                                + "channel scoring needs the whole text's probability: use the local teacher, "
                                + "or scoring: \"likelihood\"",
                            reply: response.text))
                }
                scores.append(score)
            case .failure(let error):
                return .failure(ScoringFailure(reason: "request failed: \(error)", reply: ""))
            }
        }
        return .success(scores)
    }

    /// The lines to show after a scoring call's progress line: the calibration estimate, and a
    /// warning when some labels were scored by their first token only.
    func notes(_ answers: ScoredAnswers) -> [String] {
        var notes = answers.bias.map { [describe($0)] } ?? []
        if answers.partial > 0 {
            notes.append(
                "note: for \(answers.partial) rows the server revealed only the first token's probability of some "
                    + "labels (top_logprobs): they are ranked by it; a label whose first token is shared with another, "
                    + "or is not among the server's most likely tokens, is not scored exactly\n")
        }
        return notes
    }
}

extension GenerateCall {
    /// The rows of a scoring call: each input labelled from its label distribution, or rejected
    /// when it has none; and the lines to show after the progress line.
    func scoredRows(
        _ results: [Result<ChatResponse, Error>], _ scoring: LabelScoring, _ ctx: CallContext
    ) throws -> (kept: [Row], rejected: [Row], notes: [String]) {
        let answers = try scoring.read(results, inputCount: inputs.count, at: ctx.callRange)
        var kept: [Row] = []
        var rejected: [Row] = []
        for (index, row) in answers.rows.enumerated()
        where !scoring.answers(ofRow: index, in: results).contains(where: { TeacherObject.wasStoppedByBudget($0, budget: budget) }
        ) {
            switch row {
            case .success(let probs): kept.append(scoring.labelledRow(inputs[index], probs: probs))
            case .failure(let failure): rejected.append(rejectionRow(index, failure.reason, failure.reply))
            }
        }
        return (kept, rejected, scoring.notes(answers))
    }
}
