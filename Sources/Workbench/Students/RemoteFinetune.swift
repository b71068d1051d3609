import Chat
import Datasets
import Foundation
import Language
import Teacher
import TeacherHTTP

/// `finetune(d, remote: t, prompt: p)`: a fine-tuning job on the teacher's service instead of
/// training in-process.
///
/// The job's outcome (its id, the fine-tuned model's name, every step's losses, the
/// checkpoints) is recorded in the session's recording as the answer to a request that names the
/// job's spec, so a notebook replays the cell offline: the same curve, the same model name, and
/// teacher calls to that model answered from the recording.
enum RemoteFinetune {
    /// The model name of the recording entries that hold job outcomes (never sent to a server).
    static let recordingModel = "fewshot/fine-tuning-job"

    static func run(on service: TeacherObject, _ data: Dataset, _ args: Arguments, _ ctx: CallContext, _ state: WorkbenchState)
        throws -> Value
    {
        guard let server = service.server else {
            throw args.error(
                "remote",
                "remote: needs a teacher on a server, e.g. teacher(\"gpt-4o-mini\"); the local model has no fine-tuning jobs")
        }
        guard case .host(let prompt as PromptObject)? = args.optional("prompt") else {
            throw args.error("prompt", "a remote job trains on chat examples: pass the prompt that renders each row, prompt: p")
        }
        for name in ["lora", "freeze", "early_stop", "context", "soft"] where args.range(of: name) != nil {
            throw args.error(
                name, "\(name): is for training in-process; a remote job takes epochs:, batch:, lr:, suffix:, seed: and val:")
        }
        let (spec, tokens) = try makeSpec(service, data, prompt, args)
        let examples = spec.training.count { $0 == 0x0A }
        ctx.write(try estimate(spec, tokens: tokens, rows: examples, args: args))
        if try args.bool("plan") { return .nil }
        // Keyed by what the job was asked to do, not by the server, as chat requests are: a
        // notebook recorded with $OPENAI_BASE_URL set replays where it is not.
        let request = ChatRequest(
            model: recordingModel,
            messages: [ChatMessage(.user, "\(spec.model) \(spec.key)")])
        let outcome: FineTuningOutcome
        if let recorded = state.recording.recording(key: request.recordingKey, sample: 0),
            let decoded = try? JSONDecoder().decode(FineTuningOutcome.self, from: Data(recorded.response.text.utf8))
        {
            outcome = decoded
            show(outcome, ctx: ctx, args: args, live: false)
        } else {
            guard state.mode != .replay else {
                throw RuntimeError(
                    "no recording of this fine-tuning job (\(spec.model) on \(data.count) rows); run the notebook once "
                        + "with --live to run it", at: ctx.callRange)
            }
            if let refusal = state.teacherURLs.refusal(for: server.baseURL) { throw RuntimeError(refusal, at: ctx.callRange) }
            outcome = try follow(spec, server: server, poll: service.pollInterval, ctx: ctx, state: state, args: args)
            if outcome.status == "succeeded" {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                let text = String(decoding: try encoder.encode(outcome), as: UTF8.self)
                try? state.recording.append(
                    Recording(request: request, sample: 0, response: ChatResponse(text: text), teacher: "fine-tuning job"))
            }
        }
        guard outcome.status == "succeeded", let model = outcome.fineTunedModel else {
            throw RuntimeError(
                "the fine-tuning job \(outcome.jobID) \(outcome.status): \(outcome.error ?? "the service gave no reason")",
                at: ctx.callRange)
        }
        var configuration = server
        configuration.model = model
        let teacher: ChatTeacher
        if let refusal = state.teacherURLs.refusal(for: server.baseURL) {
            teacher = RefusedTeacher(summary: "http \(model) at \(server.baseURL)", message: refusal)
        } else {
            teacher = try HTTPTeacher(configuration)
        }
        let made = state.recorded(teacher, model: model, baseURL: server.baseURL, price: nil)
        made.server = configuration
        made.pollInterval = service.pollInterval
        return .host(made)
    }

