import Testing

@testable import Datasets

/// `similar` and `diverse` shots by an embedding measure (hand-made vectors standing in for
/// sentence embeddings): meaning where the words differ.
@Suite struct ShotMeasureTests {
    /// Texts that share no words within a topic; the vectors say which topic each is.
    static let pool = Dataset([
        ["text": "the car drives itself", "label": "auto"],
        ["text": "I baked bread", "label": "food"],
        ["text": "autonomous vehicles steer alone", "label": "auto"],
        ["text": "sourdough rises overnight", "label": "food"],
        ["text": "rain again today", "label": "weather"],
    ])
    static let vectors: [String: [Float]] = [
        "the car drives itself": [1, 0, 0], "I baked bread": [0, 1, 0], "autonomous vehicles steer alone": [0.96, 0.28, 0],
        "sourdough rises overnight": [0.28, 0.96, 0], "rain again today": [0, 0, 1], "robotaxis in town": [0.99, 0, 0.14],
    ]
    static let measure = ShotMeasure.embedding(
        name: "test", pool: pool.rows.map { vectors[$0["text"]!.text]! }, embed: { vectors[$0]! })

    @Test func similarFollowsTheVectorsNotTheWords() throws {
        let s = try ShotSelector(pool: Self.pool, k: 2, selection: .similar, measure: Self.measure)
        let shots = try s.select(for: ["text": "robotaxis in town"])
        #expect(shots.map { $0["label"]!.text } == ["auto", "auto"])
        // TF-IDF finds no shared word and falls back to pool order.
        let words = try ShotSelector(pool: Self.pool, k: 2, selection: .similar).select(for: ["text": "robotaxis in town"])
        #expect(words.map { $0["label"]!.text } != ["auto", "auto"])
        // A pool row is not its own shot.
        #expect(try !s.select(for: Self.pool.rows[0]).contains(Self.pool.rows[0]))
        #expect(Self.measure.description == "test embedding cosine" && ShotMeasure.tfidf.description == "TF-IDF cosine")
    }

    @Test func diverseCoversTheTopics() throws {
        let shots = try ShotSelector(pool: Self.pool, k: 3, selection: .diverse, measure: Self.measure).select()
        #expect(Set(shots.map { $0["label"]!.text }) == ["auto", "food", "weather"], "\(shots)")
    }

    @Test func oneVectorPerPoolRow() {
        let short = ShotMeasure.embedding(name: "test", pool: [[1, 0, 0]], embed: { _ in [1, 0, 0] })
        #expect(throws: DatasetError.self) { try ShotSelector(pool: Self.pool, k: 2, selection: .similar, measure: short) }
    }
}
