import Foundation
import Teacher

/// What a remote fine-tuning job is asked to do: the `POST /fine_tuning/jobs` fields, with the
/// files' contents (uploaded with `purpose=fine-tune` when the job is created).
public struct FineTuningSpec: Sendable {
    /// The base model to fine-tune, e.g. `gpt-4o-mini-2024-07-18`.
    public var model: String
    /// Chat JSONL: one `{"messages": [...]}` per line.
    public var training: [UInt8]
    /// Chat JSONL for validation, when there is any.
    public var validation: [UInt8]?
    /// Added to the fine-tuned model's name.
    public var suffix: String?
    /// The service's seed, for a repeatable job.
    public var seed: Int?
    /// `method.supervised.hyperparameters`: `n_epochs`, `batch_size`, `learning_rate_multiplier`.
    public var hyperparameters: [String: JSONValue]

    /// A spec; everything but the model and the training file is optional.
    public init(
        model: String, training: [UInt8], validation: [UInt8]? = nil, suffix: String? = nil, seed: Int? = nil,
        hyperparameters: [String: JSONValue] = [:]
    ) {
        self.model = model
        self.training = training
        self.validation = validation
        self.suffix = suffix
        self.seed = seed
        self.hyperparameters = hyperparameters
    }

    /// The journal's key for this job: everything it was asked to do.
    public var key: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let settings = (try? encoder.encode(hyperparameters)).map { [UInt8]($0) } ?? []
        return JobJournal.spec([
            Array("fine-tune".utf8), Array(model.utf8), training, validation ?? [], Array((suffix ?? "").utf8),
            Array(String(seed ?? -1).utf8), settings,
        ])
    }
}

/// One `metrics` event of a job: a training step and its losses.
public struct FineTuningMetric: Codable, Hashable, Sendable {
    /// The step, from 1.
    public var step: Int
    /// Steps in the whole job.
    public var totalSteps: Int
    /// The training loss at this step.
    public var trainLoss: Double
    /// The validation loss, on the steps the service measured it.
    public var validLoss: Double?

    /// A metric.
    public init(step: Int, totalSteps: Int, trainLoss: Double, validLoss: Double? = nil) {
        self.step = step
        self.totalSteps = totalSteps
        self.trainLoss = trainLoss
        self.validLoss = validLoss
    }
}

/// A checkpoint the service kept (one per epoch on OpenAI).
public struct FineTuningCheckpoint: Codable, Hashable, Sendable {
    /// The step it was taken at.
    public var step: Int
    /// The model name to ask for to use it.
    public var model: String
    /// The training loss there, when the service says.
    public var trainLoss: Double?
}

/// How a job ended, everything a replay needs to show it again without the service.
public struct FineTuningOutcome: Codable, Hashable, Sendable {
    /// The job's id.
    public var jobID: String
    /// `succeeded`, `failed` or `cancelled`.
    public var status: String
    /// The model to ask for, when the job succeeded.
    public var fineTunedModel: String?
    /// Tokens the service trained on (the examples times the epochs).
    public var trainedTokens: Int?
    /// Every step's losses, in order.
    public var metrics: [FineTuningMetric]
    /// The steps that end an epoch.
    public var epochEnds: [Int]
    /// The checkpoints kept, oldest first.
    public var checkpoints: [FineTuningCheckpoint]
    /// The service's message when the job failed.
    public var error: String?
}

/// Drives a fine-tuning job on an OpenAI-compatible service: uploads the files, creates the job
/// (noting it in the `JobJournal` at once, so a later run of the same cell reattaches), and
/// follows its events until it ends.
public final class RemoteFineTuning {
    /// What `shouldStop` decides when the user interrupts.
    public enum Interruption {
        /// Keep waiting.
        case none
        /// Stop waiting; the job goes on on the server (running the cell again reattaches).
        case detach
        /// Cancel the job on the server, then stop.
        case cancel
    }

    /// Seconds between polls.
    public var pollInterval: Double
    /// How long polls may fail for (a service restarting) before giving up, in seconds.
    public var outageTolerance = 120.0
    private let client: JobsClient
    private let journal: JobRegistry

    /// A driver for the service of `configuration`.
    public init(_ configuration: HTTPTeacherConfiguration, journal: JobRegistry, pollInterval: Double = 10) throws {
        client = try JobsClient(configuration)
        self.journal = journal
        self.pollInterval = pollInterval
    }

