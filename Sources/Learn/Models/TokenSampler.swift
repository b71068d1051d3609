import Foundation
import PortableMath
import Tensor

/// Picks the next token from logits under `GenerationOptions`, with its own seeded generator:
/// the one sampler of the GPT student and of the Llama-family models (the local teacher and
/// pretrained students), so a seed means the same draws for both.
struct TokenSampler {
    let options: GenerationOptions
    private var rng: SeededRandom

    init(options: GenerationOptions) {
        self.options = options
        rng = SeededRandom(seed: options.samplerSeed)
    }

    /// Order: repetition penalty, temperature, top-k, top-p, then a draw (as Hugging Face does).
    mutating func sample(_ logits: [Float], history: [Int]) -> Int {
        var logits = logits
        options.penalizeRepetitions(&logits, history: history)
        if options.temperature <= 0 {
            var best = 0
            for i in 1..<logits.count where logits[i] > logits[best] { best = i }
            return best
        }
        var candidates = Self.ranked(logits, temperature: options.temperature, topK: options.topK ?? 0)
        let top = candidates[0].logit
        var probabilities = candidates.map { Reproducible.exp($0.logit - top) }
        let total = probabilities.reduce(0, +)
        for i in probabilities.indices { probabilities[i] /= total }
        if let topP = options.topP, topP < 1 {
            var mass: Float = 0
            var keep = probabilities.count
            for (i, p) in probabilities.enumerated() {
                mass += p
                if mass >= topP {
                    keep = i + 1
                    break
                }
            }
            probabilities.removeSubrange(keep...)
            candidates.removeSubrange(keep...)
        }
        let kept = probabilities.reduce(0, +)
        var draw = Float(Double(rng.next() >> 11) / Double(1 << 53)) * kept
        for (i, p) in probabilities.enumerated() {
            draw -= p
            if draw <= 0 { return candidates[i].id }
        }
        return candidates[candidates.count - 1].id
    }

    /// The tokens by scaled logit (`logit / temperature`), highest first, ties by lower id (the
    /// order of a stable sort), cut to the first `topK` when that is positive.
    ///
    /// With a top-k, one pass keeps the best `topK` seen so far in order (a token enters only by
    /// beating the last kept one, so an earlier id keeps its place on a tie): the same tokens in
    /// the same order as sorting all of them, without sorting a whole vocabulary every token.
    static func ranked(_ logits: [Float], temperature: Float, topK: Int) -> [(id: Int, logit: Float)] {
        guard topK > 0 && topK < logits.count else {
            var all = logits.indices.map { (id: $0, logit: logits[$0] / temperature) }
            all.sort { $0.logit > $1.logit }
            return all
        }
        var kept: [(id: Int, logit: Float)] = []
        kept.reserveCapacity(topK + 1)
        // Once topK are kept: the raw logit of the last kept token. Dividing by a positive
        // temperature keeps the order (a <= b gives a / t <= b / t), so a logit no higher than
        // it cannot pass that token scaled: most of a vocabulary is skipped before the division.
        var floor = -Float.infinity
        logits.withUnsafeBufferPointer { raw in
            for id in raw.indices {
                let logit = raw[id]
                if kept.count == topK {
                    guard logit > floor else { continue }
                }
                let scaled = logit / temperature
                if kept.count == topK {
                    guard scaled > kept[topK - 1].logit else { continue }
                    kept.removeLast()
                }
                // After every kept token with a scaled logit at least as high.
                var at = kept.count
                while at > 0 && kept[at - 1].logit < scaled { at -= 1 }
                kept.insert((id, scaled), at: at)
                if kept.count == topK { floor = raw[kept[topK - 1].id] }
            }
        }
        return kept
    }
}
