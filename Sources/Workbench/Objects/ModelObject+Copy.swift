import Learn

extension ModelObject {
    /// Whether the network is a pretrained (Llama-family) student rather than a from-scratch one.
    var isPretrained: Bool {
        if case .llama = kind { return true }
        return false
    }

    /// A new model with the same shape, setup and weights, so training it leaves this one as it was.
    /// (A LoRA student's frozen base weights come from the same base model; only its trained
    /// parameters are copied.)
    func copy() throws -> ModelObject {
        switch kind {
        case .languageModel(let gpt):
            let twin = try GPT(config: gpt.config)
            twin.restore(gpt.snapshot())
            return ModelObject(.languageModel(twin), name: name, history: nil, text: text, origin: origin, trained: isTrained)
        case .classifier(let classifier):
            let twin = try GPTClassifier(
                config: classifier.backbone.config, labels: classifier.labels, pooling: classifier.pooling)
            twin.restore(classifier.snapshot())
            return ModelObject(.classifier(twin), name: name, history: nil, origin: origin, trained: isTrained)
        case .sentenceClassifier(let classifier):
            return ModelObject(
                .sentenceClassifier(try classifier.copy()), name: name, history: nil, origin: origin, trained: isTrained)
        case .llama(let student):
            let twin = try LlamaStudent(
                base: student.base, baseName: student.baseName, lora: student.lora, context: student.contextLength)
            twin.restore(student.snapshot())
            return ModelObject(.llama(twin), name: name, history: nil, origin: origin, trained: isTrained)
        }
    }
}
