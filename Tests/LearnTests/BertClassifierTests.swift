import Foundation
import Tensor
import Testing

@testable import Learn

/// The MiniLM student's parts on a tiny random BERT (a 2-layer, 16-wide encoder and a
/// twelve-piece vocabulary), so they run in a debug build in well under a second.
struct BertClassifierTests {
    static let vocabulary = [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "good", "great", "bad", "awful", "movie", "food", "##s", "the",
    ]
    static let config = BertConfig(vocabSize: 12, width: 16, layers: 2, heads: 2, intermediate: 32, maxPositions: 32)

    static func tokenizerJSON() -> Data {
        let vocab = Dictionary(uniqueKeysWithValues: vocabulary.enumerated().map { ($1, $0) })
        let root: [String: Any] = [
            "model": ["type": "WordPiece", "vocab": vocab, "unk_token": "[UNK]"],
            "normalizer": ["type": "BertNormalizer", "lowercase": true],
        ]
        return try! JSONSerialization.data(withJSONObject: root)
    }

    static func sentence(seed: UInt64 = 1) throws -> SentenceEncoder {
        SentenceEncoder(
            tokenizer: try WordPieceTokenizer(json: tokenizerJSON()), encoder: try BertEncoder(config: config, seed: seed))
    }

    static let pairs: [(text: String, label: String)] = [
        ("good movie", "pos"), ("great food", "pos"), ("the good movies", "pos"), ("great", "pos"),
        ("bad movie", "neg"), ("awful food", "neg"), ("the bad movies", "neg"), ("awful", "neg"),
    ]

    @Test func frozenTrainsTheHeadAloneAndLeavesTheEncoder() throws {
        let clf = try BertClassifier(sentence: try Self.sentence(), labels: ["neg", "pos"], frozen: true)
        #expect(clf.namedParameters.map(\.name) == ["classifier.weight", "classifier.bias"])
        #expect(clf.totalParameterCount > clf.parameterCount)
        let encoderBefore = clf.sentence.encoder.snapshot()
        let headBefore = clf.head.snapshot()
        let data = try clf.examples(Self.pairs)
        #expect(data[0].tokens == [2, 4, 8, 3])
        let options = TrainingOptions(epochs: 60, learningRate: 3e-2, batchSize: 4, validationFraction: 0)
        let history = try Trainer(options: options).train(clf, on: data)
        #expect(clf.sentence.encoder.snapshot() == encoderBefore)
        #expect(clf.head.snapshot() != headBefore)
        #expect(history.losses.last! < history.losses.first!)
        #expect(try clf.accuracy(on: data) == 1)
    }

    @Test func fullFineTuneMovesTheEncoderAtItsShareOfTheRate() throws {
        let clf = try BertClassifier(sentence: try Self.sentence(), labels: ["neg", "pos"], frozen: false, encoderRate: 0.5)
        #expect(clf.namedParameters.count == clf.allParameters().count)
        let head = clf.namedParameters.first { $0.name == "classifier.weight" }!
        let word = clf.namedParameters.first { $0.name == "embeddings.word_embeddings.weight" }!
        #expect(clf.learningRateScale(head) == 1 && clf.learningRateScale(word) == 0.5)
        let before = clf.sentence.encoder.snapshot()
        let data = try clf.examples(Self.pairs)
        let options = TrainingOptions(epochs: 20, learningRate: 1e-2, batchSize: 4, validationFraction: 0)
        let history = try Trainer(options: options).train(clf, on: data)
        #expect(clf.sentence.encoder.snapshot() != before)
        #expect(history.losses.last! < history.losses.first!)
        #expect(try clf.accuracy(on: data) == 1)
    }

    @Test func adamWScalesEachParametersRate() throws {
        let a = try Tensor([1, 1], shape: [2], requiresGrad: true)
        let b = try Tensor([1, 1], shape: [2], requiresGrad: true)
        let params = [NamedParameter(name: "a", tensor: a), NamedParameter(name: "b", tensor: b)]
        let opt = AdamW(params, learningRate: 0.1, weightDecay: 0, scale: { $0.name == "b" ? 0.25 : 1 })
        a.grad = [1, -1]
        b.grad = [1, -1]
        opt.step()
        // Adam's first step moves every weight by its rate (times the gradient's sign).
        #expect(abs(a.data[0] - 0.9) < 1e-6 && abs(a.data[1] - 1.1) < 1e-6)
        #expect(abs(b.data[0] - 0.975) < 1e-6 && abs(b.data[1] - 1.025) < 1e-6)
    }

