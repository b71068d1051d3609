/// Which text of a row a rule looks at.
public enum TextSource: Hashable, Sendable {
    /// Every string in the row (chat `messages` included), except the label column.
    case allText
    /// One field's text.
    case field(String)
    /// Several fields' text, joined by newlines.
    case fields([String])

    func text(_ row: Row, label: String?) -> String {
        switch self {
        case .allText: return row.text(excluding: Set(label.map { [$0] } ?? []))
        case .field(let f): return row[f]?.strings.joined(separator: "\n") ?? ""
        case .fields(let fs): return fs.compactMap { row[$0]?.strings.joined(separator: "\n") }.joined(separator: "\n")
        }
    }
}

/// The unit of a length bound.
public enum LengthUnit: String, Hashable, Sendable {
    /// Whitespace-separated words (as Python's `str.split()`).
    case words
    /// Characters (grapheme clusters).
    case characters

    /// `n` of this unit in words: "1 word", "3 characters".
    public func counted(_ n: Int) -> String { "\(n) \(n == 1 ? String(rawValue.dropLast()) : rawValue)" }
}

/// How near-duplicate candidates are found before exact ROUGE-L is computed.
public enum NearDuplicateSearch: Hashable, Sendable {
    /// Every kept row is a candidate: exact, quadratic (Self-Instruct's own way).
    case exhaustive
    /// MinHash/LSH over the rows' word sets (very frequent words left out): near-linear;
    /// a pair with word-set Jaccard s is compared with probability 1 - (1 - s^r)^b.
    case minHash(bands: Int = 32, rowsPerBand: Int = 3)
}

/// One filter rule. Rules run in order; each row is dropped by the first rule that rejects it,
/// and stateful rules (duplicates) compare a row only with the rows kept before it.
///
/// ```swift
/// let result = try data.filter([.exactDuplicates(), .nearDuplicates(), .length(min: 3, max: 150)])
/// print(result.report())
/// ```
public struct FilterRule {
    enum Kind {
        case exactDuplicates
        case nearDuplicates(threshold: Double, search: NearDuplicateSearch)
        case semanticDuplicates(threshold: Double, search: SemanticDuplicateSearch, embed: ([String]) throws -> [[Float]])
        case length(min: Int?, max: Int?, unit: LengthUnit)
        case allowedLabels([String], column: String?)
        case minimumConfidence(Double, column: String)
        case requiredFields([String])
        case blocklist([String])
        case regex(LinearRegex, keepMatching: Bool)
        case predicate((Row) throws -> Bool)
        case decontaminate(against: [String], n: Int)
        case shotLeakage([Row], threshold: Double)
    }

    /// The rule as named in the funnel report.
    public let name: String
    let kind: Kind
    let source: TextSource

    /// Drops rows whose normalised text (lower-case words) equals a kept row's.
    public static func exactDuplicates(on source: TextSource = .allText) -> FilterRule {
        FilterRule(name: "exact duplicate", kind: .exactDuplicates, source: source)
    }

    /// Drops rows whose ROUGE-L F-measure with a kept row is above `threshold` (Self-Instruct: 0.7).
    public static func nearDuplicates(
        threshold: Double = 0.7, on source: TextSource = .allText, search: NearDuplicateSearch = .minHash()
    ) -> FilterRule {
        FilterRule(
            name: "near-duplicate (ROUGE-L > \(threshold))", kind: .nearDuplicates(threshold: threshold, search: search),
            source: source)
    }

    /// Drops rows whose embedding's cosine with a kept row's is at least `threshold`
    /// (distilabel's `EmbeddingDedup`): paraphrases that share few words. `embed` gives one
    /// vector per text, in order (the rows a stage sees, so only survivors are embedded).
    public static func semanticDuplicates(
        threshold: Double = 0.9, on source: TextSource = .allText,
        search: SemanticDuplicateSearch = .hyperplanes(), embed: @escaping ([String]) throws -> [[Float]]
    ) -> FilterRule {
        FilterRule(
            name: "semantic duplicate (cosine ≥ \(threshold))",
            kind: .semanticDuplicates(threshold: threshold, search: search, embed: embed), source: source)
    }

    /// Keeps rows whose length is within `min...max` (either bound optional).
    /// - Throws: `DatasetError` when both are nil or min > max.
    public static func length(min: Int? = nil, max: Int? = nil, unit: LengthUnit = .words, on source: TextSource = .allText)
        throws -> FilterRule
    {
        guard min != nil || max != nil else { throw DatasetError("a length rule needs min or max") }
        if let min, let max, min > max { throw DatasetError("length bounds reversed: min \(min) > max \(max)") }
        let bounds = [min.map { "≥ \($0)" }, max.map { "≤ \($0)" }].compactMap { $0 }.joined(separator: ", ")
        return FilterRule(
            name: "length (\(bounds) \(unit.rawValue))", kind: .length(min: min, max: max, unit: unit), source: source)
    }

