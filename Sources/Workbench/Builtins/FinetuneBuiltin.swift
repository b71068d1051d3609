import Datasets
import Foundation
import Language
import Learn

/// `finetune`: trains a student on a dataset, with a progress bar and a loss curve.
enum FinetuneBuiltin {
    typealias P = BuiltinParameter

    /// The classifier's backbone: small enough to train on a few hundred rows in seconds.
    static let classifierConfig = GPTConfig(
        vocabSize: ByteTokenizer.vocabularySize, layers: 2, heads: 4, width: 128, context: 128)

    static func make(_ state: WorkbenchState) -> Builtin {
        Builtin(
            "finetune",
            [
                P("data"), P("model", default: "gpt-tiny"),
                P("epochs", .optional(.int), default: .nil, bounds: .between(0, 10_000)),
                P("lr", .optional(.number), default: .nil, bounds: .above(0, upTo: 10)),
                P("batch", .optional(.int), default: .nil, bounds: .between(1, 65_536)),
                P("context", .optional(.int), default: .nil, bounds: .between(2, 65_536)),
                P("seed", .int, default: 0), P("val", .number, default: 0.1, bounds: .between(0, 0.9)),
                P("early_stop", .optional(.int), default: .nil, bounds: .between(1, 10_000)),
                P("lora", .optional(.bool), default: .nil), P("curve", .bool, default: true),
                P("soft", .bool, default: false), P("temperature", .number, default: 1, bounds: .above(0, upTo: 100)),
                P("freeze", .optional(.bool), default: .nil), P("remote", .optional(.host("teacher")), default: .nil),
                P("prompt", .optional(.host("prompt")), default: .nil), P("suffix", .optional(.string), default: .nil),
                P("plan", .bool, default: false),
                P("training_price", .optional(.number), default: .nil, bounds: .between(0, 1_000_000)),
            ], category: "loop",
            doc: """
                Trains a student model on a dataset and returns it. model:
                  "gpt-tiny" (about 0.8M parameters) or "gpt-small" (about 4.8M): byte-level GPTs trained
                    from scratch on the rows' text; for dialogue rows only the bot's words carry loss
                    (not turns with weight: 0, as in OpenAI's fine-tuning files);
                  "classifier": a small transformer with a label head, for rows with a label column;
                  "minilm": the pretrained sentence encoder all-MiniLM-L6-v2 (see models()) with a label
                    head on its mean-pooled output, for rows with a label column: it starts knowing
                    what sentences mean, so it needs far fewer labels. freeze: true trains the head
                    alone (each text is encoded once per session; defaults 30 epochs, lr 3e-3; with
                    val: the held-out rows draw the curve, then the head is fit again on every row;
                    save writes the head alone, a few kB, naming the installed encoder); otherwise the
                    whole encoder trains too (defaults 3 epochs, lr 1e-3 for the head and a fiftieth
                    of it, 2e-5, for the encoder); batch 16;
                  "smollm2-135m", or a path to a Llama-family .gguf: a pretrained model (see models())
                    trained with its own tokenizer and chat template; for dialogue rows and rows with a
                    reply column only the assistant's words carry loss. lora: true (the default) trains
                    small LoRA adapters (rank 8, alpha 16) on the attention and MLP projections, lora:
                    false every weight. Defaults: lr 2e-4 with LoRA, 2e-5 without; context 256;
                    batch 8; 1 epoch;
                  a model (from finetune or load_model) or a .safetensors path saved by save(model,
                    path): trains a copy of it further, with its own setup (the model you pass is
                    left as it was). Continued training starts at a tenth of the kind's default lr
                    (3e-4 for a GPT, 1e-4 for a classifier), so a trained model is refined, not
                    knocked off what it learnt by a fresh optimiser's large first steps.
                Weights change here, unlike few-shot prompting. val: the share held out to watch
                for overfitting (the validation loss is drawn beside the training loss, with epoch
                boundaries marked); early_stop: stop after this many epochs without improvement.
                Ctrl-C stops training and keeps the best weights (an earlier epoch's, when validation
                liked them better). epochs: 0 gives the untrained model, a baseline to compare with.
                Defaults for the from-scratch models: 3 epochs, batch 16, lr 3e-3 (1e-3 for the
                classifier). curve: false leaves the loss curve out (for training many students in
                a loop).
                soft: true (a classifier, or minilm) trains on the teacher's probabilities, each row's probs as
                generate(..., scoring: "likelihood") writes them, instead of its single label: soft-label
                distillation (Hinton et al. 2015). temperature: T softens both the targets and the
                student's logits while training (T > 1 shows more of the runner-up labels).
                remote: t (an HTTP teacher) trains on t's service instead, as a fine-tuning job
                (OpenAI's /fine_tuning/jobs): the rows go up as chat JSONL (prompt: p renders each
                row, system message and user turn, with its label or reply as the assistant's), val:
                of them as the validation file; model: names the base
                model (t's model by default), epochs:, batch: and lr: (a multiplier there) its
                hyperparameters, suffix: and seed: the job's. The job's steps fill the same progress
                bar and loss curve; its checkpoints are listed; a line first estimates the trained
                tokens (the training file's, as characters / 4, times the epochs) and, with
                training_price: (USD per million trained tokens), the cost; plan: true shows only
                that line and starts nothing; it returns a teacher for the
                fine-tuned model, for evaluate, compare and chat. Ctrl-C asks whether to cancel the
                job on the server. Running the cell again reattaches to the job; the outcome is
                recorded, so the notebook replays offline. See docs/scaling.md.
                Example: let student = finetune(clean, model: "gpt-tiny", epochs: 5, lr: 3e-3)
                         let smol = finetune(dialogues, model: "smollm2-135m", epochs: 1, lora: true)
                         let hosted = finetune(labelled, remote: teacher("gpt-4o-mini-2024-07-18"), prompt: p)
                """
        ) { args, ctx in
            let data = try args.dataset("data")
            guard !data.isEmpty else { throw args.error("data", "cannot fine-tune on an empty dataset") }
            if case .host(let service as TeacherObject)? = args.optional("remote") {
                return try RemoteFinetune.run(on: service, data, args, ctx, state)
            }
            for name in ["prompt", "suffix", "training_price"] where args.optional(name) != nil {
                throw args.error(name, "\(name): is for a remote fine-tuning job: finetune(d, remote: t, \(name): ...)")
            }
            let start = try startingModel(args, ctx)
            let preset = try start?.name ?? args.string("model")
            let pretrained = start == nil ? try PretrainedModels.ggufPath(preset, ctx) : nil
            let large = pretrained != nil || start?.isPretrained == true
            let frozenMiniLM = try isFrozenMiniLM(start, preset, args)
            let epochs =
                args.optional("epochs") == nil ? (large ? 1 : frozenMiniLM ? 30 : 3) : try args.int("epochs")
            guard epochs >= 0 else { throw args.error("epochs", "epochs must be 0 or more") }
            let batch = args.optional("batch") == nil ? (large ? 8 : 16) : try args.int("batch")
            var options = TrainingOptions(
                epochs: epochs, learningRate: 1e-3, batchSize: batch,
                seed: UInt64(bitPattern: Int64(try args.int("seed"))), validationFraction: try args.double("val"),
                earlyStoppingPatience: args.optional("early_stop") == nil ? nil : try args.int("early_stop"))
            options.softTargetTemperature = Float(try args.double("temperature"))
            if !(try args.bool("soft")), args.range(of: "temperature") != nil {
                throw args.error("temperature", "temperature: softens soft labels: use it with soft: true")
            }
            let seed = options.seed
            let model: ModelObject
            let progress = TrainingBar(context: ctx, drawsCurve: try args.bool("curve"))
            let stop = { ctx.isCancellationRequested }
            if pretrained == nil, args.optional("lora") != nil {
                throw args.error(
                    "lora",
                    start == nil
                        ? "LoRA adapts a pretrained model: use it with model: \"smollm2-135m\" or a .gguf path"
                        : "a model trained before keeps its setup: lora: applies when starting from a pretrained model")
            }
            if let start {
                guard args.optional("context") == nil else {
                    throw args.error("context", "a model trained before keeps its context; leave context: out")
                }
                model = try train(start, data, &options, args, progress: progress, isCancelled: stop)
            } else {
                let fresh =
                    try pretrained.map { try pretrainedStudent($0, args, seed: seed) }
                    ?? fromScratch(preset, data, args, seed: seed)
                model = try train(fresh, data, &options, args, progress: progress, isCancelled: stop)
            }
            progress.finish(model)
            try ctx.checkCancellation()
            return .host(model)
        }
    }

