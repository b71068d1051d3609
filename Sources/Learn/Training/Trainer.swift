import Foundation
import Tensor

/// Drives training: batching, AdamW with warm-up and cosine decay, gradient clipping,
/// validation, early stopping, progress callbacks, cancellation and NaN guarding.
///
/// ```swift
/// let trainer = Trainer(options: TrainingOptions(epochs: 5, learningRate: 3e-3, validationFraction: 0.1))
/// let history = try trainer.train(model, on: sequences, progress: { print($0.step, $0.loss) })
/// ```
public final class Trainer {
    /// The run's settings.
    public let options: TrainingOptions

    public init(options: TrainingOptions = TrainingOptions()) { self.options = options }

    /// Trains a language model on token sequences with loss masks.
    ///
    /// - Parameters:
    ///   - validation: held-out sequences; nil splits `options.validationFraction` off `sequences`.
    ///   - progress: called after every step.
    ///   - isCancelled: polled before every step; true ends the run between steps.
    /// - Throws: `LearnError.nonFiniteLoss` (weights from the last good step kept, history inside)
    ///   or `LearnError.invalidInput` when there is nothing to train on.
    public func train(
        _ model: some CausalLanguageModel, on sequences: [TokenSequence], validation: [TokenSequence]? = nil,
        progress: ((TrainingProgress) -> Void)? = nil, isCancelled: (() -> Bool)? = nil
    ) throws -> TrainingHistory {
        var rng = SeededRandom(seed: options.batchSeed)
        let (train, val) = split(sequences, validation, &rng)
        let context = model.contextLength
        let trainWindows = train.flatMap { $0.windows(context: context) }.filter { $0.lossMask.dropFirst().contains(true) }
        guard !trainWindows.isEmpty else {
            throw LearnError.invalidInput("no training sequence has a trained token after its first")
        }
        let valBatches = batches(val.flatMap { $0.windows(context: context) }).map(LanguageBatch.init)
        return try run(
            model, count: trainWindows.count, rng: &rng, validation: valBatches,
            makeBatch: { LanguageBatch($0.map { trainWindows[$0] }) },
            loss: { b in
                (
                    try model.loss(inputs: b.inputs, targets: b.targets, weights: b.weights, batch: b.batch, time: b.time),
                    b.batch * b.time, b.trainedTokens
                )
            },
            progress: progress, isCancelled: isCancelled)
    }

    /// Trains a classifier on labelled token sequences (see `TextClassifier.examples`).
    public func train(
        _ classifier: some TextClassifier, on examples: [LabelledSequence], validation: [LabelledSequence]? = nil,
        progress: ((TrainingProgress) -> Void)? = nil, isCancelled: (() -> Bool)? = nil
    ) throws -> TrainingHistory {
        guard !examples.isEmpty else { throw LearnError.invalidInput("no labelled examples to train on") }
        var rng = SeededRandom(seed: options.batchSeed)
        let (train, val) = split(examples, validation, &rng)
        let valBatches = batches(val)
        return try run(
            classifier, count: train.count, rng: &rng, validation: valBatches,
            makeBatch: { $0.map { train[$0] } },
            loss: { b in
                let loss = try classifier.loss(b, temperature: options.softTargetTemperature)
                let tokens = b.reduce(0) { $0 + min($1.tokens.count, classifier.contextLength) }
                return (loss, tokens, b.count)
            },
            progress: progress, isCancelled: isCancelled, scale: classifier.learningRateScale)
    }

    /// Splits off a validation set when none is given and a fraction is asked for.
    private func split<T>(_ data: [T], _ validation: [T]?, _ rng: inout SeededRandom) -> ([T], [T]) {
        if let validation { return (data, validation) }
        guard options.validationFraction > 0, data.count >= 2 else { return (data, []) }
        var shuffled = data
        rng.shuffle(&shuffled)
        let n = min(data.count - 1, max(1, Int((Double(data.count) * options.validationFraction).rounded())))
        return (Array(shuffled[n...]), Array(shuffled[..<n]))
    }

    private func batches<T>(_ items: [T]) -> [[T]] {
        stride(from: 0, to: items.count, by: max(1, options.batchSize)).map {
            Array(items[$0..<min(items.count, $0 + max(1, options.batchSize))])
        }
    }

