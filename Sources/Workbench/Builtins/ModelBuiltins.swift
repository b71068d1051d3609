import Foundation
import Language
import Learn

/// Saving and loading student models.
enum ModelBuiltins {
    typealias P = BuiltinParameter

    static let all = [loadModel]

    /// `save(model, path)`: the model as safetensors, with its config and tokenizer.
    static func save(_ model: ModelObject, _ args: Arguments, _ ctx: CallContext) throws -> Value {
        let written = try args.string("path")
        guard written.hasSuffix(".safetensors") else {
            throw args.error("path", "a model is saved as .safetensors: save(model, \"student.safetensors\")")
        }
        let url = URL(fileURLWithPath: try ctx.path(written, for: .write))
        do {
            switch model.kind {
            case .languageModel(let gpt): try Checkpoint.save(gpt, to: url)
            case .classifier(let classifier): try Checkpoint.save(classifier, to: url)
            }
        } catch {
            throw args.error("path", "cannot save the model to \(written): \(error)")
        }
        ctx.write("saved \(model.summary) to \(written)\n")
        return .nil
    }

    static let loadModel = Builtin("load_model", [P("path", .string)], category: "models", doc: """
        Loads a model saved with save(model, "x.safetensors") (or a GPT-2-shaped safetensors
        file from Python), ready to evaluate, chat with or fine-tune further.
        Example: let student = load_model("student.safetensors")
        """
    ) { args, ctx in
        let written = try args.string("path")
        let url = URL(fileURLWithPath: try ctx.path(written, for: .read))
        let name = url.lastPathComponent
        do {
            switch try Checkpoint.load(from: url) {
            case .languageModel(let gpt): return .host(ModelObject(.languageModel(gpt), name: name, history: nil))
            case .classifier(let classifier): return .host(ModelObject(.classifier(classifier), name: name, history: nil))
            }
        } catch {
            throw args.error("path", "cannot load a model from \(written): \(error)")
        }
    }
}
