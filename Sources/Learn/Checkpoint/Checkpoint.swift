import Foundation
import Tensor

/// A model read back from a checkpoint.
public enum LoadedModel {
    case languageModel(GPT)
    case classifier(GPTClassifier)
    /// A MiniLM encoder with a label head (see `Checkpoint.save(_: BertClassifier, to:)`).
    case sentenceClassifier(BertClassifier)
    /// A fine-tuned pretrained student (see `LlamaStudent.save(to:)`).
    case llama(LlamaStudent)
}

/// Saving and loading models as safetensors with GPT-2's tensor names and layout
/// (`wte.weight`, `h.0.attn.c_attn.weight` stored `[in, out]` as Conv1D does).
///
/// Our config, the tokenizer kind, and for classifiers the labels and pooling go in the
/// `__metadata__` (keys `fewshot.kind`, `fewshot.config`, `fewshot.tokenizer`, `fewshot.labels`,
/// `fewshot.pooling`). Files without them (a GPT-2 checkpoint from Python) load as a language
/// model whose shape is read off the tensors, with 64-wide heads.
///
/// ```swift
/// try Checkpoint.save(model, to: URL(fileURLWithPath: "student.safetensors"))
/// if case .languageModel(let m) = try Checkpoint.load(from: url) { ... }
/// ```
public enum Checkpoint {
    /// Saves a language model.
    public static func save(_ model: GPT, to url: URL) throws {
        try write(model.namedParameters, kind: "gpt", config: model.config, extra: [:], to: url)
    }

    /// Saves a classifier (backbone, `score` head, labels and pooling).
    public static func save(_ classifier: GPTClassifier, to url: URL) throws {
        let labels = String(decoding: try JSONEncoder().encode(classifier.labels), as: UTF8.self)
        try write(
            classifier.namedParameters, kind: "classifier", config: classifier.backbone.config,
            extra: ["fewshot.labels": labels, "fewshot.pooling": classifier.pooling.rawValue], to: url)
    }

    private static func write(
        _ params: [NamedParameter], kind: String, config: GPTConfig, extra: [String: String], to url: URL
    ) throws {
        let configJSON = String(decoding: try JSONEncoder().encode(config), as: UTF8.self)
        var metadata = [
            "format": "pt", "fewshot.kind": kind, "fewshot.config": configJSON, "fewshot.tokenizer": ByteTokenizer.kind,
        ]
        metadata.merge(extra) { $1 }
        try Safetensors.write(
            params.map { ($0.name, Safetensors.Entry(shape: $0.tensor.shape, values: $0.tensor.data)) },
            metadata: metadata, to: url)
    }

    /// Loads a model saved by `save` or `LlamaStudent.save(to:)`, or a GPT-2-shaped safetensors
    /// file from elsewhere. A Llama student's base GGUF is looked up in `modelDirectory`; a
    /// frozen MiniLM head is put on `installedEncoder` when given (the process's shared
    /// encoder), else on the model read from `modelDirectory`.
    public static func load(
        from url: URL, modelDirectory: String? = nil, installedEncoder: InstalledEncoder? = nil
    ) throws -> LoadedModel {
        let (raw, metadata) = try Safetensors.read(from: url)
        if let kind = metadata["fewshot.kind"], kind == "llama" || kind == "llama-lora" {
            let directory = modelDirectory ?? (LlamaModel.defaultModelPath as NSString).deletingLastPathComponent
            return .llama(
                try LlamaStudent.load(
                    file: url.lastPathComponent, tensors: raw, metadata: metadata, modelDirectory: directory))
        }
        if metadata["fewshot.kind"] == bertClassifierKind {
            let directory = modelDirectory ?? (SentenceEncoder.defaultDirectory as NSString).deletingLastPathComponent
            return .sentenceClassifier(
                try loadBertClassifier(
                    raw, metadata: metadata, file: url.lastPathComponent, modelDirectory: directory,
                    installed: installedEncoder))
        }
        // Hugging Face files may prefix names with "transformer." and carry attention-mask buffers.
        var tensors: [String: Safetensors.Entry] = [:]
        for (name, entry) in raw {
            let n = name.hasPrefix("transformer.") ? String(name.dropFirst("transformer.".count)) : name
            if n.hasSuffix(".attn.bias") && entry.shape.count == 4 { continue }
            if n.hasSuffix(".attn.masked_bias") { continue }
            tensors[n] = entry
        }
        let config: GPTConfig
        if let json = metadata["fewshot.config"] {
            do {
                config = try JSONDecoder().decode(GPTConfig.self, from: Data(json.utf8))
            } catch {
                throw LearnError.checkpoint("\(url.lastPathComponent): fewshot.config metadata is not a valid config")
            }
        } else {
            config = try inferConfig(tensors, file: url.lastPathComponent)
        }
        if metadata["fewshot.kind"] == "classifier" {
            guard let labelsJSON = metadata["fewshot.labels"],
                let labels = try? JSONDecoder().decode([String].self, from: Data(labelsJSON.utf8))
            else { throw LearnError.checkpoint("\(url.lastPathComponent): classifier without fewshot.labels metadata") }
            try check(config, against: tensors, labels: labels.count, file: url.lastPathComponent)
            let clf = try GPTClassifier(
                config: config, labels: labels, pooling: Pooling(rawValue: metadata["fewshot.pooling"] ?? "last") ?? .last)
            try assign(tensors, to: clf.namedParameters, file: url.lastPathComponent)
            return .classifier(clf)
        }
        try check(config, against: tensors, file: url.lastPathComponent)
        let model = try GPT(config: config)
        try assign(tensors, to: model.namedParameters, file: url.lastPathComponent)
        return .languageModel(model)
    }

    /// Copies stored values into parameters, checking every name and shape.
    static func assign(_ tensors: [String: Safetensors.Entry], to params: [NamedParameter], file: String) throws {
        for p in params {
            guard let e = tensors[p.name] else { throw LearnError.checkpoint("\(file) has no tensor '\(p.name)'") }
            guard e.shape == p.tensor.shape else {
                throw LearnError.checkpoint("\(file): tensor '\(p.name)' has shape \(e.shape), the model needs \(p.tensor.shape)")
            }
            p.tensor.data = e.values
        }
    }

    /// Reads a GPT-2 shape off the tensors themselves.
    private static func inferConfig(_ tensors: [String: Safetensors.Entry], file: String) throws -> GPTConfig {
        guard let wte = tensors["wte.weight"], wte.shape.count == 2, let wpe = tensors["wpe.weight"], wpe.shape.count == 2 else {
            throw LearnError.checkpoint("\(file) is not a GPT-2-shaped checkpoint (no wte.weight / wpe.weight)")
        }
        var layers = 0
        while tensors["h.\(layers).ln_1.weight"] != nil { layers += 1 }
        let width = wte.shape[1]
        return GPTConfig(vocabSize: wte.shape[0], layers: layers, heads: max(1, width / 64), width: width, context: wpe.shape[0])
    }
}
