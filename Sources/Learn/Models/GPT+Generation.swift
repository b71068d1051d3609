import Foundation
import PortableMath
import Tensor

/// Why generation ended.
public enum GenerationStop: Equatable, Sendable {
    case maxTokens, endOfText, stopSequence, callback
}

extension GPT {
    /// Continues `prompt` with a KV cache (batch 1), calling `onToken` with each new token once
    /// it is certain not to belong to a stop sequence; returning false from it stops early.
    ///
    /// Generation ends at `options.stop` texts (as byte tokens) and at `stopSequences`, token
    /// sequences that need not be valid UTF-8. Returns the new tokens (without the prompt or the
    /// stop sequence) and why it stopped. When the context fills, the cache restarts from the last
    /// half of the text.
    public func generate(
        prompt: [Int], options: GenerationOptions = GenerationOptions(), stopSequences: [[Int]] = [],
        onToken: ((Int) -> Bool)? = nil
    ) throws -> (tokens: [Int], stop: GenerationStop) {
        try options.validate()
        guard !prompt.isEmpty else { throw LearnError.invalidInput("generation needs a non-empty prompt") }
        if let bad = prompt.first(where: { $0 < 0 || $0 >= config.vocabSize }) {
            throw LearnError.invalidInput("token id \(bad) is outside the vocabulary of \(config.vocabSize)")
        }
        let decoder = KVCacheDecoder(self)
        var sampler = TokenSampler(options: options)
        var all = Array(prompt.suffix(config.context))
        var logits = decoder.prefill(all)
        var produced: [Int] = [], emitted = 0
        var stop = GenerationStop.maxTokens
        let stopSequences = stopSequences + options.stop.map { ByteTokenizer().encode($0) }
        let eot = options.stopAtEndOfText && config.vocabSize > ByteTokenizer.endOfText ? ByteTokenizer.endOfText : nil
        loop: while produced.count < options.maxTokens {
            let next = sampler.sample(logits, history: all)
            if next == eot { stop = .endOfText; break }
            produced.append(next)
            all.append(next)
            if let s = stopSequences.first(where: { !$0.isEmpty && produced.ends(with: $0) }) {
                produced.removeLast(s.count)
                stop = .stopSequence
                break
            }
            // Emit what can no longer turn into a stop sequence.
            let held = stopSequences.map { produced.longestSuffixPrefix(of: $0) }.max() ?? 0
            while emitted < produced.count - held {
                if let onToken, !onToken(produced[emitted]) { stop = .callback; break loop }
                emitted += 1
            }
            if decoder.position >= config.context {
                all = Array(all.suffix(config.context / 2))
                logits = decoder.prefill(all)
            } else {
                logits = decoder.step(next)
            }
        }
        if stop != .callback, let onToken {
            while emitted < produced.count {
                if !onToken(produced[emitted]) { break }
                emitted += 1
            }
        }
        return (produced, stop)
    }

    /// Continues a text with the byte tokenizer; `options.stop` strings end generation.
    /// `onText` receives each complete UTF-8 piece as it is produced (return false to stop).
    ///
    /// ```swift
    /// let reply = try model.generate(text: "User: hi\nBot:", options: GenerationOptions(stop: ["\n"])) {
    ///     print($0, terminator: ""); return true
    /// }
    /// ```
    public func generate(
        text: String, options: GenerationOptions = GenerationOptions(), onText: ((String) -> Bool)? = nil
    ) throws -> String {
        let tok = ByteTokenizer()
        var pending: [UInt8] = []
        let result = try generate(prompt: tok.encode(text), options: options) { id in
            guard let onText else { return true }
            pending.append(UInt8(id))
            let complete = pending.completeUTF8Prefix()
            guard complete > 0 else { return true }
            let piece = String(decoding: pending[..<complete], as: UTF8.self)
            pending.removeFirst(complete)
            return onText(piece)
        }
        return tok.decode(result.tokens)
    }

    /// Perplexity of a whole text under the byte tokenizer (every byte after the first is predicted).
    public func perplexity(text: String) throws -> Float {
        try perplexity(of: [TokenSequence(tokens: ByteTokenizer().encode(text))])
    }
}