    /// The job's files and settings from the rows and the arguments.
    private static func makeSpec(_ service: TeacherObject, _ data: Dataset, _ prompt: PromptObject, _ args: Arguments) throws
        -> (spec: FineTuningSpec, tokens: Int)
    {
        let seed = try args.int("seed")
        let share = try args.double("val")
        let shuffled = share > 0 ? data.shuffle(seed: UInt64(bitPattern: Int64(seed))) : data
        let held = Int((Double(data.count) * share).rounded())
        let validationRows = share > 0 && held >= 1 && held < data.count ? Array(shuffled.rows.prefix(held)) : []
        let trainingRows = validationRows.isEmpty ? data.rows : Array(shuffled.rows.dropFirst(held))
        var hyper: [String: JSONValue] = [:]
        if args.optional("epochs") != nil {
            let epochs = try args.int("epochs")
            guard epochs >= 1 else {
                throw args.error("epochs", "a remote job trains at least 1 epoch (epochs: 0 is for a local baseline)")
            }
            hyper["n_epochs"] = .number(Double(epochs))
        }
        if args.optional("batch") != nil { hyper["batch_size"] = .number(Double(try args.int("batch"))) }
        if args.optional("lr") != nil { hyper["learning_rate_multiplier"] = .number(try args.double("lr")) }
        let model = args.range(of: "model") != nil ? try args.string("model") : service.model
        let training = try chatJSONL(trainingRows, prompt, args)
        let spec = FineTuningSpec(
            model: model, training: training.bytes,
            validation: validationRows.isEmpty ? nil : try chatJSONL(validationRows, prompt, args).bytes,
            suffix: args.optional("suffix") == nil ? nil : try args.string("suffix"), seed: seed, hyperparameters: hyper)
        return (spec, training.tokens)
    }

    /// The plan line: trained tokens (the training file's, estimated as characters / 4, times
    /// the epochs) and, with `training_price:`, the cost.
    private static func estimate(_ spec: FineTuningSpec, tokens: Int, rows: Int, args: Arguments) throws -> String {
        let epochs = spec.hyperparameters["n_epochs"].flatMap { value -> Int? in
            if case .number(let n) = value { return Int(n) } else { return nil }
        }
        let assumed = epochs ?? 3
        var line =
            "plan: about \(tokens * assumed) trained tokens (\(tokens) in \(rows) training examples, estimated as characters / 4, "
            + "× \(assumed) epochs\(epochs == nil ? ", the service's usual choice when epochs: is not given" : ""))"
        if args.optional("training_price") != nil {
            let price = try args.double("training_price")
            line += String(
                format: ", about %@ at $%g per million trained tokens", CostFormat.usd(Double(tokens * assumed) * price / 1e6),
                price)
        } else {
            line += "; training_price: (USD per million trained tokens) gives the cost"
        }
        return line + "\n"
    }

