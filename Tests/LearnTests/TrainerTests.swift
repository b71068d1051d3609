import Foundation
import Tensor
import Testing

@testable import Learn

@Suite struct TrainerTests {
    private func corpus() -> [TokenSequence] {
        (0..<12).map { i in TokenSequence(segments: [("Q\(i % 3): ", false), ("answer \(i % 3)\n", true)]) }
    }

    @Test func cancellationStopsBetweenStepsWithConsistentWeights() throws {
        let model = try GPT(config: toyConfig, seed: 2)
        var steps = 0
        let history = try Trainer(options: TrainingOptions(epochs: 5, batchSize: 4))
            .train(model, on: corpus(), progress: { _ in steps += 1 }, isCancelled: { steps >= 3 })
        #expect(history.stop == .cancelled(restoredBestEpoch: nil))
        #expect(history.losses.count == 3)
        #expect(model.namedParameters.allSatisfy { $0.tensor.grad == nil && $0.tensor.data.allSatisfy(\.isFinite) })
    }

    @Test func cancellationKeepsTheBestValidatedWeights() throws {
        let model = try GPT(config: toyConfig, seed: 4)
        // Validation on unrelated text gets worse as the model memorises the corpus, so by
        // step 60 (epoch 20) an earlier epoch's weights are the best ones.
        let val = [TokenSequence(tokens: ByteTokenizer().encode("zzzz qqqq xxxx wwww"))]
        var steps = 0
        let history = try Trainer(options: TrainingOptions(epochs: 30, learningRate: 3e-2, batchSize: 4))
            .train(model, on: corpus(), validation: val, progress: { _ in steps += 1 }, isCancelled: { steps >= 60 })
        guard case .cancelled(let epoch?) = history.stop else {
            Issue.record("expected the best epoch's weights to be restored, got \(history.stop)")
            return
        }
        #expect(history.validationLosses[epoch - 1] == history.bestValidationLoss)
        #expect(abs(try model.meanLoss(of: val) - history.bestValidationLoss!) < 1e-3)
    }

    @Test func nonFiniteLossStopsAndKeepsLastGoodWeights() throws {
        let model = try GPT(config: toyConfig, seed: 3)
        var progressSteps = 0
        // A huge learning rate blows the weights up within a few steps.
        do {
            _ = try Trainer(options: TrainingOptions(epochs: 50, learningRate: 1e12, batchSize: 4, warmupSteps: 1, gradClip: 0))
                .train(model, on: corpus(), progress: { _ in progressSteps += 1 })
            Issue.record("expected a non-finite loss")
        } catch LearnError.nonFiniteLoss(let step, _, let history) {
            #expect(step == history.losses.count + 1)
            #expect(history.losses.count == progressSteps)
            #expect("\(LearnError.nonFiniteLoss(step: step, epoch: 1, history: history))".contains("NaN"))
        }
    }

    @Test func validationSplitAndEarlyStopping() throws {
        let model = try GPT(config: toyConfig, seed: 4)
        let data = corpus()
        // Validation on unrelated text gets worse as the model memorises the corpus.
        let val = [TokenSequence(tokens: ByteTokenizer().encode("zzzz qqqq xxxx wwww"))]
        let history = try Trainer(
            options: TrainingOptions(epochs: 30, learningRate: 3e-2, batchSize: 4, earlyStoppingPatience: 2)
        )
        .train(model, on: data, validation: val)
        guard case .earlyStopped(let epoch) = history.stop else {
            Issue.record("expected early stopping, got \(history.stop)")
            return
        }
        #expect(history.validationLosses.count == epoch)
        // The best weights were restored.
        let restored = try model.meanLoss(of: val)
        #expect(abs(restored - history.bestValidationLoss!) < 1e-3)

        let split = try Trainer(options: TrainingOptions(epochs: 1, batchSize: 4, validationFraction: 0.25)).train(
            model, on: data)
        #expect(split.validationLosses.count == 1)
        #expect(split.losses.count == 3)  // 9 training sequences in batches of 4
    }

    @Test func scheduleWarmsUpThenDecays() {
        let s = LearningRateSchedule(peak: 1, warmupSteps: 4, totalSteps: 20, minRatio: 0.1)
        #expect(s.rate(at: 0) == 0.25)
        #expect(s.rate(at: 3) == 1)
        #expect(abs(s.rate(at: 19) - 0.1) < 0.01)
        #expect(s.rate(at: 10) < s.rate(at: 5))
    }

    @Test func sgdMomentumMatchesHandComputation() throws {
        let w = try Tensor([1, 2], shape: [2], requiresGrad: true)
        let sgd = SGD([NamedParameter(name: "w", tensor: w)], learningRate: 0.1, momentum: 0.5)
        w.grad = [1, 1]
        sgd.step()
        w.grad = [1, 1]
        sgd.step()
        #expect(abs(w.data[0] - (1 - 0.1 - 0.15)) < 1e-6)
    }

    @Test func adamWSkipsDecayOnNormsBiasesEmbeddings() throws {
        let model = try GPT(config: toyConfig)
        let decayed = Set(model.namedParameters.filter(decaysByDefault).map(\.name))
        #expect(decayed.contains("h.0.attn.c_attn.weight"))
        #expect(!decayed.contains("wte.weight"))
        #expect(!decayed.contains("h.0.ln_1.weight"))
        #expect(!decayed.contains("h.0.attn.c_attn.bias"))
    }
}
