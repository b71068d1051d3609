import Testing

@testable import Tensor

/// The AVX2 8-bit-activation products read a matrix's rows rearranged once into tiles of 8 rows
/// (`Int8Tiles`); they must give the portable path's bits (`QuantizedDot.int8Rows`) for every
/// row range, ragged last tile and token count, and leave the rows outside the range alone.
@Suite struct Int8TilesTests {
    /// `tokens` outputs of rows `range` of `w` on `path` (outputs outside the range stay NaN), as bits.
    static func rows(_ w: QuantizedMatrix, _ range: Range<Int>, _ input: QuantizedInput, path: KernelPath) -> [UInt32] {
        var y = [Float](repeating: .nan, count: input.tokens * w.rows)
        y.withUnsafeMutableBufferPointer { w.multiplyRows(range, input, $0.baseAddress!, path: path) }
        return y.map(\.bitPattern)
    }

    @Test(
        .enabled(if: CPUFeatures.hasAVX2FMA, "compares the AVX2 kernels with the portable path; this CPU has no AVX2/FMA/F16C"),
        arguments: [GGMLType.q4_1, .q4_0, .q8_0])
    func tilesGiveThePortableBitsForEveryRangeAndTokenCount(type: GGMLType) throws {
        // 37 rows end in a tile of 5; ranges start at 0, at later tiles and inside tiles, and end
        // inside the last one. 3 blocks leave Float partials empty, 18 fill some twice; 1...9
        // tokens fill the groups of 4 in every way, 33 makes 9 groups.
        let ranges = [0..<37, 8..<37, 16..<24, 13..<29, 3..<6, 32..<37, 36..<37, 24..<33]
        for blocks in [3, 18] {
            for tokens in Array(1...9) + [33] {
                let seed = UInt64(type.rawValue) * 1000 + UInt64(blocks * 50 + tokens)
                try QuantizedReproducibilityTests.withProblem(type, rows: 37, blocks: blocks, tokens: tokens, seed: seed) {
                    w, x in
                    QuantizedMatrix.withInput(x, columns: w.columns, tokens: tokens, bytes: true, path: .portable) { input in
                        for range in ranges {
                            let portable = Self.rows(w, range, input, path: .portable)
                            let tiles = Self.rows(w, range, input, path: .avx2)
                            let differing = zip(portable, tiles).filter { $0 != $1 }.count
                            #expect(
                                differing == 0,
                                "\(type), \(blocks) blocks, \(tokens) tokens, rows \(range): \(differing) outputs differ")
                        }
                    }
                }
            }
        }
    }

    /// Tiles are built 4096 rows at a time: rows on both sides of that boundary, and a last
    /// tile of 5 rows after it, give the portable bits.
    @Test(
        .enabled(if: CPUFeatures.hasAVX2FMA, "compares the AVX2 kernels with the portable path; this CPU has no AVX2/FMA/F16C"),
        arguments: [GGMLType.q4_1, .q4_0, .q8_0])
    func matricesOfSeveralRunsOfRowsGiveThePortableBits(type: GGMLType) throws {
        try QuantizedReproducibilityTests.withProblem(type, rows: 4101, blocks: 1, tokens: 2, seed: 11) { w, x in
            QuantizedMatrix.withInput(x, columns: w.columns, tokens: 2, bytes: true, path: .portable) { input in
                for range in [0..<4101, 4090..<4101, 4096..<4101, 4000..<4098] {
                    let portable = Self.rows(w, range, input, path: .portable)
                    let differing = zip(portable, Self.rows(w, range, input, path: .avx2)).filter { $0 != $1 }.count
                    #expect(differing == 0, "\(type), rows \(range): \(differing) outputs differ")
                }
            }
        }
    }

    /// The first product of a matrix on several threads at once builds its tiles once (the
    /// others wait), and the threads' row ranges (here not multiples of 8) give the bits of one.
    @Test(
        .enabled(if: CPUFeatures.hasAVX2FMA, "compares the AVX2 kernels with the portable path; this CPU has no AVX2/FMA/F16C"),
        arguments: [GGMLType.q4_1, .q4_0, .q8_0])
    func aFirstProductOnManyThreadsBuildsTheTilesOnce(type: GGMLType) throws {
        try QuantizedReproducibilityTests.withProblem(type, rows: 261, blocks: 5, tokens: 3, seed: 7) { w, x in
            let many = QuantizedReproducibilityTests.products([w], x, tokens: 3, activations: .int8, path: .avx2, threads: 4)
            let portable = QuantizedReproducibilityTests.products(
                [w], x, tokens: 3, activations: .int8, path: .portable, threads: 1)
            let differing = zip(many[0], portable[0]).filter { $0 != $1 }.count
            #expect(differing == 0, "\(type): 4 threads on fresh tiles: \(differing) outputs differ from the portable path")
        }
    }
}
