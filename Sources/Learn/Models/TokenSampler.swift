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
        var candidates = logits.indices.map { (id: $0, logit: logits[$0] / options.temperature) }
        candidates.sort { $0.logit > $1.logit }
        let topK = options.topK ?? 0
        if topK > 0 && topK < candidates.count { candidates.removeSubrange(topK...) }
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
}