    /// A new from-scratch student: a byte-level GPT preset or a classifier over `data`'s labels.
    private static func fromScratch(_ preset: String, _ data: Dataset, _ args: Arguments, seed: UInt64) throws -> ModelObject {
        if preset == SentenceStudent.preset { return try SentenceStudent.make(data, args, seed: seed) }
        if preset == "classifier" {
            _ = try labelColumn(data, args)
            let labels = try args.bool("soft") ? SoftTargets.labels(of: data) : data.labels.sorted()
            let classifier = try GPTClassifier(config: try config(classifierConfig, args), labels: labels, seed: seed)
            return ModelObject(.classifier(classifier), name: preset, history: nil)
        }
        guard let base = GPTConfig.preset(named: preset), preset.hasPrefix("gpt-") else {
            throw args.error(
                "model",
                "unknown model '\(preset)': expected \"gpt-tiny\", \"gpt-small\", \"classifier\", \"minilm\", \"smollm2-135m\" or a .gguf path"
            )
        }
        return ModelObject(.languageModel(try GPT(config: try config(base, args), seed: seed)), name: preset, history: nil)
    }

    /// A student made from the pretrained GGUF model at `path`, with LoRA adapters unless `lora: false`.
    private static func pretrainedStudent(_ path: String, _ args: Arguments, seed: UInt64) throws -> ModelObject {
        let lora = args.optional("lora") == nil ? true : try args.bool("lora")
        let base = try PretrainedModels.loadBase(path, args, parameter: "model")
        let context = args.optional("context") == nil ? min(256, base.config.contextLength) : try args.int("context")
        guard context >= 2, context <= base.config.contextLength else {
            throw args.error("context", "context must be between 2 and the model's \(base.config.contextLength) tokens")
        }
        let student = try LlamaStudent(
            base: base, baseName: (path as NSString).lastPathComponent, lora: lora ? LoRAOptions() : nil, context: context,
            seed: seed)
        return ModelObject(.llama(student), name: try args.string("model"), history: nil)
    }

