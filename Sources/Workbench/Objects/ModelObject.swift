import Foundation
import Language
import Learn

/// A student model as the language sees it: a from-scratch GPT that writes text, a classifier
/// with a label head, or a pretrained Llama-family model (SmolLM2) fine-tuned in full or with
/// LoRA. It remembers how it was trained (the loss history).
public final class ModelObject: HostObject {
    /// What the model is.
    public enum Kind {
        /// A byte-level GPT that continues text (dialogue, instructions).
        case languageModel(GPT)
        /// A GPT backbone with a label head.
        case classifier(GPTClassifier)
        /// The pretrained MiniLM sentence encoder with a label head (encoder frozen or trained).
        case sentenceClassifier(BertClassifier)
        /// A pretrained Llama-family model with its own tokenizer and chat template.
        case llama(LlamaStudent)
    }

    /// The network.
    public let kind: Kind
    /// The preset or path it was made from (`gpt-tiny`, `classifier`, `student.safetensors`).
    public let name: String
    /// The training run that produced it, if it was trained in this session.
    public let history: TrainingHistory?
    /// How its training text was written (speaker names), so chat prompts match.
    let text: StudentText
    /// How this session made it from `name` ("LoRA-tuned on 40 rows"); nil: as loaded or new.
    let origin: String?
    /// Whether its weights were trained (here, or before it was saved), as opposed to freshly
    /// initialised or a pretrained base: training it further is continued training.
    let isTrained: Bool

    /// `inference`: a generation model for a pretrained student whose weights are its base's.
    /// `trained`: nil works it out from `history` and `origin`.
    init(
        _ kind: Kind, name: String, history: TrainingHistory?, text: StudentText = StudentText(), origin: String? = nil,
        trained: Bool? = nil, inference: LlamaModel? = nil
    ) {
        self.inference = inference
        self.kind = kind
        self.name = name
        self.history = history
        self.text = text
        self.origin = origin
        self.isTrained = trained ?? (history != nil || origin != nil)
    }

    /// The name evaluations and comparisons show: `name`, and how it was made when this session
    /// trained it, so a base model and its fine-tune are told apart
    /// (`smollm2-135m` against `smollm2-135m (LoRA-tuned on 40 rows)`).
    public var label: String { origin.map { "\(name) (\($0))" } ?? name }

    public var typeName: String { "model" }

    /// The in-process Llama a pretrained student chats with (its weights merged), made on first use.
    private var inference: LlamaModel?

    /// The generation model of a pretrained student (nil for the others).
    func inferenceModel() throws -> LlamaModel? {
        guard case .llama(let student) = kind else { return nil }
        if let inference { return inference }
        let model = try student.inferenceModel()
        inference = model
        return model
    }

    var parameterCount: Int {
        switch kind {
        case .languageModel(let gpt): return gpt.parameterCount
        case .classifier(let classifier): return classifier.parameterCount
        case .sentenceClassifier(let classifier): return classifier.totalParameterCount
        case .llama(let student): return student.totalParameterCount
        }
    }

    /// Layers, width and context (the training window) of the network.
    var shape: (layers: Int, width: Int, context: Int) {
        switch kind {
        case .languageModel(let gpt): return (gpt.config.layers, gpt.config.width, gpt.config.context)
        case .classifier(let classifier):
            let c = classifier.backbone.config
            return (c.layers, c.width, c.context)
        case .sentenceClassifier(let classifier):
            return (classifier.sentence.encoder.config.layers, classifier.sentence.dimension, classifier.contextLength)
        case .llama(let student): return (student.config.layerCount, student.config.embeddingLength, student.contextLength)
        }
    }

    public var summary: String {
        var text = "model(\(name), \(ModelObject.count(parameterCount)) parameters"
        if case .sentenceClassifier(let classifier) = kind {
            text += classifier.frozen ? ", encoder frozen" : ", encoder fine-tuned"
        }
        if let classifier = textClassifier { text += ", labels " + classifier.labels.joined(separator: "|") }
        if case .llama(let student) = kind {
            text +=
                student.lora.map { ", LoRA r\($0.rank) (\(ModelObject.count(student.parameterCount)) trained)" }
                ?? ", full fine-tune"
        }
        if let loss = history?.finalLoss { text += String(format: ", final loss %.3f", loss) }
        return text + ")"
    }

    public var fieldNames: [String] {
        ["name", "parameters", "layers", "width", "context", "labels", "losses", "validation_losses"]
    }

    public func field(_ name: String) -> Value? {
        switch name {
        case "name": return .string(self.name)
        case "parameters": return .int(parameterCount)
        case "layers": return .int(shape.layers)
        case "width": return .int(shape.width)
        case "context": return .int(shape.context)
        case "labels":
            if let classifier = textClassifier { return .list(classifier.labels.map(Value.string)) }
            return .nil
        case "losses": return .list((history?.losses ?? []).map { .float(Double($0)) })
        case "validation_losses": return .list((history?.validationLosses ?? []).map { .float(Double($0)) })
        default: return nil
        }
    }

    /// The network when it labels text (the byte classifier or the MiniLM one), else nil.
    var textClassifier: (any TextClassifier)? {
        switch kind {
        case .classifier(let classifier): return classifier
        case .sentenceClassifier(let classifier): return classifier
        case .languageModel, .llama: return nil
        }
    }

    /// `1.2M`, `830K`, `512`.
    static func count(_ n: Int) -> String {
        if n >= 1_000_000 { return String(format: "%.1fM", Double(n) / 1e6) }
        if n >= 1_000 { return String(format: "%.0fK", Double(n) / 1e3) }
        return "\(n)"
    }
}
