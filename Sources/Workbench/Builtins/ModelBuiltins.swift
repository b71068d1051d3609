import Datasets
import Foundation
import Language
import Learn

/// Saving and loading student models.
enum ModelBuiltins {
    typealias P = BuiltinParameter

    static let all = [loadModel, models]

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
            case .sentenceClassifier(let classifier): try Checkpoint.save(classifier, to: url)
            case .llama(let student): try student.save(to: url)
            }
        } catch {
            throw args.error("path", "cannot save the model to \(written): \(error)")
        }
        ctx.write("saved \(model.summary) to \(written)\n")
        return .nil
    }

    static let loadModel = Builtin(
        "load_model", [P("path", .string)], category: "models",
        doc: """
            Loads a model: one saved with save(model, "x.safetensors") (a fine-tuned SmolLM2 is
            rebuilt from its base model in fewshot's model directory, which also gives its
            tokenizer and chat template), a GPT-2-shaped safetensors file from Python, or a
            pretrained model as a student, by name ("smollm2-135m", see models()) or .gguf path;
            ready to evaluate, chat with or save.
            Example: let student = load_model("student.safetensors")
                     let smol = load_model("smollm2-135m")
            """
    ) { args, ctx in
        let written = try args.string("path")
        if let gguf = try PretrainedModels.ggufPath(written, ctx) {
            let base = try PretrainedModels.loadBase(gguf, args, parameter: "path")
            do {
                let student = try LlamaStudent(base: base, baseName: (gguf as NSString).lastPathComponent)
                return .host(ModelObject(.llama(student), name: written, history: nil, inference: base))
            } catch {
                throw args.error("path", "cannot use \(written) as a student: \(error)")
            }
        }
        return .host(try loadSaved(written, args, ctx, parameter: "path"))
    }

    /// A model saved as safetensors (by `save`, or a GPT-2-shaped file from Python); errors
    /// point at the argument `parameter`.
    static func loadSaved(_ written: String, _ args: Arguments, _ ctx: CallContext, parameter: String) throws -> ModelObject {
        let url = URL(fileURLWithPath: try ctx.path(written, for: .read))
        let name = url.lastPathComponent
        do {
            let installed: Checkpoint.InstalledEncoder = {
                let model = try EmbeddingModel.shared(args, parameter: parameter)
                return (model.encoder, model.pooledCache)
            }
            switch try Checkpoint.load(from: url, modelDirectory: PretrainedModels.directory, installedEncoder: installed) {
            case .languageModel(let gpt): return ModelObject(.languageModel(gpt), name: name, history: nil, trained: true)
            case .classifier(let classifier):
                return ModelObject(.classifier(classifier), name: name, history: nil, trained: true)
            case .sentenceClassifier(let classifier):
                return ModelObject(.sentenceClassifier(classifier), name: name, history: nil, trained: true)
            case .llama(let student): return ModelObject(.llama(student), name: name, history: nil, trained: true)
            }
        } catch {
            throw args.error(parameter, "cannot load a model from \(written): \(error)")
        }
    }

    static let models = Builtin(
        "models", [], category: "models",
        doc: """
            Lists the models finetune and load_model can start from: the from-scratch presets and
            the models installed in fewshot's model directory ($FEWSHOT_HOME/models, filled by
            scripts/setup), with their architecture, size and file; and the sentence encoder
            that embed, similarity and nearest use (minilm, all-MiniLM-L6-v2).
            Example: models()
            """
    ) { _, _ in
        var rows: [Row] = [
            row("gpt-tiny", "from scratch", "gpt", parameters: gptParameters(.gptTiny), file: ""),
            row("gpt-small", "from scratch", "gpt", parameters: gptParameters(.gptSmall), file: ""),
            row(
                "classifier", "from scratch", "gpt + label head", parameters: gptParameters(FinetuneBuiltin.classifierConfig),
                file: ""),
        ]
        let directory = PretrainedModels.directory
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        for file in files where file.hasSuffix(".gguf") {
            let path = directory + "/" + file
            guard let summary = try? GGUFModelSummary(path: path) else { continue }
            var r = row(
                PretrainedModels.shortName(ofFile: file) ?? path, "pretrained", summary.architecture,
                parameters: summary.parameterCount, file: file)
            r["quantization"] = .string(summary.quantization)
            r["size_mb"] = .double((Double(summary.fileBytes) / 1e5).rounded() / 10)
            rows.append(r)
        }
        if let minilm = sentenceEncoderRow(directory) { rows.append(minilm) }
        return .host(DatasetObject(Dataset(rows)))
    }

    /// The row of the installed sentence encoder (all-MiniLM-L6-v2, used by `embed`), if its
    /// files are all there.
    private static func sentenceEncoderRow(_ directory: String) -> Row? {
        let folder = directory + "/" + SentenceEncoder.modelName
        guard SentenceEncoder.isInstalled(at: folder), let config = try? BertConfig(path: folder + "/config.json") else {
            return nil
        }
        let c = config.width
        // Embeddings and their LayerNorm, then per block Q/K/V/O (4C^2 + 4C), two LayerNorms
        // (4C) and the feed-forward (2CI + I + C).
        let count =
            (config.vocabSize + config.maxPositions + config.typeVocabSize + 2) * c
            + config.layers * (4 * c * c + 9 * c + 2 * c * config.intermediate + config.intermediate)
        let weights = URL(fileURLWithPath: folder + "/model.safetensors")
        let bytes = (try? weights.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0
        var r = row(
            "minilm", "pretrained", "bert encoder (sentence embeddings)", parameters: count,
            file: SentenceEncoder.modelName + "/model.safetensors")
        r["quantization"] = .string("f32")
        r["size_mb"] = .double((Double(bytes) / 1e5).rounded() / 10)
        return r
    }

    /// Weights of a GPT of this shape: token and position tables, per block two LayerNorms
    /// (4C), attention (3C^2 + 3C, C^2 + C) and MLP (4C^2 + 4C, 4C^2 + C), the final LayerNorm.
    private static func gptParameters(_ c: GPTConfig) -> Int {
        (c.vocabSize + c.context) * c.width + c.layers * (12 * c.width * c.width + 13 * c.width) + 2 * c.width
    }

    /// One line of the `models()` table.
    private static func row(_ name: String, _ kind: String, _ architecture: String, parameters: Int, file: String)
        -> Row
    {
        Row([
            ("name", .string(name)), ("kind", .string(kind)), ("architecture", .string(architecture)),
            ("parameters", .string(ModelObject.count(parameters))), ("quantization", .string("")),
            ("size_mb", .null), ("file", .string(file)),
        ])
    }
}
