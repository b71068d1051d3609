import Datasets
import Foundation
import Language
import Learn

/// `finetune(d, model: "minilm")`: the installed all-MiniLM-L6-v2 encoder with a new label head
/// over the dataset's labels.
enum SentenceStudent {
    /// The preset name (the one `models()` lists for the encoder).
    static let preset = "minilm"

    /// A new MiniLM classifier over `data`'s labels (or, with `soft: true`, its probabilities'
    /// labels). `freeze: true` shares the process's encoder (its weights never change); a full
    /// fine-tune trains its own copy, so `embed` keeps the pretrained one.
    static func make(_ data: Dataset, _ args: Arguments, seed: UInt64) throws -> ModelObject {
        _ = try FinetuneBuiltin.labelColumn(data, args)
        let frozen = args.optional("freeze") == nil ? false : try args.bool("freeze")
        let length = args.optional("context") == nil ? 256 : try args.int("context")
        guard length >= 2, length <= 512 else {
            throw args.error("context", "MiniLM reads between 2 and 512 tokens, got \(length)")
        }
        let labels = try args.bool("soft") ? SoftTargets.labels(of: data) : data.labels.sorted()
        guard labels.count >= 2 else {
            throw args.error("data", "a classifier needs at least two distinct labels, got \(labels)")
        }
        let model = try EmbeddingModel.shared(args, parameter: "model")
        let shared = model.encoder
        let sentence: SentenceEncoder
        if frozen {
            sentence = SentenceEncoder(
                tokenizer: shared.tokenizer, encoder: shared.encoder, maxLength: length, directory: shared.directory)
        } else {
            do {
                sentence = SentenceEncoder(tokenizer: shared.tokenizer, encoder: try shared.encoder.copy(), maxLength: length)
            } catch {
                throw args.error("model", "cannot prepare MiniLM for fine-tuning: \(error)")
            }
        }
        let classifier = try BertClassifier(
            sentence: sentence, labels: labels, frozen: frozen, cache: frozen ? model.pooledCache : nil, seed: seed)
        return ModelObject(.sentenceClassifier(classifier), name: preset, history: nil)
    }
}