    /// Runs (or reattaches to) the job for `spec` until it ends. `onStatus` gets lines for the
    /// user (created, reattached, status changes, checkpoints), `onMetric` each new training
    /// step, in order; `shouldStop` is asked between polls.
    /// - Throws: `TeacherError` when the service cannot be reached or refuses the job, or
    ///   `.cancelled` when the user stopped waiting (the job id is in the message).
    public func run(
        _ spec: FineTuningSpec, onStatus: (String) -> Void, onMetric: (FineTuningMetric) -> Void,
        shouldStop: () -> Interruption
    ) throws -> FineTuningOutcome {
        let server = client.configuration.baseURL
        var job: WireFineTuningJob
        if let id = journal.job(kind: "fine-tune", spec: spec.key, server: server),
            (try? JobsClient.checkedID(id, "fine-tuning job")) != nil,
            let found = try? client.get("/fine_tuning/jobs/\(id)", as: WireFineTuningJob.self),
            !["cancelled", "failed"].contains(found.status)
        {
            job = found
            onStatus("reattached to fine-tuning job \(id) (\(found.status)), started earlier for this data")
        } else {
            let training = try client.uploadFile(spec.training, filename: "fewshot-train.jsonl", purpose: "fine-tune")
            let validation = try spec.validation.map {
                try client.uploadFile($0, filename: "fewshot-validation.jsonl", purpose: "fine-tune")
            }
            let body = CreateJob(
                model: spec.model, trainingFile: training, validationFile: validation, suffix: spec.suffix, seed: spec.seed,
                method: .init(supervised: .init(hyperparameters: spec.hyperparameters)))
            job = try client.post("/fine_tuning/jobs", body, as: WireFineTuningJob.self)
            _ = try JobsClient.checkedID(job.id, "fine-tuning job")
            do {
                try journal.note(kind: "fine-tune", spec: spec.key, server: server, id: job.id)
            } catch {
                onStatus("warning: job \(job.id) could not be noted, so running the cell again will not find it: \(error)")
            }
            onStatus("fine-tuning job \(job.id) created on \(server); if fewshot stops, running the cell again reattaches")
        }
        var seen = Set<String>()
        var metrics: [FineTuningMetric] = []
        var lastStatus = job.status
        var polling = JobPolling()
        while true {
            do {
                // The status first, then the events: a job seen ended has written all its
                // events, so none is missed between the two reads.
                job = try client.get("/fine_tuning/jobs/\(job.id)", as: WireFineTuningJob.self)
                for event in try newEvents(job.id, seen: &seen) {
                    if event.type == "metrics", let metric = event.data?.metric {
                        if metric.step > (metrics.last?.step ?? 0) {
                            metrics.append(metric)
                            onMetric(metric)
                        }
                    } else if let message = event.message, message.hasPrefix("Checkpoint") || event.level == "error" {
                        onStatus(message)
                    }
                }
                polling.reached()
            } catch let error as TeacherError where error.isTransient {
                if polling.unreachable(longerThan: outageTolerance) {
                    throw TeacherError(
                        error.kind,
                        "\(error.message); fine-tuning job \(job.id) goes on on the server: running the cell again reattaches")
                }
            }
            if job.status != lastStatus {
                onStatus("fine-tuning job \(job.id): \(job.status)")
                lastStatus = job.status
            }
            if ["succeeded", "failed", "cancelled"].contains(job.status) { break }
            let decision = JobPolling.wait(pollInterval) { () -> Interruption? in
                let asked = shouldStop()
                if case .none = asked { return nil }
                return asked
            }
            switch decision ?? .none {
            case .none: continue
            case .detach:
                throw TeacherError(
                    .cancelled,
                    "stopped following fine-tuning job \(job.id), which goes on on the server (and is billed); running the "
                        + "cell again reattaches to it")
            case .cancel:
                job = try client.post("/fine_tuning/jobs/\(job.id)/cancel", [String: String](), as: WireFineTuningJob.self)
                throw TeacherError(.cancelled, "cancelled fine-tuning job \(job.id) on the server (\(job.status))")
            }
        }
        let checkpoints =
            (try? client.get("/fine_tuning/jobs/\(job.id)/checkpoints", as: WireList<WireCheckpoint>.self))?
            .data.map {
                FineTuningCheckpoint(step: $0.stepNumber, model: $0.fineTunedModelCheckpoint, trainLoss: $0.metrics?.trainLoss)
            }
            .sorted { $0.step < $1.step } ?? []
        let epochs = job.hyperparameters?.nEpochs?.intValue ?? max(1, checkpoints.count)
        let total = metrics.last?.totalSteps ?? 0
        let perEpoch = epochs > 0 && total % epochs == 0 ? total / epochs : 0
        return FineTuningOutcome(
            jobID: job.id, status: job.status, fineTunedModel: job.fineTunedModel, trainedTokens: job.trainedTokens,
            metrics: metrics, epochEnds: perEpoch > 0 ? (1...epochs).map { $0 * perEpoch } : [],
            checkpoints: checkpoints, error: job.error?.message)
    }

