import Datasets
import Foundation
import Language
import OrderedCollections
import PortableMath
import Teacher

/// `generate(p, s, label: rows, scoring: "likelihood")`: instead of sampling a reply and parsing
/// it, the teacher scores every allowed label of the prompt's `output:` list, and each row keeps
/// the label, the distribution (`probs`) and the top probability (`confidence`).
///
/// As lm-evaluation-harness scores answer options: `normalize: "sum"` (the label's whole
/// log-probability), `"mean"` (per token) or `"mutual_info"` (minus its log-probability after a
/// content-free input, `acc_mutual_info`). `calibrate:` applies contextual calibration (Zhao et
/// al. 2021): the distribution the teacher gives content-free inputs ("N/A", "", "[MASK]") is
/// its bias, and each label's probability is divided by it and renormalised.
///
/// `scoring: "channel"` turns the prompt around (Min et al. 2022): each label asks and the row's
/// text is the reply scored, P(text | label), one request per label. It needs a teacher that
/// scores whole replies (the local one); it has no label prior to calibrate.
struct LabelScoring {
    enum Normalization: String, CaseIterable {
        case sum, mean
        case mutualInformation = "mutual_info"
    }

    /// Which probability ranks the labels.
    enum Method: String, CaseIterable {
        /// P(label | prompt and text): one request per row, every label a candidate reply.
        case likelihood
        /// P(text | prompt and label): one request per row and label, the text the reply.
        case channel
    }

    /// The content-free inputs `calibrate: true` uses, as Zhao et al. (2021) do.
    static let defaultContentFree = ["N/A", "", "[MASK]"]

    let method: Method
    let labels: [String]
    /// The row field the chosen label goes into.
    let field: String
    let normalization: Normalization
    /// The content-free inputs of calibration; nil: no calibration.
    let contentFree: [String]?

    /// The content-free inputs the call needs beyond the rows: calibration's, and the empty
    /// input of mutual information.
    var referenceInputs: [String] {
        var inputs = contentFree ?? []
        if normalization == .mutualInformation, !inputs.contains("") { inputs.append("") }
        return inputs
    }

    /// A row whose every slot of `template` holds `text`.
    static func contentFreeRow(_ text: String, template: PromptTemplate) -> Row {
        Row(OrderedDictionary(uniqueKeysWithValues: template.slots.map { ($0, FieldValue.string(text)) }))
    }

    /// How many requests score one row: one, or one per label for channel scoring.
    var requestsPerRow: Int { method == .channel ? labels.count : 1 }

    /// The requests that score `row`'s labels (`requestsPerRow` of them), sampling fields
    /// unset: they do not change a score, so they do not split the recording either.
    func requests(for row: Row, shots: [Row], template: PromptTemplate, model: String) throws -> [ChatRequest] {
        switch method {
        case .likelihood:
            var request = ChatRequest(model: model, messages: try template.render(row, shots: shots).messages, maxTokens: 1)
            request.candidates = labels
            return [request]
        case .channel:
            return try labels.map { label in
                let channel = try template.renderChannel(row, shots: shots, label: label)
                var request = ChatRequest(model: model, messages: channel.messages, maxTokens: 1)
                request.candidates = [channel.reply]
                return request
            }
        }
    }

    /// The teacher's bias: per content-free input, its label distribution (normalised as the
    /// rows are, before calibration), and their mean.
    struct Bias {
        var perInput: [(input: String, probs: [Double])]
        var mean: [Double]
    }

    /// Turns the scores of the reference inputs into what the rows need: the log-probabilities
    /// mutual information subtracts, and the calibration bias.
    func references(_ scores: [String: [CandidateScore]]) -> (empty: [Double]?, bias: Bias?) {
        let empty = normalization == .mutualInformation ? scores[""]?.map(\.logprob) : nil
        guard let contentFree else { return (empty, nil) }
        let perInput = contentFree.compactMap { input in
            scores[input].map { (input: input, probs: distribution($0, empty: empty)) }
        }
        var mean = [Double](repeating: 0, count: labels.count)
        for (_, probs) in perInput { for i in mean.indices { mean[i] += probs[i] / Double(perInput.count) } }
        return (empty, Bias(perInput: perInput, mean: mean))
    }

    /// The label distribution of one row's scores: normalised, softmaxed, and divided by the
    /// bias when calibrating.
    func distribution(_ scores: [CandidateScore], empty: [Double]?, bias: Bias? = nil) -> [Double] {
        let logits = scores.enumerated().map { i, score -> Double in
            switch normalization {
            case .sum: return score.logprob
            case .mean: return score.logprob / Double(max(1, score.tokens))
            case .mutualInformation: return score.logprob - (empty?[i] ?? 0)
            }
        }
        var probs = Self.softmax(logits)
        if let bias {
            probs = zip(probs, bias.mean).map { p, b in b > 0 ? p / b : p }
            let total = probs.reduce(0, +)
            if total > 0 { probs = probs.map { $0 / total } }
        }
        return probs
    }

