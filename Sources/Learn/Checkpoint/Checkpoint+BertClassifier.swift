import Foundation
import Tensor

/// Saving and loading a MiniLM classifier (`BertClassifier`): every encoder weight under its
/// Hugging Face name, the head as `classifier.weight` / `classifier.bias`, and in the
/// `__metadata__` `fewshot.kind: minilm-classifier`, `fewshot.labels`, `fewshot.frozen` and
/// `fewshot.encoder_rate`. The tokenizer and config come from the installed model when loading.
extension Checkpoint {
    /// The `fewshot.kind` of a saved MiniLM classifier.
    static let bertClassifierKind = "minilm-classifier"

    /// Saves a MiniLM classifier (the encoder's weights too, trained or not).
    public static func save(_ classifier: BertClassifier, to url: URL) throws {
        let labels = String(decoding: try JSONEncoder().encode(classifier.labels), as: UTF8.self)
        let metadata = [
            "format": "pt", "fewshot.kind": bertClassifierKind, "fewshot.labels": labels,
            "fewshot.frozen": classifier.frozen ? "true" : "false", "fewshot.encoder_rate": "\(classifier.encoderRate)",
            "fewshot.tokenizer": SentenceEncoder.modelName,
        ]
        try Safetensors.write(
            classifier.allParameters().map {
                ($0.name, Safetensors.Entry(shape: $0.tensor.shape, values: $0.tensor.data))
            },
            metadata: metadata, to: url)
    }

    /// A MiniLM classifier from a file `save` wrote, built on the model installed in
    /// `modelDirectory` (its tokenizer and shape), every weight then replaced by the file's.
    static func loadBertClassifier(
        _ tensors: [String: Safetensors.Entry], metadata: [String: String], file: String, modelDirectory: String
    ) throws -> BertClassifier {
        guard let labelsJSON = metadata["fewshot.labels"],
            let labels = try? JSONDecoder().decode([String].self, from: Data(labelsJSON.utf8))
        else { throw LearnError.checkpoint("\(file): classifier without fewshot.labels metadata") }
        let sentence = try SentenceEncoder(directory: modelDirectory + "/" + SentenceEncoder.modelName)
        let classifier = try BertClassifier(
            sentence: sentence, labels: labels, frozen: metadata["fewshot.frozen"] == "true",
            encoderRate: Float(metadata["fewshot.encoder_rate"] ?? "") ?? 0.02)
        try assign(tensors, to: classifier.allParameters(), file: file)
        return classifier
    }
}
