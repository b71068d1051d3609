import Testing

@testable import Datasets

@Suite struct ShotTests {
    static let pool = Dataset([
        ["text": "the battery dies fast", "label": "neg"],
        ["text": "the screen is gorgeous", "label": "pos"],
        ["text": "battery life is awful and dies", "label": "neg"],
        ["text": "shipping was on time", "label": "neu"],
        ["text": "gorgeous colours on the screen", "label": "pos"],
        ["text": "the box was brown", "label": "neu"],
        ["text": "battery battery battery", "label": "neg"],
    ])

    @Test(arguments: ShotSelection.allCases.filter { $0 != .similar })
    func sameSeedSameShots(selection: ShotSelection) throws {
        let a = try ShotSelector(pool: Self.pool, k: 3, selection: selection, seed: 11).select()
        let b = try ShotSelector(pool: Self.pool, k: 3, selection: selection, seed: 11).select()
        #expect(a == b)
        #expect(a.count == 3 && Set(a).count == 3)
    }

    @Test func firstAndRandom() throws {
        #expect(try ShotSelector(pool: Self.pool, k: 2, selection: .first).select() == Array(Self.pool.rows.prefix(2)))
        let seeds = try (0..<8).map { try ShotSelector(pool: Self.pool, k: 2, selection: .random, seed: $0).indices() }
        #expect(Set(seeds.map { $0.description }).count > 1)
    }

    @Test func balancedCoversEveryLabel() throws {
        let shots = try ShotSelector(pool: Self.pool, k: 3, selection: .balanced, seed: 2).select()
        #expect(Set(shots.compactMap { $0["label"]?.text }) == ["neg", "pos", "neu"])
        #expect(throws: DatasetError.self) { try ShotSelector(pool: Self.pool, k: 2, selection: .balanced) }
        #expect(throws: DatasetError.self) { try ShotSelector(pool: Dataset([["text": "a"]]), k: 1, selection: .balanced) }
    }

    @Test func similarPicksByTFIDFCosine() throws {
        let s = try ShotSelector(pool: Self.pool, k: 2, selection: .similar)
        let shots = try s.select(for: ["text": "my battery dies"])
        #expect(shots.allSatisfy { $0["label"] == "neg" })
        #expect(throws: DatasetError.self) { try s.select() }
        // A query taken from the pool is not its own shot.
        #expect(try !s.select(for: Self.pool.rows[1]).contains(Self.pool.rows[1]))
    }

    @Test func diverseAvoidsNearCopies() throws {
        let shots = try ShotSelector(pool: Self.pool, k: 3, selection: .diverse).select()
        let labels = shots.compactMap { $0["label"]?.text }
        #expect(Set(labels).count == 3, "\(shots)")
    }

    @Test func badKIsAnError() {
        #expect(throws: DatasetError.self) { try ShotSelector(pool: Self.pool, k: 0, selection: .first) }
        #expect(throws: DatasetError.self) { try ShotSelector(pool: Self.pool, k: 8, selection: .first) }
        #expect(throws: DatasetError.self) { try ShotSelection(named: "closest") }
    }
}