    /// The row `input` labelled from `probs`: the likeliest label (the first on a tie), `probs`
    /// as a record and `confidence`.
    func labelledRow(_ input: Row, probs: [Double]) -> Row {
        var row = input
        let best = Self.best(probs)
        row.fields[field] = .string(labels[best])
        row.fields["probs"] = .record(
            Row(OrderedDictionary(uniqueKeysWithValues: zip(labels, probs.map { FieldValue.double($0) }))))
        row.fields["confidence"] = .double(probs[best])
        return row
    }

    /// The index of the likeliest label (the first on a tie).
    static func best(_ probs: [Double]) -> Int {
        probs.indices.max { probs[$0] < probs[$1] || (probs[$0] == probs[$1] && $0 > $1) } ?? 0
    }

    /// A line showing the calibration estimate, e.g.
    /// `calibration: content-free "N/A", "", "[MASK]" give negative 0.21 · neutral 0.05 · positive 0.74`.
    func describe(_ bias: Bias) -> String {
        let inputs = bias.perInput.map { Value.string($0.input).repr }.joined(separator: ", ")
        let shares = zip(labels, bias.mean).map { "\($0) \(String(format: "%.3f", $1))" }.joined(separator: " · ")
        return "calibration: the teacher gives the content-free inputs \(inputs) \(shares) on average; "
            + "each row's probabilities are divided by these and renormalised\n"
    }

    /// softmax in Double, stable for any scale, with fewshot's own exp (the same bits on every machine).
    static func softmax(_ logits: [Double]) -> [Double] {
        guard let top = logits.max(), top.isFinite else {
            return logits.map { _ in 1 / Double(max(1, logits.count)) }
        }
        let exps = logits.map { Reproducible.exp($0 - top) }
        let total = exps.reduce(0, +)
        return exps.map { $0 / total }
    }
}

extension LabelScoring {
    /// The scoring the arguments ask for, or nil for `scoring: "generate"` (sample and parse).
    init?(_ args: Arguments, template: PromptTemplate, labelling: Bool) throws {
        let scoring = try args.string("scoring")
        guard scoring != "generate" else {
            for name in ["normalize", "calibrate"] where args.range(of: name) != nil {
                throw args.error(name, "\(name): applies to scoring: \"likelihood\" or \"channel\" only")
            }
            return nil
        }
        guard let method = Method(rawValue: scoring) else {
            throw args.error(
                "scoring", "scoring must be \"generate\", \"likelihood\" or \"channel\", got \"\(scoring)\"")
        }
        self.method = method
        guard labelling else {
            throw args.error("scoring", "scoring: \"\(scoring)\" labels rows: give them with label: data")
        }
        guard case .label(let field, let allowed?) = template.output, allowed.count >= 2 else {
            throw args.error(
                "scoring",
                "scoring: \"\(scoring)\" scores the prompt's labels, but this prompt has none: "
                    + "give it output: [\"negative\", \"positive\"] (two labels or more)")
        }
        labels = allowed
        self.field = field
        let normalize = try args.string("normalize")
        guard let normalization = Normalization(rawValue: normalize) else {
            throw args.error(
                "normalize",
                "normalize must be one of \(Normalization.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")), "
                    + "got \"\(normalize)\"")
        }
        self.normalization = normalization
        if method == .channel, normalization == .mutualInformation {
            throw args.error(
                "normalize",
                "normalize: \"mutual_info\" divides out a label's prior; channel scoring has none "
                    + "(every label scores the same text): use \"sum\"")
        }
        if method == .channel, let calibrate = args.optional("calibrate"), calibrate != .bool(false) {
            throw args.error(
                "calibrate",
                "calibrate: corrects a bias toward some labels in P(label | text); channel scoring ranks "
                    + "P(text | label), which has no such prior: leave calibrate: out")
        }
        switch args.optional("calibrate") {
        case nil, .bool(false)?: contentFree = nil
        case .bool(true)?: contentFree = Self.defaultContentFree
        case .list(let items)? where !items.isEmpty:
            contentFree = try items.map { item in
                guard case .string(let text) = item else {
                    throw args.error("calibrate", "calibrate: takes true or a list of content-free inputs (strings)")
                }
                return text
            }
        default:
            throw args.error("calibrate", "calibrate: takes true or a list of content-free inputs, e.g. [\"N/A\", \"\"]")
        }
    }
}
