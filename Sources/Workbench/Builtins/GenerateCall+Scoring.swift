import Datasets
import Foundation
import Language
import Teacher

extension GenerateCall {
    /// The rows of a scoring call: each input labelled from its label distribution (calibrated
    /// by the content-free inputs' scores when asked), or rejected when its request failed; and
    /// the lines to show after the progress line (the calibration estimate, partial scores).
    ///
    /// - Throws: when a content-free input's scores are missing, since no row can then be scored
    ///   as asked.
    func scoredRows(
        _ results: [Result<ChatResponse, Error>], _ scoring: LabelScoring, _ ctx: CallContext
    ) throws -> (kept: [Row], rejected: [Row], notes: [String]) {
        var references: [String: [CandidateScore]] = [:]
        for (offset, input) in scoring.referenceInputs.enumerated() {
            switch results[inputs.count + offset] {
            case .success(let response) where response.candidateScores?.count == scoring.labels.count:
                references[input] = response.candidateScores
            case .success:
                throw RuntimeError(
                    "the teacher returned no label scores for the content-free input \"\(input)\"", at: ctx.callRange)
            case .failure(let error):
                throw RuntimeError(
                    "the label scores of the content-free input \"\(input)\" are needed to calibrate, but its request failed: \(error)",
                    at: ctx.callRange)
            }
        }
        let (empty, bias) = scoring.references(references)
        var notes = bias.map { [scoring.describe($0)] } ?? []
        var kept: [Row] = []
        var rejected: [Row] = []
        var partial = 0
        for (index, result) in results.prefix(inputs.count).enumerated()
        where !TeacherObject.wasStoppedByBudget(result, budget: budget) {
            switch result {
            case .success(let response):
                guard let scores = response.candidateScores, scores.count == scoring.labels.count else {
                    rejected.append(rejectionRow(index, "the teacher returned no label scores", response.text))
                    continue
                }
                if scores.contains(where: { $0.coverage != .whole }) { partial += 1 }
                kept.append(scoring.labelledRow(inputs[index], probs: scoring.distribution(scores, empty: empty, bias: bias)))
            case .failure(let error):
                rejected.append(rejectionRow(index, "request failed: \(error)", ""))
            }
        }
        if partial > 0 {
            notes.append(
                "note: for \(partial) of \(kept.count) rows the server revealed only the first token's probability "
                    + "of some labels (top_logprobs): they are ranked by it; a label whose first token is shared "
                    + "with another, or is not among the server's most likely tokens, is not scored exactly\n")
        }
        return (kept, rejected, notes)
    }
}
