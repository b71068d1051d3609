/// One training sequence for a language model: token ids and, for each, whether the model
/// is trained to predict it (the loss mask).
///
/// For dialogue data only the bot's turns count, so the mask is true on those tokens:
/// ```swift
/// let seq = TokenSequence(segments: [("User: hi\nBot: ", false), ("hello!\n", true)])
/// ```
public struct TokenSequence: Equatable, Sendable {
    /// Token ids.
    public var tokens: [Int]
    /// `lossMask[i]`: whether predicting `tokens[i]` (from the tokens before it) is trained.
    public var lossMask: [Bool]

    /// A sequence with an explicit mask (same length as `tokens`).
    public init(tokens: [Int], lossMask: [Bool]) throws {
        guard tokens.count == lossMask.count else {
            throw LearnError.invalidInput("\(tokens.count) tokens but \(lossMask.count) loss-mask entries")
        }
        self.tokens = tokens
        self.lossMask = lossMask
    }

    /// A sequence where every token is trained.
    public init(tokens: [Int]) {
        self.tokens = tokens
        lossMask = Array(repeating: true, count: tokens.count)
    }

    /// Byte-tokenised text segments, each trained or not; `endOfText` appends id 256,
    /// trained when the last segment is, so the model learns where a reply ends.
    public init(segments: [(text: String, trained: Bool)], endOfText: Bool = true) {
        let tok = ByteTokenizer()
        tokens = []
        lossMask = []
        for (text, trained) in segments {
            let ids = tok.encode(text)
            tokens += ids
            lossMask += Array(repeating: trained, count: ids.count)
        }
        if endOfText {
            tokens.append(ByteTokenizer.endOfText)
            lossMask.append(segments.last?.trained ?? true)
        }
    }

    /// Windows of at most `context + 1` tokens (inputs plus the next-token targets), overlapping
    /// by one token so every target is predicted exactly once.
    public func windows(context: Int) -> [TokenSequence] {
        guard tokens.count > context + 1 else { return tokens.count >= 2 ? [self] : [] }
        var out: [TokenSequence] = []
        var start = 0
        while start + 1 < tokens.count {
            let end = min(tokens.count, start + context + 1)
            out.append(try! TokenSequence(tokens: Array(tokens[start..<end]), lossMask: Array(lossMask[start..<end])))
            start += context
        }
        return out
    }

    /// Cuts a long token stream (a corpus) into trained windows of `context + 1` tokens.
    public static func chunks(of tokens: [Int], context: Int) -> [TokenSequence] {
        TokenSequence(tokens: tokens).windows(context: context)
    }
}

/// A text with its label index, for the classifier.
public struct LabelledSequence: Equatable, Sendable {
    /// Token ids of the text.
    public var tokens: [Int]
    /// Index into the classifier's label names.
    public var label: Int
    /// The teacher's probability of each label (in the classifier's label order), to train on
    /// instead of `label` (soft-label distillation); nil: train on `label`.
    public var soft: [Float]?

    public init(tokens: [Int], label: Int, soft: [Float]? = nil) {
        self.tokens = tokens
        self.label = label
        self.soft = soft
    }
}

/// A padded batch for next-token prediction: `batch` rows of `time` inputs, their targets
/// (`-100` where padded) and per-token loss weights.
public struct LanguageBatch {
    public let inputs: [Int]
    public let targets: [Int]
    public let weights: [Float]
    public let batch: Int
    public let time: Int
    /// Tokens with a non-zero weight (what the loss averages over).
    public let trainedTokens: Int

    /// Packs windows (each at most context + 1 long) into one batch, padding at the end.
    init(_ windows: [TokenSequence]) {
        let time = max(1, (windows.map(\.tokens.count).max() ?? 2) - 1)
        var inputs = [Int](), targets = [Int](), weights = [Float]()
        for w in windows {
            for i in 0..<time {
                if i + 1 < w.tokens.count {
                    inputs.append(w.tokens[i])
                    let trained = w.lossMask[i + 1]
                    targets.append(trained ? w.tokens[i + 1] : -100)
                    weights.append(trained ? 1 : 0)
                } else {
                    inputs.append(i < w.tokens.count ? w.tokens[i] : 0)
                    targets.append(-100)
                    weights.append(0)
                }
            }
        }
        self.inputs = inputs
        self.targets = targets
        self.weights = weights
        batch = windows.count
        self.time = time
        trainedTokens = weights.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
    }
}