    /// Events not seen before, oldest first (the service lists newest first; pages back until it
    /// meets one already seen).
    private func newEvents(_ id: String, seen: inout Set<String>) throws -> [WireEvent] {
        var fresh: [WireEvent] = []
        var freshIDs = Set<String>()
        var after: String?
        // At most 50 pages a poll: a server that always says has_more (or repeats a page) cannot
        // hold the loop; what is left is read at the next poll.
        for _ in 0..<50 {
            let page = try client.get(
                "/fine_tuning/jobs/\(id)/events?limit=100" + (after.map { "&after=\($0)" } ?? ""), as: WireList<WireEvent>.self)
            var metSeen = false
            for event in page.data {
                if seen.contains(event.id) || !freshIDs.insert(event.id).inserted {
                    metSeen = true
                    break
                }
                fresh.append(event)
            }
            guard !metSeen, page.hasMore == true, let last = page.data.last else { break }
            after = last.id
        }
        for event in fresh { seen.insert(event.id) }
        return fresh.reversed()
    }
}

// MARK: - Wire shapes

private struct CreateJob: Encodable {
    struct Method: Encodable {
        struct Supervised: Encodable { var hyperparameters: [String: JSONValue] }
        var type = "supervised"
        var supervised: Supervised
    }
    var model: String
    var trainingFile: String
    var validationFile: String?
    var suffix: String?
    var seed: Int?
    var method: Method
    enum CodingKeys: String, CodingKey {
        case model, suffix, seed, method
        case trainingFile = "training_file"
        case validationFile = "validation_file"
    }
}

struct WireList<Item: Decodable>: Decodable {
    var data: [Item]
    var hasMore: Bool?
    enum CodingKeys: String, CodingKey {
        case data
        case hasMore = "has_more"
    }
}

struct WireFineTuningJob: Decodable {
    struct Failure: Decodable { var message: String? }
    struct Hyperparameters: Decodable {
        var nEpochs: JSONValue?
        enum CodingKeys: String, CodingKey { case nEpochs = "n_epochs" }
    }
    var id: String
    var status: String
    var fineTunedModel: String?
    var trainedTokens: Int?
    var error: Failure?
    var hyperparameters: Hyperparameters?
    enum CodingKeys: String, CodingKey {
        case id, status, error, hyperparameters
        case fineTunedModel = "fine_tuned_model"
        case trainedTokens = "trained_tokens"
    }
}

struct WireEvent: Decodable {
    struct Data: Decodable {
        var step: Int?
        var totalSteps: Int?
        var trainLoss: Double?
        var validLoss: Double?
        enum CodingKeys: String, CodingKey {
            case step
            case totalSteps = "total_steps"
            case trainLoss = "train_loss"
            case validLoss = "valid_loss"
        }
        var metric: FineTuningMetric? {
            guard let step, let trainLoss else { return nil }
            return FineTuningMetric(step: step, totalSteps: totalSteps ?? step, trainLoss: trainLoss, validLoss: validLoss)
        }
    }
    var id: String
    var type: String?
    var level: String?
    var message: String?
    var data: Data?
}

struct WireCheckpoint: Decodable {
    struct Metrics: Decodable {
        var trainLoss: Double?
        enum CodingKeys: String, CodingKey { case trainLoss = "train_loss" }
    }
    var stepNumber: Int
    var fineTunedModelCheckpoint: String
    var metrics: Metrics?
    enum CodingKeys: String, CodingKey {
        case metrics
        case stepNumber = "step_number"
        case fineTunedModelCheckpoint = "fine_tuned_model_checkpoint"
    }
}

extension JSONValue {
    /// The value as an integer, when it is a whole number (`"auto"` is not).
    var intValue: Int? {
        if case .number(let value) = self, value == value.rounded() { return Int(value) }
        return nil
    }
}