    /// One `{"messages": [...]}` line per row: the prompt's system and user turns, then the
    /// row's reply as the assistant's.
    static func chatJSONL(_ rows: [Row], _ prompt: PromptObject, _ args: Arguments) throws -> (bytes: [UInt8], tokens: Int) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var bytes: [UInt8] = []
        var tokens = 0
        for (index, row) in rows.enumerated() {
            do {
                var messages = try prompt.template.render(row, shots: []).messages
                messages.append(ChatMessage(.assistant, try prompt.template.output.formatReply(row)))
                bytes += Array(try encoder.encode(ChatLine(messages: messages))) + [0x0A]
                tokens += UsageEstimator.approximatePromptTokens(ChatRequest(model: "", messages: messages))
            } catch {
                throw args.error("data", "row \(index + 1) cannot be a training example: \(error)")
            }
        }
        return (bytes, tokens)
    }

    private struct ChatLine: Encodable { var messages: [ChatMessage] }

    /// Runs the job, showing its steps on the progress bar; Ctrl-C asks whether to cancel it.
    private static func follow(
        _ spec: FineTuningSpec, server: HTTPTeacherConfiguration, poll: Double, ctx: CallContext, state: WorkbenchState,
        args: Arguments
    ) throws -> FineTuningOutcome {
        let driver: RemoteFineTuning
        do {
            driver = try RemoteFineTuning(server, journal: state.jobs, pollInterval: poll)
        } catch {
            throw RuntimeError("cannot reach the fine-tuning service: \(error)", at: ctx.callRange)
        }
        var reporter: ProgressReporter?
        do {
            let outcome = try driver.run(
                spec, onStatus: { ctx.emit(.note($0 + "\n")) },
                onMetric: { metric in
                    if reporter == nil { reporter = ProgressReporter("train", total: metric.totalSteps, context: ctx) }
                    var fields = [String(format: "loss %.3f", metric.trainLoss)]
                    if let valid = metric.validLoss { fields.append(String(format: "val %.3f", valid)) }
                    reporter?.update(done: metric.step, fields: fields)
                },
                shouldStop: { interruption(ctx) })
            if let last = outcome.metrics.last {
                reporter?.finish(done: last.step, fields: [String(format: "loss %.3f", last.trainLoss)])
            }
            show(outcome, ctx: ctx, args: args, live: true)
            return outcome
        } catch let error as TeacherError where error.kind == .cancelled {
            ctx.write(error.message + "\n")
            try ctx.checkCancellation()
            throw RuntimeError(error.message, at: ctx.callRange)
        } catch let error as TeacherError {
            throw RuntimeError("the fine-tuning job could not run: \(error)", at: ctx.callRange)
        }
    }

    /// What Ctrl-C means: at a terminal, the user is asked whether to cancel the job on the
    /// server too (it goes on, and is billed, otherwise); elsewhere the job is left running.
    private static func interruption(_ ctx: CallContext) -> RemoteFineTuning.Interruption {
        guard ctx.isCancellationRequested else { return .none }
        guard isatty(0) == 1 else { return .detach }
        FileHandle.standardOutput.write(
            Data("\nCancel the fine-tuning job on the server too? It keeps running, and costs, if not. [y/N] ".utf8))
        let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        return answer == "y" || answer == "yes" ? .cancel : .detach
    }

    /// The job's loss curve with its epochs marked, its checkpoints and its model.
    private static func show(_ outcome: FineTuningOutcome, ctx: CallContext, args: Arguments, live: Bool) {
        guard outcome.status == "succeeded" else { return }
        if !live, let last = outcome.metrics.last {
            // A replay shows the bar's last state, as the live run left it.
            ProgressReporter("train", total: last.totalSteps, context: ctx)
                .finish(done: last.step, fields: [String(format: "loss %.3f", last.trainLoss)])
        }
        let losses = outcome.metrics.map(\.trainLoss)
        let validation = outcome.metrics.enumerated().compactMap { index, metric in
            metric.validLoss.map { (step: index, loss: $0) }
        }
        if !losses.isEmpty, (try? args.bool("curve")) ?? true {
            let curve = LossCurve(trainLoss: losses, validationLoss: validation, epochStarts: Array(outcome.epochEnds.dropLast()))
            ctx.write(curve.terminalChart() + "\n")
            ctx.emit(.svg(curve.svg(), alt: "loss curve"))
        }
        for checkpoint in outcome.checkpoints {
            let loss = checkpoint.trainLoss.map { String(format: ", loss %.3f", $0) } ?? ""
            ctx.write("checkpoint at step \(checkpoint.step): \(checkpoint.model)\(loss)\n")
        }
        let tokens = outcome.trainedTokens.map { ", \($0) trained tokens" } ?? ""
        ctx.write(
            "fine-tuning job \(outcome.jobID) succeeded: \(outcome.fineTunedModel ?? "?"), \(losses.count) steps\(tokens)\n")
    }
}