    /// Whether this run trains a frozen MiniLM's head (checking that `freeze:` is used only
    /// when starting from `minilm`).
    private static func isFrozenMiniLM(_ start: ModelObject?, _ preset: String, _ args: Arguments) throws -> Bool {
        if let start {
            if args.optional("freeze") != nil {
                throw args.error(
                    "freeze", "a model trained before keeps its setup: freeze: applies when starting from \"minilm\"")
            }
            if case .sentenceClassifier(let classifier) = start.kind { return classifier.frozen }
            return false
        }
        guard preset == SentenceStudent.preset else {
            if args.optional("freeze") != nil {
                throw args.error("freeze", "freeze: keeps a pretrained encoder as it is: use it with model: \"minilm\"")
            }
            return false
        }
        return args.optional("freeze") == nil ? false : try args.bool("freeze")
    }

    /// The label column a classifier learns from.
    static func labelColumn(_ data: Dataset, _ args: Arguments) throws -> String {
        guard let column = data.labelColumn else {
            throw args.error(
                "data", "a classifier needs a label column (a column named 'label', or dataset(rows, label: \"sentiment\"))")
        }
        return column
    }

    /// The model to train further: a model object (copied) or a `.safetensors` file saved by
    /// `save`; nil when `model:` names a preset or a `.gguf`.
    private static func startingModel(_ args: Arguments, _ ctx: CallContext) throws -> ModelObject? {
        switch args["model"] {
        case .host(let model as ModelObject): return try model.copy()
        case .string(let path) where path.hasSuffix(".safetensors"):
            return try ModelBuiltins.loadSaved(path, args, ctx, parameter: "model")
        case .string: return nil
        default:
            throw args.error(
                "model", "model must be a preset name, a .gguf or .safetensors path, or a model, got \(args["model"].typeName)")
        }
    }

