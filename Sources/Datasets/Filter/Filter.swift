import JSONText

extension Dataset {
    /// The rows that pass `rules`, with every dropped row and the rule that dropped it.
    /// Rules run as stages in order, each on the survivors of the one before.
    ///
    /// ```swift
    /// let r = try generated.filter(try FilterRule.preset("self-instruct", on: .field("instruction")))
    /// r.kept.count; r.dropped.first?.rule; print(r.report())
    /// ```
    /// - Throws: `DatasetError` (an allowed-labels rule without a label column) or what a predicate throws.
    public func filter(_ rules: [FilterRule]) throws -> FilterResult {
        var alive = Array(rows.indices)
        var dropped: [DroppedRow] = []
        var stages: [FunnelStage] = []
        for rule in rules {
            let verdicts = try rule.apply(alive.map { rows[$0] }, dataset: self)
            var survivors: [Int] = []
            var stage = FunnelStage(rule: rule.name, rowsIn: alive.count, dropped: 0, example: nil)
            for (n, i) in alive.enumerated() {
                guard let reason = verdicts[n] else { survivors.append(i); continue }
                // Reasons name rows by their position in this stage; map them back to input rows.
                let d = DroppedRow(index: i, row: rows[i], rule: rule.name, reason: reason.text(alive))
                dropped.append(d)
                stage.dropped += 1
                if stage.example == nil { stage.example = d }
            }
            stages.append(stage)
            alive = survivors
        }
        dropped.sort { $0.index < $1.index }
        return FilterResult(kept: derived(alive.map { rows[$0] }), dropped: dropped, stages: stages, rowsIn: count)
    }
}

/// Why a rule dropped a row; `other` is a position among the rows the stage saw.
struct DropReason {
    var detail: String
    var other: Int?
    var score: Double?
    /// What `score` measures, as the report names it.
    var measure: String

    init(_ detail: String, other: Int? = nil, score: Double? = nil, measure: String = "ROUGE-L") {
        self.detail = detail
        self.other = other
        self.score = score
        self.measure = measure
    }

    func text(_ alive: [Int]) -> String {
        var s = detail
        if let score { s += (s.isEmpty ? "" : " ") + "\(measure) \(String(format2: score))" }
        if let other { s += " with row \(alive[other])" }
        return s
    }
}

extension String {
    /// A number with two decimals.
    init(format2 x: Double) {
        let hundredths = Int((x * 100).rounded())
        let frac = hundredths % 100
        self = "\(hundredths / 100).\(frac < 10 ? "0" : "")\(frac)"
    }
}

extension FilterRule {
    /// One verdict per row: nil keeps it, a reason drops it.
    func apply(_ rows: [Row], dataset: Dataset) throws -> [DropReason?] {
        let label = dataset.labelColumn
        let texts: () -> [String] = { rows.map { source.text($0, label: label) } }
        switch kind {
        case .exactDuplicates:
            var seen: [String: Int] = [:]
            return texts().enumerated().map { n, t in
                let key = TextTokens.normalized(t)
                if let first = seen[key] { return DropReason("same text", other: first) }
                seen[key] = n
                return nil
            }
        case .nearDuplicates(let threshold, let search):
            return NearDuplicateFinder(threshold: threshold, search: search).verdicts(texts())
        case .semanticDuplicates(let threshold, let search, let embed):
            let vectors = try embed(texts())
            guard vectors.count == rows.count else {
                throw DatasetError("\(vectors.count) embeddings for \(rows.count) rows")
            }
            return SemanticDuplicateFinder(threshold: threshold, search: search).verdicts(vectors)
        case .length(let min, let max, let unit):
            return texts().map { t in
                let n = unit == .words ? TextTokens.whitespaceWords(t).count : t.count
                if let min, n < min { return DropReason(unit.counted(n)) }
                if let max, n > max { return DropReason(unit.counted(n)) }
                return nil
            }
        case .allowedLabels(let labels, let column):
            guard let column = column ?? label else {
                throw DatasetError("an allowed-labels rule needs a label column (name one with column:)")
            }
            let allowed = Set(labels)
            return rows.map { r in
                guard let v = r[column], !v.isNull else { return DropReason("no '\(column)'") }
                return allowed.contains(v.text) ? nil : DropReason("label \(v.text.reportQuoted)")
            }
        case .minimumConfidence(let threshold, let column):
            return rows.map { r in
                guard let v = r[column]?.doubleValue else { return DropReason("no number in '\(column)'") }
                return v >= threshold ? nil : DropReason("\(column) \(JSONWriter.number((v * 1000).rounded() / 1000))")
            }
        case .requiredFields(let names):
            return rows.map { r in
                for n in names {
                    guard let v = r[n], !v.isNull, !(v.stringValue?.trimmingSpaces.isEmpty ?? false) else {
                        return DropReason("no '\(n)'")
                    }
                }
                return nil
            }
        case .blocklist(let words):
            let phrases = words.map(TextTokens.words).filter { !$0.isEmpty }
            return texts().map { t in
                let w = TextTokens.words(t)
                for p in phrases where TextTokens.containsRun(w, p) {
                    return DropReason("contains \(p.joined(separator: " ").reportQuoted)")
                }
                return nil
            }
        case .regex(let regex, let keepMatching):
            return texts().map { t in
                regex.matches(t) == keepMatching ? nil : DropReason("")
            }
        case .predicate(let keep):
            return try rows.map { try keep($0) ? nil : DropReason("") }
        case .decontaminate(let evaluation, let n):
            var decontaminator = Decontaminator(evaluation: evaluation, n: n)
            return decontaminator.verdicts(texts())
        case .shotLeakage(let shots, let threshold):
            var vocab = Vocabulary()
            let shotTokens = shots.map { vocab.encode(source.text($0, label: label)) }
            return texts().map { t in
                let tokens = vocab.encode(t)
                var best = 0.0
                var which = 0
                for (s, st) in shotTokens.enumerated() {
                    let f = rougeL(tokens: tokens, st).fMeasure
                    if f > best { best = f; which = s }
                }
                return best > threshold ? DropReason("shot \(which + 1)", score: best) : nil
            }
        }
    }
}
