import PortableMath
import Testing

@testable import Datasets

/// `filter(semantic_dup:)`'s finder on synthetic vectors: the twins it names, and the recall of
/// its random-hyperplane index against exact all-pairs search.
@Suite struct SemanticDuplicateTests {
    /// `bases` random unit vectors, then `twins` rows each at a chosen cosine (uniform in
    /// `cosines`) with a random base row. Returns the vectors and each twin's base.
    static func synthetic(bases: Int, twins: Int, dimension: Int, cosines: ClosedRange<Double>, seed: UInt64) -> (
        [[Float]], [Int]
    ) {
        let gaussians = SemanticDuplicateFinder.hyperplanes(count: bases + twins, dimension: dimension, seed: seed)
        func unit(_ v: [Double]) -> [Double] {
            let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return v.map { $0 / n }
        }
        let raw = (0..<(bases + twins)).map { i in unit((0..<dimension).map { Double(gaussians[i * dimension + $0]) }) }
        var rng = SplitMix64(seed: seed ^ 0xD0)
        var vectors = raw.prefix(bases).map { $0.map(Float.init) }
        var baseOf: [Int] = []
        for t in 0..<twins {
            let b = rng.below(bases)
            let c = cosines.lowerBound + (cosines.upperBound - cosines.lowerBound) * Double(rng.below(10_000)) / 10_000
            // A direction orthogonal to the base, then the twin at angle acos(c) from it.
            let u = raw[bases + t]
            let along = zip(u, raw[b]).reduce(0) { $0 + $1.0 * $1.1 }
            let orthogonal = unit(zip(u, raw[b]).map { $0 - along * $1 })
            vectors.append(zip(raw[b], orthogonal).map { Float(c * $0 + (1 - c * c).squareRoot() * $1) })
            baseOf.append(b)
        }
        return (vectors, baseOf)
    }

    @Test func namesTheTwinAndItsCosine() throws {
        let d = Dataset((0..<4).map { ["text": .string("row \($0)")] })
        let vectors: [[Float]] = [[1, 0, 0], [0, 1, 0], [0.95, 0.312_25, 0], [0, 2, 0.1]]
        for search in [SemanticDuplicateSearch.exhaustive, .hyperplanes()] {
            let r = try d.filter([.semanticDuplicates(threshold: 0.9, search: search) { _ in vectors }])
            #expect(r.dropped.map(\.index) == [2, 3])
            #expect(r.dropped[0].reason == "cosine 0.95 with row 0")
            #expect(r.dropped[1].reason == "cosine 1.00 with row 1", "vectors are normalised")
            #expect(r.dropped[0].rule == "semantic duplicate (cosine ≥ 0.9)")
        }
        let wrong = #expect(throws: DatasetError.self) {
            try d.filter([.semanticDuplicates { _ in [[1, 0]] }])
        }
        #expect(wrong?.description.contains("1 embeddings for 4 rows") == true)
    }

    @Test func hyperplaneIndexRecallAgainstExactSearch() throws {
        let (vectors, _) = Self.synthetic(bases: 1_500, twins: 400, dimension: 48, cosines: 0.9...0.99, seed: 21)
        let exact = SemanticDuplicateFinder(threshold: 0.9, search: .exhaustive).verdicts(vectors)
        let fast = SemanticDuplicateFinder(threshold: 0.9).verdicts(vectors)
        let exactDropped = Set(exact.indices.filter { exact[$0] != nil })
        let fastDropped = Set(fast.indices.filter { fast[$0] != nil })
        #expect(exactDropped.count >= 390, "the twins (and nothing else) are duplicates")
        let recall = Double(exactDropped.intersection(fastDropped).count) / Double(exactDropped.count)
        // Theory: 1 - (1 - (1 - acos(c)/π)^16)^34 is 0.95 at c = 0.9 and 1.0 by c = 0.97.
        #expect(recall >= 0.95, "recall \(recall)")
        for (i, v) in fast.enumerated() {
            guard let v else { continue }
            #expect(v.score! >= 0.9 && v.other! < i, "every drop is checked exactly against an earlier row")
        }
    }
}
