import Foundation
import Tensor

/// Saving and loading a MiniLM classifier (`BertClassifier`).
///
/// The head is `classifier.weight` / `classifier.bias`. A full fine-tune also saves every
/// encoder weight under its Hugging Face name (about 90 MB). A frozen one saves the head alone
/// (a few kB) and refers to the installed encoder by name and SHA-256
/// (`fewshot.encoder`, `fewshot.encoder_sha256`): its weights are the installed ones.
///
/// The `__metadata__` also holds `fewshot.kind: minilm-classifier`, `fewshot.labels`,
/// `fewshot.frozen`, `fewshot.encoder_rate` and `fewshot.context` (256 when absent). The
/// tokenizer and config come from the installed model when loading.
extension Checkpoint {
    /// The `fewshot.kind` of a saved MiniLM classifier.
    static let bertClassifierKind = "minilm-classifier"

    /// The installed encoder and the cache of pooled vectors that frozen students share.
    public typealias InstalledEncoder = () throws -> (encoder: SentenceEncoder, cache: PooledVectorCache)

    /// Saves a MiniLM classifier: the head alone when it is frozen on an encoder read from a
    /// model folder, otherwise every weight.
    public static func save(_ classifier: BertClassifier, to url: URL) throws {
        let labels = String(decoding: try JSONEncoder().encode(classifier.labels), as: UTF8.self)
        var metadata = [
            "format": "pt", "fewshot.kind": bertClassifierKind, "fewshot.labels": labels,
            "fewshot.frozen": classifier.frozen ? "true" : "false", "fewshot.encoder_rate": "\(classifier.encoderRate)",
            "fewshot.tokenizer": SentenceEncoder.modelName, "fewshot.context": String(classifier.contextLength),
        ]
        var parameters = classifier.allParameters()
        if classifier.frozen, let directory = classifier.sentence.directory {
            metadata["fewshot.encoder"] = SentenceEncoder.modelName
            metadata["fewshot.encoder_sha256"] = try SentenceEncoder.weightsSHA256(directory: directory)
            parameters = classifier.head.parameters(prefix: "classifier")
        }
        try Safetensors.write(
            parameters.map { ($0.name, Safetensors.Entry(shape: $0.tensor.shape, values: $0.tensor.data)) },
            metadata: metadata, to: url)
    }

    /// A MiniLM classifier from a file `save` wrote, built on the model installed in
    /// `modelDirectory` (its tokenizer and shape), every saved weight then replaced by the
    /// file's. A head-only file uses `installed` (when given) as its encoder, after checking
    /// the installed weights' SHA-256 against the one saved.
    static func loadBertClassifier(
        _ tensors: [String: Safetensors.Entry], metadata: [String: String], file: String, modelDirectory: String,
        installed: InstalledEncoder? = nil
    ) throws -> BertClassifier {
        guard let labelsJSON = metadata["fewshot.labels"],
            let labels = try? JSONDecoder().decode([String].self, from: Data(labelsJSON.utf8))
        else { throw LearnError.checkpoint("\(file): classifier without fewshot.labels metadata") }
        let context = Int(metadata["fewshot.context"] ?? "256") ?? 256
        guard (2...512).contains(context) else {
            throw LearnError.checkpoint("\(file): fewshot.context is \(context); MiniLM reads 2 to 512 tokens")
        }
        let frozen = metadata["fewshot.frozen"] == "true"
        let rate = Float(metadata["fewshot.encoder_rate"] ?? "") ?? 0.02
        let directory = modelDirectory + "/" + SentenceEncoder.modelName
        guard let expected = metadata["fewshot.encoder_sha256"] else {
            let sentence = try SentenceEncoder(directory: directory, maxLength: context)
            let classifier = try BertClassifier(
                sentence: sentence, labels: labels, frozen: frozen, encoderRate: rate)
            try assign(tensors, to: classifier.allParameters(), file: file)
            return classifier
        }
        guard frozen else { throw LearnError.checkpoint("\(file): only a frozen head can refer to the installed encoder") }
        let base = try installed?() ?? (encoder: try SentenceEncoder(directory: directory), cache: PooledVectorCache())
        let actual = try SentenceEncoder.weightsSHA256(directory: base.encoder.directory ?? directory)
        guard actual == expected else {
            throw LearnError.checkpoint(
                "\(file) is a head trained on a different \(SentenceEncoder.modelName) (SHA-256 \(expected.prefix(12))..., the installed one is \(actual.prefix(12))...): install the same model (bash scripts/setup)"
            )
        }
        let sentence = SentenceEncoder(
            tokenizer: base.encoder.tokenizer, encoder: base.encoder.encoder, maxLength: context,
            directory: base.encoder.directory ?? directory)
        let classifier = try BertClassifier(
            sentence: sentence, labels: labels, frozen: true, encoderRate: rate, cache: base.cache)
        try assign(tensors, to: classifier.head.parameters(prefix: "classifier"), file: file)
        return classifier
    }
}