    /// Trains `model` (new, or a copy of one trained before) on `data`: the one training path
    /// for every kind of student, with each kind's default learning rate.
    private static func train(
        _ model: ModelObject, _ data: Dataset, _ options: inout TrainingOptions, _ args: Arguments,
        progress: TrainingBar, isCancelled: @escaping () -> Bool
    ) throws -> ModelObject {
        // A model trained before (here, or saved and loaded) continues at a tenth of the default rate.
        let continued = model.isTrained
        func rate(_ standard: Double) throws -> Float {
            Float(args.optional("lr") == nil ? (continued ? standard / 10 : standard) : try args.double("lr"))
        }
        /// How the trained model was made: what the model it started from went through, then this run.
        func origin(_ history: TrainingHistory?, _ verb: String = "fine-tuned") -> String? {
            guard history != nil else { return model.origin }
            let run = "\(verb) on \(data.count) row\(data.count == 1 ? "" : "s")"
            return model.origin.map { "\($0), then \(run)" } ?? run
        }
        if try args.bool("soft") {
            guard model.textClassifier != nil else {
                throw args.error(
                    "soft",
                    "soft: true trains a classifier on the teacher's probabilities: use model: \"classifier\" or \"minilm\"")
            }
        }
        switch model.kind {
        case .languageModel(let gpt):
            options.learningRate = try rate(3e-3)
            let sequences = try model.text.sequences(data)
            let history =
                options.epochs == 0
                ? nil
                : try Trainer(options: options).train(gpt, on: sequences, progress: progress.update, isCancelled: isCancelled)
            return ModelObject(
                .languageModel(gpt), name: model.name, history: history, text: model.text, origin: origin(history))
        case .classifier(let classifier):
            options.learningRate = try rate(1e-3)
            let history = try trainClassifier(
                classifier, data, options, args, progress: progress.update, isCancelled: isCancelled)
            return ModelObject(.classifier(classifier), name: model.name, history: history, origin: origin(history))
        case .sentenceClassifier(let classifier):
            options.learningRate = try rate(classifier.frozen ? 3e-3 : 1e-3)
            let start = classifier.head.snapshot()
            var history = try trainClassifier(
                classifier, data, options, args, progress: progress.update, isCancelled: isCancelled)
            if classifier.frozen, let first = history {
                history = try refitFrozenHead(
                    classifier, from: start, after: first, data, options, args, progress: progress, isCancelled: isCancelled)
            }
            return ModelObject(
                .sentenceClassifier(classifier), name: model.name, history: history,
                origin: origin(history, classifier.frozen ? "head trained" : "fine-tuned"))
        case .llama(let student):
            options.learningRate = try rate(student.lora == nil ? 2e-5 : 2e-4)
            let sequences = try StudentText.sequences(data, for: student)
            let history =
                options.epochs == 0
                ? nil
                : try Trainer(options: options).train(student, on: sequences, progress: progress.update, isCancelled: isCancelled)
            // Untrained, it generates as well from the quantised base model (faster, and no f32 copy).
            return ModelObject(
                .llama(student), name: model.name, history: history,
                origin: origin(history, student.lora == nil ? "fine-tuned" : "LoRA-tuned"),
                inference: history == nil ? student.base : nil)
        }
    }

    /// A frozen MiniLM head trained with rows held out is fit again, from its starting weights,
    /// on every row for as many epochs as the first run went (its best epoch when it stopped
    /// early): the held-out rows measured the head and chose when to stop, and now train it
    /// too, so `val:` costs a small data set none of its rows. Training the head alone is
    /// cheap (the encoder's vectors are cached), and with no rows held out the second fit is
    /// the same as `val: 0` would give. The returned history is the first run's, for its
    /// validation curve. Ctrl-C during the second fit keeps the first one's weights.
    private static func refitFrozenHead(
        _ classifier: BertClassifier, from start: [[Float]], after first: TrainingHistory, _ data: Dataset,
        _ options: TrainingOptions, _ args: Arguments, progress: TrainingBar, isCancelled: @escaping () -> Bool
    ) throws -> TrainingHistory {
        guard options.validationFraction > 0, !first.validationLosses.isEmpty else { return first }
        var all = options
        all.validationFraction = 0
        switch first.stop {
        case .completed: break
        case .earlyStopped:
            let best = first.validationLosses.indices.min { first.validationLosses[$0] < first.validationLosses[$1] }!
            all.epochs = best + 1
        case .cancelled: return first
        }
        let trained = classifier.head.snapshot()
        classifier.head.restore(start)
        var history = first
        let refit = try trainClassifier(classifier, data, all, args, progress: nil, isCancelled: isCancelled)
        if case .cancelled = refit?.stop ?? .completed {
            classifier.head.restore(trained)
            return first
        }
        history.seconds += refit?.seconds ?? 0
        progress.noteRefit(rows: data.rows.filter { data.label(of: $0) != nil }.count, epochs: all.epochs)
        return history
    }

