import Foundation
import Tensor
import Testing

@testable import Learn

@Suite struct ClassifierTests {
    @Test(arguments: [Pooling.last, Pooling.mean])
    func learnsASeparableTask(pooling: Pooling) throws {
        let clf = try GPTClassifier(config: toyConfig, labels: ["neg", "pos"], pooling: pooling, seed: 5)
        let pos = ["good", "great fun", "lovely", "so good", "nice one", "great"]
        let neg = ["bad", "awful day", "terrible", "so bad", "bad one", "awful"]
        let data = try clf.examples(pos.map { ($0, "pos") } + neg.map { ($0, "neg") })
        let history = try Trainer(options: TrainingOptions(epochs: 20, learningRate: 1e-2, batchSize: 4, weightDecay: 0))
            .train(clf, on: data)
        #expect(history.finalLoss! < 0.2, "\(history.finalLoss!)")
        #expect(try clf.accuracy(on: data) == 1)
        let (label, probs) = try clf.predict("good")
        #expect(label == "pos")
        #expect(abs(probs.reduce(0, +) - 1) < 1e-5)
        #expect(throws: LearnError.self) { try clf.examples([("x", "maybe")]) }
    }

    @Test func needsTwoDistinctLabels() {
        #expect(throws: LearnError.self) { try GPTClassifier(config: toyConfig, labels: ["only"]) }
    }
}