    /// Keeps rows whose label (the label column, or `column`) is one of `labels`.
    public static func allowedLabels(_ labels: [String], column: String? = nil) -> FilterRule {
        FilterRule(
            name: "label not in \(labels.joined(separator: ", "))", kind: .allowedLabels(labels, column: column), source: .allText
        )
    }

    /// Keeps rows whose `column` (default `confidence`, as likelihood scoring writes it) is at
    /// least `threshold`; a row without a number there is dropped, saying so.
    public static func minimumConfidence(_ threshold: Double, column: String = "confidence") -> FilterRule {
        FilterRule(
            name: "\(column) < \(threshold)", kind: .minimumConfidence(threshold, column: column), source: .allText)
    }

    /// Keeps rows that have every named field, not null and not blank.
    public static func requiredFields(_ names: [String]) -> FilterRule {
        FilterRule(name: "missing field (\(names.joined(separator: ", ")))", kind: .requiredFields(names), source: .allText)
    }

    /// Drops rows containing any of the words or phrases (whole words, any case).
    public static func blocklist(_ words: [String], on source: TextSource = .allText) -> FilterRule {
        FilterRule(name: "blocklisted word", kind: .blocklist(words), source: source)
    }

    /// Keeps rows whose text matches `pattern` (or, with `keepMatching` false, drops them).
    /// The pattern is found anywhere in the text, in linear time; `LinearRegex` lists the
    /// syntax.
    /// - Throws: `DatasetError` when the pattern does not compile.
    public static func regex(_ pattern: String, keepMatching: Bool = true, on source: TextSource = .allText) throws -> FilterRule
    {
        let compiled: LinearRegex
        do { compiled = try LinearRegex(pattern) } catch { throw DatasetError("bad regex /\(pattern)/: \(error)") }
        let name = keepMatching ? "does not match /\(pattern)/" : "matches /\(pattern)/"
        return FilterRule(name: name, kind: .regex(compiled, keepMatching: keepMatching), source: source)
    }

    /// Keeps rows for which `keep` returns true; `name` labels it in the report.
    public static func predicate(_ name: String = "where", _ keep: @escaping (Row) throws -> Bool) -> FilterRule {
        FilterRule(name: name, kind: .predicate(keep), source: .allText)
    }

    /// Drops rows sharing an `n`-gram of words (13, as GPT-3's decontamination) with any
    /// evaluation text. A row shorter than `n` words is dropped only when it equals an
    /// evaluation text (normalised).
    public static func decontaminate(against evaluation: [String], n: Int = 13, on source: TextSource = .allText) -> FilterRule {
        FilterRule(
            name: "overlaps the evaluation set (\(n)-gram)", kind: .decontaminate(against: evaluation, n: max(1, n)),
            source: source)
    }

    /// Drops rows that nearly copy a seed shot: ROUGE-L F above `threshold` with any shot's text.
    public static func shotLeakage(_ shots: [Row], threshold: Double = 0.7, on source: TextSource = .allText) -> FilterRule {
        FilterRule(
            name: "copies a shot (ROUGE-L > \(threshold))", kind: .shotLeakage(shots, threshold: threshold), source: source)
    }

    /// The keywords Self-Instruct drops instructions for (tasks a language model cannot do).
    public static let selfInstructBlocklist = [
        "image", "images", "graph", "graphs", "picture", "pictures", "file", "files", "map", "maps", "draw", "plot", "go to",
    ]

    /// A named set of rules. `"self-instruct"`: the filters of Self-Instruct's bootstrap script,
    /// in its order: 4 to 150 words, no blocklisted keyword, not starting with "Write a program",
    /// with punctuation or with a non-ASCII character; then exact and near duplicates (ROUGE-L > 0.7).
    /// - Throws: `DatasetError` for an unknown preset.
    public static func preset(_ name: String, on source: TextSource = .allText) throws -> [FilterRule] {
        switch name.lowercased() {
        case "self-instruct":
            return [
                try .length(min: 4, max: 150, unit: .words, on: source),
                .blocklist(selfInstructBlocklist, on: source),
                try .regex(#"^\s*Write a program"#, keepMatching: false, on: source),
                try .regex(#"^\s*[!-/:-@\[-`{-~]"#, keepMatching: false, on: source),
                try .regex(#"^\s*[^\x00-\x7F]"#, keepMatching: false, on: source),
                .exactDuplicates(on: source),
                .nearDuplicates(threshold: 0.7, on: source),
            ]
        default:
            throw DatasetError("unknown filter preset '\(name)': expected \"self-instruct\"")
        }
    }
}
