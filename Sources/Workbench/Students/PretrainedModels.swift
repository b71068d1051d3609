import Foundation
import Language
import Learn

/// Where pretrained models live (`$FEWSHOT_HOME/models`) and the short names that pick them.
enum PretrainedModels {
    /// Short names of the models `scripts/setup` installs, with their files.
    static let known = ["smollm2-135m": "SmolLM2-135M-Instruct.Q4_1.gguf"]

    /// fewshot's model directory.
    static var directory: String { Workbench.home + "/models" }

    /// The short name of an installed file, if it has one.
    static func shortName(ofFile file: String) -> String? { known.first { $0.value == file }?.key }

    /// The GGUF path a `model:` argument names: a short name (`smollm2-135m`) or a `.gguf` path
    /// (through the session's file confinement); nil when it names neither.
    static func ggufPath(_ name: String, _ ctx: CallContext) throws -> String? {
        if let file = known[name.lowercased()] { return directory + "/" + file }
        guard name.hasSuffix(".gguf") else { return nil }
        return try ctx.path(name, for: .read)
    }

    /// Loads a GGUF base model, with a clear error when it is missing or unusable.
    static func loadBase(_ path: String, _ args: Arguments, parameter: String) throws -> LlamaModel {
        do {
            return try LlamaModel(path: path)
        } catch let error as LlamaError {
            throw args.error(parameter, "\(error)")
        } catch {
            throw args.error(parameter, "cannot load the model \((path as NSString).lastPathComponent): \(error)")
        }
    }
}