    @Test func frozenStudentsShareOneCacheOfPooledVectors() throws {
        let sentence = try Self.sentence()
        let cache = PooledVectorCache()
        let a = try BertClassifier(sentence: sentence, labels: ["neg", "pos"], frozen: true, cache: cache, seed: 1)
        let b = try BertClassifier(sentence: sentence, labels: ["neg", "pos"], frozen: true, cache: cache, seed: 2)
        let texts = Self.pairs.map { a.encode($0.text) }
        let pooled = try noGrad { try sentence.encoder.pooled(texts) }
        #expect(try a.features(texts).data == pooled.data, "cached vectors are the ones computed in one batch")
        #expect(cache.count == Set(texts).count)
        _ = try b.logits(texts + texts)
        #expect(cache.count == Set(texts).count, "the second student encodes nothing new")
        let tiny = PooledVectorCache(limit: 3)
        #expect(
            try tiny.pooled(texts, encoder: sentence.encoder).data == pooled.data, "a batch over the limit still comes back whole"
        )
    }

    @Test func softTargetsTrainLikeTheByteClassifiers() throws {
        let clf = try BertClassifier(sentence: try Self.sentence(), labels: ["neg", "pos"], frozen: true)
        var data = try clf.examples(Self.pairs)
        let hard = try clf.loss(data).item
        for i in data.indices { data[i].soft = data[i].label == 0 ? [1, 0] : [0, 1] }
        #expect(abs(try clf.loss(data).item - hard) < 1e-5, "one-hot soft targets are the hard labels")
        for i in data.indices { data[i].soft = [0.5, 0.5] }
        let warm = try clf.loss(data, temperature: 2).item
        #expect(warm.isFinite && abs(warm - hard) > 1e-4)
        data[0].soft = [1]
        #expect(throws: LearnError.self) { try clf.loss(data) }
    }

    @Test func checkpointRoundTripsOnTheInstalledShape() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bert-clf-\(UUID().uuidString)")
        let model = directory.appendingPathComponent(SentenceEncoder.modelName)
        try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.tokenizerJSON().write(to: model.appendingPathComponent("tokenizer.json"))
        let c = Self.config
        let configJSON: [String: Any] = [
            "vocab_size": c.vocabSize, "hidden_size": c.width, "num_hidden_layers": c.layers,
            "num_attention_heads": c.heads, "intermediate_size": c.intermediate, "max_position_embeddings": c.maxPositions,
        ]
        try JSONSerialization.data(withJSONObject: configJSON).write(to: model.appendingPathComponent("config.json"))
        // The base model in Hugging Face's names and layout (values do not matter: the
        // student's file replaces them all).
        var hf: [(name: String, entry: Safetensors.Entry)] = []
        func add(_ name: String, _ shape: [Int]) {
            hf.append((name, Safetensors.Entry(shape: shape, values: [Float](repeating: 0.01, count: shape.reduce(1, *)))))
        }
        add("embeddings.word_embeddings.weight", [c.vocabSize, c.width])
        add("embeddings.position_embeddings.weight", [c.maxPositions, c.width])
        add("embeddings.token_type_embeddings.weight", [c.typeVocabSize, c.width])
        add("embeddings.LayerNorm.weight", [c.width])
        add("embeddings.LayerNorm.bias", [c.width])
        for i in 0..<c.layers {
            let p = "encoder.layer.\(i)."
            for (key, outputs, inputs) in [
                ("attention.self.query", c.width, c.width), ("attention.self.key", c.width, c.width),
                ("attention.self.value", c.width, c.width), ("attention.output.dense", c.width, c.width),
                ("intermediate.dense", c.intermediate, c.width), ("output.dense", c.width, c.intermediate),
            ] {
                add(p + key + ".weight", [outputs, inputs])
                add(p + key + ".bias", [outputs])
            }
            for key in ["attention.output.LayerNorm", "output.LayerNorm"] {
                add(p + key + ".weight", [c.width])
                add(p + key + ".bias", [c.width])
            }
        }
        try Safetensors.write(hf, metadata: [:], to: model.appendingPathComponent("model.safetensors"))

        let clf = try BertClassifier(sentence: try Self.sentence(seed: 3), labels: ["neg", "pos", "mixed"], frozen: false)
        let file = directory.appendingPathComponent("student.safetensors")
        try Checkpoint.save(clf, to: file)
        guard case .sentenceClassifier(let loaded) = try Checkpoint.load(from: file, modelDirectory: directory.path) else {
            Issue.record("not loaded as a MiniLM classifier")
            return
        }
        #expect(loaded.labels == ["neg", "pos", "mixed"] && !loaded.frozen)
        #expect(loaded.sentence.encoder.snapshot() == clf.sentence.encoder.snapshot(), "the file's weights, not the base's")
        let texts = Self.pairs.map { clf.encode($0.text) }
        #expect(try loaded.logits(texts).data == clf.logits(texts).data)
        let copy = try loaded.copy()
        #expect(copy.sentence.encoder !== loaded.sentence.encoder)
        #expect(try copy.logits(texts).data == clf.logits(texts).data)

        // A frozen head on the installed encoder is saved alone, with the encoder's SHA-256.
        let installed = try SentenceEncoder(directory: model.path, maxLength: 16)
        let frozen = try BertClassifier(sentence: installed, labels: ["neg", "pos"], frozen: true, seed: 5)
        let head = directory.appendingPathComponent("head.safetensors")
        try Checkpoint.save(frozen, to: head)
        let (saved, metadata) = try Safetensors.read(from: head)
        #expect(Set(saved.keys) == ["classifier.weight", "classifier.bias"])
        #expect(metadata["fewshot.encoder_sha256"] == (try SentenceEncoder.weightsSHA256(directory: model.path)))
        let shared = PooledVectorCache()
        guard
            case .sentenceClassifier(let back) = try Checkpoint.load(
                from: head, modelDirectory: directory.path, installedEncoder: { (installed, shared) })
        else {
            Issue.record("not loaded as a MiniLM classifier")
            return
        }
        #expect(back.frozen && back.contextLength == 16 && back.sentence.encoder === installed.encoder)
        #expect(try back.logits(texts).data == frozen.logits(texts).data)
        #expect(shared.count > 0, "the loaded head reads through the shared cache")
        // Another encoder installed under the same name: refused, naming both digests.
        hf[0].entry.values[0] = 0.5
        try Safetensors.write(hf, metadata: [:], to: model.appendingPathComponent("model.safetensors"))
        #expect {
            try Checkpoint.load(from: head, modelDirectory: directory.path)
        } throws: { "\($0)".contains("a head trained on a different all-MiniLM-L6-v2") }
    }
}
