import Foundation
import Tensor
import Testing

@testable import Learn

/// Hugging Face's token ids and embeddings of all-MiniLM-L6-v2 (scripts/reference/minilm_parity.py).
struct MiniLMFixture: Decodable {
    struct Tokens: Decodable {
        let text: String
        let ids: [Int]
    }
    struct Truncated: Decodable {
        let text: String
        let max_length: Int
        let ids: [Int]
    }
    struct Embedding: Decodable {
        let text: String
        let vector: [Float]
    }
    let source: String
    let tokens: [Tokens]
    let truncated: [Truncated]
    let embeddings: [Embedding]

    static func load() throws -> MiniLMFixture {
        let url = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/minilm/parity.json")
        return try JSONDecoder().decode(MiniLMFixture.self, from: Data(contentsOf: url))
    }
}

/// The installed model, loaded once for every test that needs it.
enum MiniLMFixtures {
    static let installed = SentenceEncoder.isInstalled()
    static let encoder: SentenceEncoder? = try? SentenceEncoder()
}

@Suite(.enabled(if: MiniLMFixtures.installed, "all-MiniLM-L6-v2 not installed (run bash scripts/setup)"))
struct MiniLMParityTests {
    /// Every text of the fixture (300 tweets and hostile Unicode: combining marks, emoji, CJK,
    /// control characters, special tokens written in the text, 10 kB lines) gets the ids
    /// Hugging Face's tokenizer gives, and truncation keeps the same ones.
    @Test func tokenIdsMatchHuggingFace() throws {
        let fixture = try MiniLMFixture.load()
        let tokenizer = try #require(MiniLMFixtures.encoder).tokenizer
        var same = 0
        for item in fixture.tokens {
            let ids = tokenizer.encode(item.text, maxLength: Int.max)
            if ids == item.ids {
                same += 1
            } else {
                Issue.record("\(item.text.debugDescription.prefix(80)): \(ids.prefix(40)) != \(item.ids.prefix(40))")
            }
        }
        print("MiniLM token ids: \(same)/\(fixture.tokens.count) texts identical to Hugging Face's")
        #expect(same == fixture.tokens.count)
        for item in fixture.truncated {
            #expect(tokenizer.encode(item.text, maxLength: item.max_length) == item.ids, "max_length \(item.max_length)")
        }
    }

    /// Embeddings within 1e-4 cosine distance of transformers' (mean pooling, L2 norm, 256 tokens).
    @Test func embeddingsMatchTransformers() throws {
        let fixture = try MiniLMFixture.load()
        let model = try #require(MiniLMFixtures.encoder)
        let vectors = try model.embed(fixture.embeddings.map(\.text), batchSize: 8)
        var worst: Float = 0
        for (got, want) in zip(vectors, fixture.embeddings) {
            #expect(got.count == 384)
            let distance = 1 - SentenceEncoder.cosine(got, want.vector)
            worst = max(worst, distance)
            #expect(distance < 1e-4, "\(want.text.prefix(60)): cosine distance \(distance)")
        }
        print("MiniLM embeddings: largest cosine distance to transformers \(worst) over \(vectors.count) texts")
    }

    /// A text's embedding has the same bits alone, in any batch, at any position, with any padding.
    @Test func batchingNeverChangesAnEmbedding() throws {
        let model = try #require(MiniLMFixtures.encoder)
        let texts = ["short", "a somewhat longer sentence about self-driving cars", "", "中文 and émoji 🚗"]
        let alone = try texts.map { try model.embed([$0])[0] }
        let together = try model.embed(texts + texts.reversed(), batchSize: 3)
        for (i, v) in alone.enumerated() {
            #expect(together[i] == v, "\(texts[i])")
            #expect(together[texts.count * 2 - 1 - i] == v, "\(texts[i]) reversed")
        }
        let pooled = try noGrad { try model.encoder.pooled([model.tokens(texts[0]), model.tokens(texts[1])]) }
        let single = try noGrad { try model.encoder.pooled([model.tokens(texts[0])]) }
        #expect(Array(pooled.data[0..<384]) == single.data)
    }

    /// A missing file names the setup command.
    @Test func missingModelNamesSetup() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("no-minilm-\(getpid())").path
        do {
            _ = try SentenceEncoder(directory: empty)
            Issue.record("a missing model must not load")
        } catch {
            #expect("\(error)".contains("config.json is missing: run `bash scripts/setup`"), "\(error)")
        }
    }
}