    /// Trains a classifier on `data`'s labels, or with `soft: true` on its rows' probabilities;
    /// nil when `options.epochs` is 0.
    private static func trainClassifier(
        _ classifier: some TextClassifier, _ data: Dataset, _ options: TrainingOptions, _ args: Arguments,
        progress: ((TrainingProgress) -> Void)?, isCancelled: @escaping () -> Bool
    ) throws -> TrainingHistory? {
        let column = try labelColumn(data, args)
        let labelled = data.rows.filter { data.label(of: $0) != nil }
        var examples = try classifier.examples(
            labelled.map { (text: StudentText.classifierInput($0, labelColumn: column), label: data.label(of: $0)!) })
        if try args.bool("soft") {
            let targets = try located(args.range(of: "soft")) {
                try SoftTargets.targets(labelled, labels: classifier.labels)
            }
            for i in examples.indices { examples[i].soft = targets[i] }
        }
        guard options.epochs > 0 else { return nil }
        return try Trainer(options: options).train(
            classifier, on: examples, progress: progress, isCancelled: isCancelled)
    }

    /// The preset with the context the user asked for.
    private static func config(_ base: GPTConfig, _ args: Arguments) throws -> GPTConfig {
        var config = base
        if args.optional("context") != nil { config.context = try args.int("context") }
        try config.validate()
        return config
    }
}

/// The training progress bar, then the summary and loss curve left in the cell's output.
final class TrainingBar {
    private let context: CallContext
    private var reporter: ProgressReporter?
    private var last: TrainingProgress?
    private let drawsCurve: Bool
    /// Said after the summary when a frozen head was fit again on every row.
    private var refitNote: String?

    init(context: CallContext, drawsCurve: Bool) {
        self.context = context
        self.drawsCurve = drawsCurve
    }

    func update(_ progress: TrainingProgress) {
        if reporter == nil { reporter = ProgressReporter("train", total: progress.totalSteps, context: context) }
        last = progress
        reporter?.update(done: progress.step, fields: fields(progress))
    }

    private func fields(_ progress: TrainingProgress) -> [String] {
        var fields = ["epoch \(progress.epoch)", String(format: "loss %.3f", progress.loss)]
        if let val = progress.validationLoss { fields.append(String(format: "val %.3f", val)) }
        fields.append(String(format: "%.0f tok/s", progress.tokensPerSecond))
        return fields
    }

    /// Notes that the model returned was fit again on all `rows` for `epochs` epochs.
    func noteRefit(rows: Int, epochs: Int) {
        refitNote = "then refit on all \(rows) rows for \(epochs) epoch\(epochs == 1 ? "" : "s") (the validation rows too)"
    }

    func finish(_ model: ModelObject) {
        if let last { reporter?.finish(done: last.step, fields: fields(last)) }
        guard let history = model.history, !history.losses.isEmpty else {
            context.write("\(model.summary): untrained (random weights)\n")
            return
        }
        let validation = zip(history.epochEnds, history.validationLosses).map { (step: $0 - 1, loss: Double($1)) }
        let curve = LossCurve(
            trainLoss: history.losses.map(Double.init), validationLoss: validation,
            epochStarts: Array(history.epochEnds.dropLast()))
        if drawsCurve {
            context.write(curve.terminalChart() + "\n")
            context.emit(.svg(curve.svg(), alt: "loss curve"))
        }
        var line = "\(model.summary): \(history.losses.count) steps in \(String(format: "%.1f", history.seconds)) s"
        switch history.stop {
        case .completed: break
        case .earlyStopped(let epoch): line += ", stopped early after epoch \(epoch) (best weights kept)"
        case .cancelled(restoredBestEpoch: nil): line += ", interrupted (weights so far kept)"
        case .cancelled(restoredBestEpoch: let epoch?): line += ", interrupted (best weights kept, from epoch \(epoch))"
        }
        if let refitNote { line += ", " + refitNote }
        context.write(line + "\n")
    }
}
