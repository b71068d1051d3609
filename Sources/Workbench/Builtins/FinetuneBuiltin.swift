import Datasets
import Foundation
import Language
import Learn

/// `finetune`: trains a student on a dataset, with a progress bar and a loss curve.
enum FinetuneBuiltin {
    typealias P = BuiltinParameter

    /// The classifier's backbone: small enough to train on a few hundred rows in seconds.
    static let classifierConfig = GPTConfig(vocabSize: ByteTokenizer.vocabularySize, layers: 2, heads: 4, width: 128, context: 128)

    static let builtin = Builtin("finetune", [
        P("data"), P("model", .string, default: "gpt-tiny"), P("epochs", .int, default: 3),
        P("lr", .optional(.number), default: .nil), P("batch", .int, default: 16), P("context", .optional(.int), default: .nil),
        P("seed", .int, default: 0), P("val", .number, default: 0.1), P("early_stop", .optional(.int), default: .nil),
        P("curve", .bool, default: true),
    ], category: "loop", doc: """
        Trains a student model on a dataset and returns it. model:
          "gpt-tiny" (about 0.8M parameters) or "gpt-small" (about 4.8M): byte-level GPTs trained
            from scratch on the rows' text; for dialogue rows only the bot's words carry loss;
          "classifier": a small transformer with a label head, for rows with a label column.
        Weights change here, unlike few-shot prompting. val: the share held out to watch
        for overfitting (the validation loss is drawn beside the training loss, with epoch
        boundaries marked); early_stop: stop after this many epochs without improvement.
        Ctrl-C stops training and keeps the weights so far. epochs: 0 gives the untrained
        model, a baseline to compare with. curve: false leaves the loss curve out (for
        training many students in a loop).
        Example: let student = finetune(clean, model: "gpt-tiny", epochs: 5, lr: 3e-3)
        """
    ) { args, ctx in
        let data = try args.dataset("data")
        guard !data.isEmpty else { throw args.error("data", "cannot fine-tune on an empty dataset") }
        let preset = try args.string("model")
        guard try args.int("epochs") >= 0 else { throw args.error("epochs", "epochs must be 0 or more") }
        var options = TrainingOptions(
            epochs: try args.int("epochs"), learningRate: 1e-3, batchSize: try args.int("batch"),
            seed: UInt64(bitPattern: Int64(try args.int("seed"))), validationFraction: try args.double("val"),
            earlyStoppingPatience: args.optional("early_stop") == nil ? nil : try args.int("early_stop"))
        let seed = options.seed
        let model: ModelObject
        let progress = TrainingBar(context: ctx, drawsCurve: try args.bool("curve"))
        let stop = { ctx.isCancellationRequested }
        do {
            if preset == "classifier" {
                options.learningRate = Float(args.optional("lr") == nil ? 1e-3 : try args.double("lr"))
                guard let labelColumn = data.labelColumn else {
                    throw args.error("data", "a classifier needs a label column (a column named 'label', or dataset(rows, label: \"sentiment\"))")
                }
                let classifier = try GPTClassifier(config: try config(classifierConfig, args), labels: data.labels.sorted(), seed: seed)
                let pairs = data.rows.compactMap { row in
                    data.label(of: row).map { (text: StudentText.classifierInput(row, labelColumn: labelColumn), label: $0) }
                }
                let examples = try classifier.examples(pairs)
                let history = options.epochs == 0 ? nil : try Trainer(options: options).train(
                    classifier, on: examples, progress: progress.update, isCancelled: stop)
                model = ModelObject(.classifier(classifier), name: preset, history: history)
            } else {
                guard let base = GPTConfig.preset(named: preset), preset.hasPrefix("gpt-") else {
                    throw args.error("model", "unknown model '\(preset)': expected \"gpt-tiny\", \"gpt-small\" or \"classifier\"")
                }
                options.learningRate = Float(args.optional("lr") == nil ? 3e-3 : try args.double("lr"))
                let gpt = try GPT(config: try config(base, args), seed: seed)
                let text = StudentText()
                let sequences = try text.sequences(data)
                let history = options.epochs == 0 ? nil : try Trainer(options: options).train(
                    gpt, on: sequences, progress: progress.update, isCancelled: stop)
                model = ModelObject(.languageModel(gpt), name: preset, history: history, text: text)
            }
        } catch let error as LearnError {
            throw RuntimeError("\(error)", at: ctx.callRange)
        } catch let error as DatasetError {
            throw RuntimeError(error.description, at: ctx.callRange)
        }
        progress.finish(model)
        try ctx.checkCancellation()
        return .host(model)
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
private final class TrainingBar {
    private let context: CallContext
    private var reporter: ProgressReporter?
    private var last: TrainingProgress?
    private let drawsCurve: Bool

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
        case .cancelled: line += ", interrupted (weights so far kept)"
        }
        context.write(line + "\n")
    }
}
