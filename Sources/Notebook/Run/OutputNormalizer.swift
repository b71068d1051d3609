/// Masks the values in outputs that change from run to run even when nothing is wrong
/// (durations, timings, rates, ETAs, clock times, temporary paths, memory addresses, and
/// terminal colour codes, present or not depending on where it ran), so that
/// `NotebookRunner.check` compares what matters. All the rules live here, in `standard`.
///
///     OutputNormalizer.standard.normalize("epoch 3 done in 1.84s (412.5 tok/s)")
///     // "epoch 3 done in <duration> (<rate>)"
public struct OutputNormalizer {
    /// One rewrite: every match of `pattern` becomes `replacement`, in which `$1` stands for
    /// the pattern's first capture group.
    public struct Rule {
        /// What the rule masks, for documentation and error messages.
        public let name: String
        /// A regular expression (Swift `Regex` syntax).
        public let pattern: String
        /// The text that replaces each match.
        public let replacement: String
        fileprivate let regex: Regex<AnyRegexOutput>

        /// A rule; throws when `pattern` is not a valid regular expression.
        public init(name: String, pattern: String, replacement: String) throws {
            self.name = name
            self.pattern = pattern
            self.replacement = replacement
            self.regex = try Regex(pattern)
        }
    }

    /// The rules, applied in order (earlier rules see the text first).
    public var rules: [Rule]

    /// A normaliser applying `rules` in order.
    public init(rules: [Rule]) {
        self.rules = rules
    }

    /// The rules `fewshot check` uses. Order matters: timestamps before clock times, rates
    /// (`tok/s`, `s/it`) before bare durations.
    public static let standard = OutputNormalizer(rules: [
        rule("terminal colour", #"\x{1B}\[[0-9;]*m"#, ""),
        rule("timestamp", #"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?"#, "<timestamp>"),
        rule("temporary path", #"(?:/private)?/(?:tmp|var/tmp|var/folders|dev/shm)/[^\s"'`)\]]*"#, "<tmp>"),
        rule("memory address", #"\b0x[0-9a-fA-F]{6,16}\b"#, "<address>"),
        rule("rate", #"\b\d+(?:\.\d+)?\s?(?:tokens|tok|items|it|samples|examples|ex|steps|batches|rows|[kKMG]i?B|B)/s\b"#, "<rate>"),
        rule("seconds per item", #"\b\d+(?:\.\d+)?\s?s/(?:it|step|batch|token|tok)\b"#, "<rate>"),
        rule("clock time or ETA", #"(^|[^\w:.])\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?(?![\w:])"#, "$1<clock>"),
        rule("compound duration", #"\b(?:\d+h)?\d+m\d+(?:\.\d+)?s\b"#, "<duration>"),
        rule("duration", #"\b\d+(?:\.\d+)?\s?(?:ns|µs|us|ms|s|sec|secs|seconds?|min|mins|minutes?|h|hrs?|hours?)\b"#, "<duration>"),
    ])

    private static func rule(_ name: String, _ pattern: String, _ replacement: String) -> Rule {
        // The patterns above are constants checked by the tests; a failure here is a typo.
        try! Rule(name: name, pattern: pattern, replacement: replacement)
    }

    /// `text` with every rule applied.
    public func normalize(_ text: String) -> String {
        var text = text
        for rule in rules {
            guard rule.replacement.contains("$1") else {
                text = text.replacing(rule.regex, with: rule.replacement)
                continue
            }
            text = text.replacing(rule.regex) { match in
                let group = match.output.count > 1 ? match.output[1].substring.map(String.init) ?? "" : ""
                return rule.replacement.replacing("$1", with: group)
            }
        }
        return text
    }

    /// `output` with its text normalised (PNG bytes and unrecognised outputs unchanged).
    public func normalize(_ output: CellOutput) -> CellOutput {
        switch output {
        case .stream(let stream, let text): return .stream(stream, normalize(text))
        case .table(let text): return .table(normalize(text))
        case .svg(let text): return .svg(normalize(text))
        case .error(let message, let diagnostic): return .error(message: normalize(message), diagnostic: normalize(diagnostic))
        case .png, .unrecognized: return output
        }
    }
}