    /// The loop shared by both tasks. `loss` returns (mean loss, tokens processed, weight of the
    /// batch in the validation mean).
    private func run<Batch>(
        _ model: ParameterHolder, count: Int, rng: inout SeededRandom, validation: [Batch],
        makeBatch: ([Int]) -> Batch, loss: (Batch) throws -> (Tensor, Int, Int),
        progress: ((TrainingProgress) -> Void)?, isCancelled: (() -> Bool)?,
        scale: (NamedParameter) -> Float = { _ in 1 }
    ) throws -> TrainingHistory {
        let params = model.namedParameters
        let tensors = params.map(\.tensor)
        let batchSize = max(1, options.batchSize)
        let stepsPerEpoch = (count + batchSize - 1) / batchSize
        let totalSteps = max(1, options.epochs * stepsPerEpoch)
        let schedule = LearningRateSchedule(
            peak: options.learningRate, warmupSteps: options.warmupSteps ?? max(1, totalSteps / 20),
            totalSteps: totalSteps, minRatio: options.minLearningRateRatio)
        let optimizer = AdamW(
            params, learningRate: options.learningRate, beta1: options.beta1, beta2: options.beta2,
            weightDecay: options.weightDecay, scale: scale)
        var history = TrainingHistory()
        var best: (loss: Float, weights: [[Float]], epoch: Int)?
        var sinceBest = 0
        var tokens = 0
        let start = Date()
        var step = 0
        func evaluate() throws -> Float? {
            guard !validation.isEmpty else { return nil }
            var total: Double = 0, weight = 0
            try noGrad {
                for b in validation {
                    let (l, _, w) = try loss(b)
                    total += Double(l.item) * Double(w)
                    weight += w
                }
            }
            return weight > 0 ? Float(total / Double(weight)) : nil
        }
        training: for epoch in 1...max(1, options.epochs) {
            var order = Array(0..<count)
            rng.shuffle(&order)
            for first in stride(from: 0, to: count, by: batchSize) {
                if isCancelled?() == true {
                    history.stop = .cancelled(restoredBestEpoch: nil)
                    // Keep the best weights validation has seen, unless the weights so far are better.
                    if let kept = best, let now = try evaluate(), now > kept.loss {
                        model.restore(kept.weights)
                        history.stop = .cancelled(restoredBestEpoch: kept.epoch)
                    }
                    break training
                }
                let batch = makeBatch(Array(order[first..<min(count, first + batchSize)]))
                let lr = schedule.rate(at: step)
                optimizer.learningRate = lr
                model.zeroGrad()
                let (l, n, _) = try loss(batch)
                guard l.item.isFinite else {
                    model.zeroGrad()
                    throw LearnError.nonFiniteLoss(step: step + 1, epoch: epoch, history: finish(history, start, tokens))
                }
                try l.backward()
                let norm = clipGradNorm(tensors, maxNorm: options.gradClip)
                guard norm.isFinite else {
                    model.zeroGrad()
                    throw LearnError.nonFiniteLoss(step: step + 1, epoch: epoch, history: finish(history, start, tokens))
                }
                optimizer.step()
                model.zeroGrad()
                step += 1
                tokens += n
                history.losses.append(l.item)
                history.learningRates.append(lr)
                let elapsed = Date().timeIntervalSince(start)
                progress?(
                    TrainingProgress(
                        epoch: epoch, step: step, totalSteps: totalSteps, loss: l.item,
                        validationLoss: history.validationLosses.last, learningRate: lr,
                        tokensPerSecond: elapsed > 0 ? Double(tokens) / elapsed : 0))
            }
            history.epochEnds.append(step)
            if let v = try evaluate() {
                history.validationLosses.append(v)
                if best == nil || v < best!.loss {
                    best = (v, model.snapshot(), epoch)
                    sinceBest = 0
                } else {
                    sinceBest += 1
                    if let patience = options.earlyStoppingPatience, sinceBest >= patience {
                        model.restore(best!.weights)
                        history.stop = .earlyStopped(epoch: epoch)
                        break training
                    }
                }
            }
        }
        return finish(history, start, tokens)
    }

    private func finish(_ history: TrainingHistory, _ start: Date, _ tokens: Int) -> TrainingHistory {
        var h = history
        h.seconds = Date().timeIntervalSince(start)
        h.tokensPerSecond = h.seconds > 0 ? Double(tokens) / h.seconds : 0
        return h
    }
}
