import PortableMath

/// Settings of a training run (the Workbench's `finetune` arguments map onto these).
public struct TrainingOptions: Sendable {
    /// Passes over the training data.
    public var epochs: Int = 3
    /// Peak learning rate (after warm-up).
    public var learningRate: Float = 1e-3
    /// Sequences (or labelled texts) per step.
    public var batchSize: Int = 16
    /// Linear warm-up steps; nil: 5% of all steps (at least 1).
    public var warmupSteps: Int? = nil
    /// The cosine decay ends at `learningRate * minLearningRateRatio`.
    public var minLearningRateRatio: Float = 0.1
    /// AdamW's decoupled weight decay (not applied to norms, biases, embeddings).
    public var weightDecay: Float = 0.1
    /// AdamW's betas.
    public var beta1: Float = 0.9, beta2: Float = 0.95
    /// Global gradient-norm clip; 0 disables.
    public var gradClip: Float = 1
    /// Seeds shuffling and the validation split (through its own stream, `batchSeed`, so a
    /// model initialised from the same seed draws unrelated numbers).
    public var seed: UInt64 = 0
    /// Share of the data held out for validation when no validation set is given (0: none).
    public var validationFraction: Double = 0
    /// Stop after this many epochs without a better validation loss, restoring the best
    /// weights; nil: never stop early.
    public var earlyStoppingPatience: Int? = nil
    /// The distillation temperature of a classifier trained on soft labels (Hinton et al. 2015):
    /// targets and logits are both softened by it, and the loss scaled by its square. 1 trains
    /// on the teacher's probabilities as they are.
    public var softTargetTemperature: Float = 1

    public init(
        epochs: Int = 3, learningRate: Float = 1e-3, batchSize: Int = 16, warmupSteps: Int? = nil,
        weightDecay: Float = 0.1, gradClip: Float = 1, seed: UInt64 = 0, validationFraction: Double = 0,
        earlyStoppingPatience: Int? = nil
    ) {
        self.epochs = epochs
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.warmupSteps = warmupSteps
        self.weightDecay = weightDecay
        self.gradClip = gradClip
        self.seed = seed
        self.validationFraction = validationFraction
        self.earlyStoppingPatience = earlyStoppingPatience
    }
}

extension TrainingOptions {
    /// The seed of the stream that splits off validation data and orders the batches.
    var batchSeed: UInt64 { StreamSeed.derive(seed, "batches") }
}

/// What the progress callback receives after every step.
public struct TrainingProgress: Sendable {
    /// 1-based epoch.
    public let epoch: Int
    /// 1-based step over the whole run.
    public let step: Int
    /// Steps the run will take if not stopped early.
    public let totalSteps: Int
    /// This step's training loss.
    public let loss: Float
    /// The latest validation loss, if one was measured yet.
    public let validationLoss: Float?
    /// Learning rate used by this step.
    public let learningRate: Float
    /// Tokens processed per second, averaged over the run so far.
    public let tokensPerSecond: Double
}

/// Why a run ended.
public enum TrainingStop: Equatable, Sendable {
    /// All epochs ran.
    case completed
    /// The validation loss stopped improving; the best weights were restored.
    case earlyStopped(epoch: Int)
    /// `isCancelled` returned true between two steps. The weights are those after the last
    /// finished step, or, when an earlier epoch's validation loss was better than theirs, that
    /// epoch's (`restoredBestEpoch`).
    case cancelled(restoredBestEpoch: Int?)
}

/// The record of a run: per-step losses, epoch boundaries, validation losses.
public struct TrainingHistory: Equatable, Sendable {
    /// Training loss of every step, in order.
    public var losses: [Float] = []
    /// Learning rate of every step.
    public var learningRates: [Float] = []
    /// For each finished epoch, the number of steps done when it ended (index into `losses`).
    public var epochEnds: [Int] = []
    /// Validation loss after each finished epoch (empty without validation data).
    public var validationLosses: [Float] = []
    /// How the run ended.
    public var stop: TrainingStop = .completed
    /// Wall time of the run in seconds.
    public var seconds: Double = 0
    /// Tokens processed per second over the run.
    public var tokensPerSecond: Double = 0

    /// The best validation loss seen, if any.
    public var bestValidationLoss: Float? { validationLosses.min() }
    /// The last step's loss, if any.
    public var finalLoss: Float? { losses.last }
}
