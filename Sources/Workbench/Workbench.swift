import Foundation
import Language
import Tensor

/// The fewshot built-ins for the whole distillation loop, installed into a language session.
///
/// ```swift
/// let session = try Session()
/// try Workbench.install(into: session)
/// try session.evaluate(#"let d = dataset([{text: "fine", label: "positive"}])"#, name: "cell-1")
/// ```
public enum Workbench {
    /// fewshot's version, written into notebooks and shown by `--version`.
    public static let version = "0.1.0"

    /// What `fewshot --version` prints: the version, then what the runtime computes on.
    public static var versionDescription: String { "fewshot \(version)\n\(ComputeInfo.description)" }

    /// fewshot's own folder for models and data: `$FEWSHOT_HOME`, default `~/.cache/fewshot`.
    public static var home: String {
        ProcessInfo.processInfo.environment["FEWSHOT_HOME"] ?? (NSHomeDirectory() + "/.cache/fewshot")
    }

    /// Registers every Workbench built-in; `state` holds the teacher recording they share. Built-ins that share a name with a core one
    /// (`split`, `filter`, `save`) keep the core behaviour for the core argument types.
    public static func install(into session: Session, state: WorkbenchState = WorkbenchState()) throws {
        for builtin in DataBuiltins.all(coreSplit: session.global("split")) { session.register(builtin) }
        for builtin in PromptBuiltins.all { session.register(builtin) }
        session.register(TeacherBuiltin.make(state))
        session.register(GenerateBuiltin.make(state))
        session.register(GenerateBuiltin.plan(state))
        session.register(UsageBuiltin.make(state))
        session.register(BatchFileBuiltins.importBatch(state))
        for builtin in FilterBuiltins.all { session.register(builtin) }
        session.register(FinetuneBuiltin.make(state))
        session.register(ExplainBuiltin.builtin)
        for builtin in EvaluateBuiltins.all(state) { session.register(builtin) }
        session.register(ChatBuiltin.builtin(state))
        session.register(PlotBuiltin.builtin)
        session.register(PlotBuiltin.clearOutput)
        for builtin in ModelBuiltins.all { session.register(builtin) }
        for builtin in EmbeddingBuiltins.all { session.register(builtin) }
    }
}
