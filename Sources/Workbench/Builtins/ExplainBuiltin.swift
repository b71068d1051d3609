import Datasets
import Foundation
import Language
import Learn

/// `explain`: shows a learner exactly what a student reads for one row and which tokens carry
/// the loss, i.e. what fine-tuning trains the model to write.
enum ExplainBuiltin {
    typealias P = BuiltinParameter

    static let builtin = Builtin(
        "explain", [P("model"), P("row", .record)], category: "loop",
        doc: """
            Shows how a student sees one training row: the tokens it reads and which of them
            carry loss (the words fine-tuning teaches it to write). For a dialogue only the bot's
            turns carry loss, so the student learns to answer, not to imitate the user. For a
            classifier the loss is on the label alone, or, for a row with probs (likelihood
            scoring) and soft: true, on the teacher's probabilities, shown as the target.
            Example: explain(student, {messages: [{role: "user", content: "hi"}, {role: "assistant", content: "aha cheers !"}]})
            """
    ) { args, ctx in
        guard case .host(let model as ModelObject) = args["model"] else {
            throw args.error(
                "model", "explain needs a student model (from finetune or load_model), got \(args["model"].typeName)")
        }
        guard case .record(let fields) = args["row"] else { throw args.error("row", "row must be a record") }
        let row = try located(ctx.callRange) { try Row(fields) }
        switch model.kind {
        case .languageModel(let gpt):
            let segments = try located(ctx.callRange) { try model.text.segments(row, index: 0) }
            let view = TokenLossView(
                TokenSequence(segments: segments), context: gpt.config.context,
                tokens: "byte tokens (one per byte, plus <end>)"
            ) { ids in
                ByteTokenizer().decode(ids) + (ids.last == ByteTokenizer.endOfText ? "<end>" : "")
            }
            ctx.write(view.render(name: model.name))
        case .llama(let student):
            let sequence = try located(ctx.callRange) {
                try StudentText.conversation(row, index: 0).map { try student.sequence(conversation: $0) }
                    ?? student.sequence(text: row.text())
            }
            let tokenizer = student.base.tokenizer
            let view = TokenLossView(
                sequence, context: student.contextLength, tokens: "tokens of its own BPE vocabulary and chat template"
            ) {
                tokenizer.decode($0)
            }
            ctx.write(view.render(name: model.name))
        case .classifier(let classifier):
            let text = StudentText.classifierInput(row, labelColumn: row["label"] == nil ? nil : "label")
            let soft = row[SoftTargets.column] == nil ? nil : try? SoftTargets.targets([row], labels: classifier.labels).first
            ctx.write(classifierView(text, classifier, name: model.name, soft: soft))
        case .sentenceClassifier(let classifier):
            let text = StudentText.classifierInput(row, labelColumn: row["label"] == nil ? nil : "label")
            let soft = row[SoftTargets.column] == nil ? nil : try? SoftTargets.targets([row], labels: classifier.labels).first
            ctx.write(sentenceClassifierView(text, classifier, name: model.name, soft: soft))
        }
        return .nil
    }

    /// What a classifier reads (truncated to its context) and what it is trained to predict.
    /// With `soft` (the row's `probs`), the target distribution a `soft: true` student learns.
    private static func classifierView(_ text: String, _ classifier: GPTClassifier, name: String, soft: [Float]?) -> String {
        let tokens = ByteTokenizer().encode(text)
        let context = classifier.backbone.config.context
        let read = ByteTokenizer().decode(Array(tokens.prefix(context)))
        var out =
            "\(name) reads \(min(tokens.count, context)) byte tokens and predicts one of \(classifier.labels.joined(separator: "|"))\n"
        out += "  read   " + TokenLossView.visible(read) + "\n"
        if tokens.count > context {
            out += "  cut    " + TokenLossView.visible(ByteTokenizer().decode(Array(tokens.dropFirst(context)))) + "\n"
            out += "  (the last \(tokens.count - context) tokens are beyond its context of \(context) and are never read)\n"
        }
        return out + targetView(classifier.labels, soft: soft)
    }

    /// What the MiniLM classifier reads (WordPiece pieces, cut to its length) and learns.
    private static func sentenceClassifierView(_ text: String, _ classifier: BertClassifier, name: String, soft: [Float]?)
        -> String
    {
        let tokens = classifier.encode(text)
        let pieces = classifier.sentence.tokenizer.decodePieces(tokens).joined(separator: " ")
        let state = classifier.frozen ? "frozen" : "fine-tuned"
        var out =
            "\(name) reads \(tokens.count) WordPiece tokens (lower-cased, at most \(classifier.contextLength)), "
            + "averages the \(state) MiniLM encoder's states over them and predicts one of "
            + classifier.labels.joined(separator: "|") + "\n"
        out += "  read   " + TokenLossView.visible(pieces) + "\n"
        return out + targetView(classifier.labels, soft: soft)
    }

    /// The training target: the label alone, or with `soft` the teacher's probabilities.
    private static func targetView(_ labels: [String], soft: [Float]?) -> String {
        guard let soft else {
            return "the loss is on the label alone: the classifier learns which label fits the text\n"
        }
        var out = ""
        let shares = zip(labels, soft).map { "\($0) \(String(format: "%.2f", $1))" }.joined(separator: " · ")
        out += "  target \(shares)\n"
        out +=
            "trained with soft: true, the loss is the cross-entropy against these probabilities (the teacher's), "
            + "so the classifier also learns how sure the teacher was; otherwise it is on the label alone\n"
        return out
    }
}

/// A token sequence drawn as runs of context tokens (`·`) and loss-carrying tokens (`▶`).
struct TokenLossView {
    let sequence: TokenSequence
    let context: Int
    /// What the tokens are, for the header line.
    let tokens: String
    /// The text of some token ids (special tokens spelled out).
    let decode: ([Int]) -> String

    init(_ sequence: TokenSequence, context: Int, tokens: String, decode: @escaping ([Int]) -> String) {
        self.sequence = sequence
        self.context = context
        self.tokens = tokens
        self.decode = decode
    }

    func render(name: String) -> String {
        let total = sequence.tokens.count
        let trained = sequence.lossMask.dropFirst().filter { $0 }.count
        let share = total > 1 ? Int((Double(trained) / Double(total - 1) * 100).rounded()) : 0
        var out = "\(name) reads \(total) \(tokens); \(trained) carry loss (\(share)%)\n"
        for run in runs() {
            out += (run.trained ? "  ▶ " : "  · ") + TokenLossView.visible(decode(run.tokens))
            out += "\n"
        }
        if total > context + 1 {
            out += "longer than the context (\(context) tokens): trained as \(sequence.windows(context: context).count) windows\n"
        }
        out += "▶ the student is trained to write these tokens   · context it reads but is not trained to write\n"
        return out
    }

    /// Consecutive tokens with the same mask. The first token is never predicted (nothing comes
    /// before it), so it is shown as context.
    private func runs() -> [(tokens: [Int], trained: Bool)] {
        var runs: [(tokens: [Int], trained: Bool)] = []
        for (i, token) in sequence.tokens.enumerated() {
            let trained = i > 0 && sequence.lossMask[i]
            if let last = runs.last, last.trained == trained {
                runs[runs.count - 1].tokens.append(token)
            } else {
                runs.append(([token], trained))
            }
        }
        return runs
    }

    /// Row text made safe and visible on one line: newlines as `⏎`, control sequences neutralised.
    static func visible(_ text: String) -> String {
        TerminalSafety.neutralize(text).replacingOccurrences(of: "\n", with: "⏎")
    }
}
