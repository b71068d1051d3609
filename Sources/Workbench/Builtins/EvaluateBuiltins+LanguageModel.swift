import Chat
import Datasets
import Foundation
import Language
import Learn
import OrderedCollections
import Teacher

/// `evaluate` of a language-model student: perplexity, then each dialogue answered and scored.
extension EvaluateBuiltins {
    /// Perplexity, then each dialogue's first user turn answered by `reply` and scored against
    /// the reference reply.
    static func scoreLanguageModel(
        _ model: ModelObject, perplexity: Float, _ data: Dataset, _ args: Arguments, _ ctx: CallContext,
        reply answer: (String) throws -> String
    ) throws -> EvaluationObject {
        var metrics: OrderedDictionary<String, Double> = ["perplexity": Double(perplexity)]
        let probe = args.optional("contains") == nil ? nil : try args.string("contains")
        let turns = try data.rows.enumerated().compactMap { index, row -> (user: String, reply: String)? in
            guard let messages = row["messages"] else { return nil }
            let list = try ChatMessage.list(messages, row: index + 1)
            guard let user = list.first(where: { $0.role == .user }), let reply = list.first(where: { $0.role == .assistant })
            else { return nil }
            return (user.content, reply.content)
        }
        guard !turns.isEmpty else {
            return EvaluationObject(
                title: "\(model.label) on \(data.count) rows", metrics: metrics, examples: Dataset([]), correct: [])
        }
        let progress = ProgressReporter("evaluate", total: turns.count, context: ctx)
        var rows: [Row] = [], correct: [Bool] = []
        var exact = 0.0, rouge = 0.0, hits = 0.0
        for (index, turn) in turns.enumerated() {
            try ctx.checkCancellation()
            let reply = try answer(turn.user).trimmingCharacters(in: .whitespaces)
            let matched = reply == turn.reply.trimmingCharacters(in: .whitespaces)
            let hit = probe.map { reply.contains($0) } ?? matched
            exact += matched ? 1 : 0
            rouge += rougeL(reply, turn.reply).fMeasure
            hits += hit ? 1 : 0
            correct.append(hit)
            rows.append(
                Row([
                    ("user", .string(turn.user)), ("expected", .string(turn.reply)), ("reply", .string(reply)),
                    ("correct", .bool(hit)),
                ]))
            progress.update(done: index + 1)
        }
        progress.finish(done: turns.count)
        let n = Double(turns.count)
        metrics["exact_match"] = exact / n
        metrics["rouge_l"] = rouge / n
        if probe != nil { metrics["contains"] = hits / n }
        return EvaluationObject(
            title: "\(model.label) on \(turns.count) dialogues", metrics: metrics, examples: Dataset(rows), correct: correct)
    }
}
