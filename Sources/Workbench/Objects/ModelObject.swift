import Foundation
import Language
import Learn

/// A student model as the language sees it: a from-scratch GPT that writes text, or a
/// classifier with a label head. It remembers how it was trained (the loss history).
public final class ModelObject: HostObject {
    /// What the model is.
    public enum Kind {
        /// A byte-level GPT that continues text (dialogue, instructions).
        case languageModel(GPT)
        /// A GPT backbone with a label head.
        case classifier(GPTClassifier)
    }

    /// The network.
    public let kind: Kind
    /// The preset or path it was made from (`gpt-tiny`, `classifier`, `student.safetensors`).
    public let name: String
    /// The training run that produced it, if it was trained in this session.
    public let history: TrainingHistory?
    /// How its training text was written (speaker names), so chat prompts match.
    let text: StudentText

    init(_ kind: Kind, name: String, history: TrainingHistory?, text: StudentText = StudentText()) {
        self.kind = kind
        self.name = name
        self.history = history
        self.text = text
    }

    public var typeName: String { "model" }

    var parameterCount: Int {
        switch kind {
        case .languageModel(let gpt): return gpt.parameterCount
        case .classifier(let classifier): return classifier.parameterCount
        }
    }

    var config: GPTConfig {
        switch kind {
        case .languageModel(let gpt): return gpt.config
        case .classifier(let classifier): return classifier.backbone.config
        }
    }

    public var summary: String {
        var text = "model(\(name), \(ModelObject.count(parameterCount)) parameters"
        if case .classifier(let classifier) = kind { text += ", labels " + classifier.labels.joined(separator: "|") }
        if let loss = history?.finalLoss { text += String(format: ", final loss %.3f", loss) }
        return text + ")"
    }

    public var fieldNames: [String] { ["name", "parameters", "layers", "width", "context", "labels", "losses", "validation_losses"] }

    public func field(_ name: String) -> Value? {
        switch name {
        case "name": return .string(self.name)
        case "parameters": return .int(parameterCount)
        case "layers": return .int(config.layers)
        case "width": return .int(config.width)
        case "context": return .int(config.context)
        case "labels":
            if case .classifier(let classifier) = kind { return .list(classifier.labels.map(Value.string)) }
            return .nil
        case "losses": return .list((history?.losses ?? []).map { .float(Double($0)) })
        case "validation_losses": return .list((history?.validationLosses ?? []).map { .float(Double($0)) })
        default: return nil
        }
    }

    /// `1.2M`, `830K`, `512`.
    static func count(_ n: Int) -> String {
        if n >= 1_000_000 { return String(format: "%.1fM", Double(n) / 1e6) }
        if n >= 1_000 { return String(format: "%.0fK", Double(n) / 1e3) }
        return "\(n)"
    }
}
