import CKernels
import Testing

@testable import Tensor

/// The quantised products give the same bits on every `KernelPath` and for every thread count
/// (issue 18): each follows one specification (`QuantizedDot`, `quantized_dot.h`).
@Suite struct QuantizedReproducibilityTests {
    static let types: [GGMLType] = [.f32, .f16, .q4_1, .q4_0, .q8_0]
    static let cases = types.flatMap { type in [ActivationFormat.float, .int8].map { (type, $0) } }

    /// `tokens` products of `matrices` (sharing x) on `path` with `threads` threads, as bits.
    static func products(
        _ matrices: [QuantizedMatrix], _ x: [Float], tokens: Int, activations: ActivationFormat, path: KernelPath,
        threads: Int
    ) -> [[UInt32]] {
        let ys = matrices.map { UnsafeMutableBufferPointer<Float>.allocate(capacity: tokens * $0.rows) }
        defer { ys.forEach { $0.deallocate() } }
        for y in ys { y.initialize(repeating: .nan) }
        QuantizedMatrix.multiply(
            matrices, x, tokens: tokens, into: ys.map { $0.baseAddress! }, threads: threads, activations: activations, path: path)
        return ys.map { $0.map(\.bitPattern) }
    }

    /// A random `rows` x `columns` matrix of `type` (F32 and F16 rows get a few extra columns, so
    /// that their length is not a multiple of 16) and `tokens` random inputs.
    static func withProblem(
        _ type: GGMLType, rows: Int, blocks: Int, tokens: Int, seed: UInt64, _ body: (QuantizedMatrix, [Float]) throws -> Void
    ) throws {
        let columns = 32 * blocks + (type == .f32 || type == .f16 ? 5 : 0)
        let bytes = QuantizedKernelTests.randomRows(type, rows: rows, columns: columns, seed: seed)
        let x = QuantizedKernelTests.randomInput(tokens * columns, seed: seed &+ 1)
        try bytes.withUnsafeBytes { raw in
            try body(try QuantizedMatrix(rows: rows, columns: columns, type: type, data: raw.baseAddress!, owner: nil), x)
        }
    }

    @Test(
        .enabled(if: CPUFeatures.hasAVX2FMA, "compares the AVX2 kernels with the portable path; this CPU has no AVX2/FMA/F16C"),
        arguments: cases)
    func avx2AndPortablePathsGiveTheSameBits(type: GGMLType, activations: ActivationFormat) throws {
        // Odd and prime sizes around 8 blocks (the Float partials); 37 rows end in a part tile of
        // the AVX2 int8 kernels' 8-row tiles, and 2...9 tokens fill their groups of 4 in every way;
        // 48 blocks by 45 tokens needs more than their 64 KiB of stack storage.
        let shapes =
            [1, 3, 7, 8, 9, 17, 18].flatMap { blocks in [1, 2, 3, 4, 5, 8, 9].map { (blocks, $0) } } + [(48, 45)]
        for (blocks, tokens) in shapes {
            let seed = UInt64(type.rawValue) * 10_000 + UInt64(blocks * 100 + tokens)
            try Self.withProblem(type, rows: 37, blocks: blocks, tokens: tokens, seed: seed) { w, x in
                let portable = Self.products([w], x, tokens: tokens, activations: activations, path: .portable, threads: 1)
                let avx2 = Self.products([w], x, tokens: tokens, activations: activations, path: .avx2, threads: 1)
                let differing = zip(portable[0], avx2[0]).filter { $0 != $1 }.count
                #expect(
                    differing == 0, "\(type) \(activations), \(blocks) blocks, \(tokens) tokens: \(differing) outputs differ")
            }
        }
    }

    /// The Float kernels of Q4_1, Q4_0 and Q8_0 rows for many tokens take them three at a time
    /// from a buffer of decoded rows: runs that end with one or two tokens left, and rows of
    /// 6400 values (too long for the buffer, so decoded in registers), give the portable bits.
    @Test(
        .enabled(if: CPUFeatures.hasAVX2FMA, "compares the AVX2 kernels with the portable path; this CPU has no AVX2/FMA/F16C"),
        arguments: [GGMLType.q4_1, .q4_0, .q8_0])
    func floatKernelsGiveThePortableBitsForEveryRunOfTokens(type: GGMLType) throws {
        for (blocks, tokens) in [(48, 7), (18, 11), (200, 5), (200, 1)] {
            try Self.withProblem(type, rows: 37, blocks: blocks, tokens: tokens, seed: UInt64(blocks * 100 + tokens)) { w, x in
                let portable = Self.products([w], x, tokens: tokens, activations: .float, path: .portable, threads: 1)
                let avx2 = Self.products([w], x, tokens: tokens, activations: .float, path: .avx2, threads: 1)
                let differing = zip(portable[0], avx2[0]).filter { $0 != $1 }.count
                #expect(differing == 0, "\(type), \(blocks) blocks, \(tokens) tokens: \(differing) outputs differ")
            }
        }
    }

    @Test(arguments: cases)
    func threadCountsGiveTheSameBits(type: GGMLType, activations: ActivationFormat) throws {
        // Two matrices of 260 rows: the threads claim pieces of each (the last one shorter, not
        // a multiple of 8). 61 tokens of 9 blocks are enough for the threads to share the
        // rounding of x too.
        for tokens in [5, 61] {
            try Self.withProblem(type, rows: 260, blocks: 9, tokens: tokens, seed: 99) { w, x in
                try Self.withProblem(type, rows: 260, blocks: 9, tokens: tokens, seed: 98) { w2, _ in
                    for path in KernelPath.available {
                        let one = Self.products(
                            [w, w2], x, tokens: tokens, activations: activations, path: path, threads: 1)
                        for threads in [2, 3, 8] {
                            let many = Self.products(
                                [w, w2], x, tokens: tokens, activations: activations, path: path, threads: threads)
                            #expect(many == one, "\(path) \(type) \(activations) \(tokens): \(threads) threads differ")
                        }
                    }
                }
            }
        }
    }

    @Test func rowPiecesCoverEveryRowOnceInRunsOfOneMatrix() {
        for rows in [[1], [64], [260, 260], [576, 192, 192], [3, 5000, 77], [49152]] {
            for threads in [1, 2, 3, 8] {
                let (pieces, parallel) = QuantizedMatrix.rowPieces(rows, threads: threads)
                #expect(parallel == (threads > 1 && rows.reduce(0, +) >= 128))
                for (m, count) in rows.enumerated() {
                    let mine = pieces.filter { $0.matrix == m }.map(\.rows)
                    #expect(mine.first?.lowerBound == 0 && mine.last?.upperBound == count, "\(rows) \(threads)")
                    #expect(zip(mine, mine.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
                    #expect(mine.allSatisfy { $0.lowerBound % 8 == 0 && !$0.isEmpty })
                }
                if parallel { #expect(pieces.count >= threads, "\(rows) \(threads): \(pieces.count) pieces") }
            }
        }
    }

    @Test func blockSumsAreEachBlocksSumInOrder() {
        let x: [Float] = (0..<(32 * 11)).map { (i: Int) -> Float in
            let magnitude = Float(1 << (i % 13))
            return Float((i * 7919) % 1001 - 500) * 0.37 * magnitude
        }
        x.withUnsafeBufferPointer { xb in
            for blocks in 0...11 {
                var sums = [Float](repeating: .nan, count: blocks)
                sums.withUnsafeMutableBufferPointer {
                    QuantizedDot.blockSums(xb.baseAddress!, blocks: blocks, into: $0.baseAddress!)
                }
                for b in 0..<blocks {
                    #expect(sums[b].bitPattern == QuantizedDot.sum(xb.baseAddress! + 32 * b, count: 32).bitPattern)
                }
            }
        }
    }

    /// The portable rounding of x to bytes equals `fewshot_quantize_q8`, ties, zeros, signed
    /// zeros, subnormals, infinities and NaN included.
    @Test(.enabled(if: CPUFeatures.hasAVX2FMA, "compares with the AVX2 rounding; this CPU has no AVX2/FMA/F16C"))
    func portableRoundingOfActivationsEqualsTheAVX2One() {
        let special: [Float] = [
            0, -0, 127, -127, 63.5, -63.5, 0.5, -0.5, 1.5, 2.5, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
            .greatestFiniteMagnitude, .infinity, -.infinity, .nan, 1e-30, -0x1p-128, 1, -1,
        ]
        // Blocks: random, all zero, ties (amax 127), each special value among ones, specials alone.
        var x = QuantizedKernelTests.randomInput(32 * 5, seed: 3)
        x += (0..<32).map { Float($0) - 15.5 } + [127] + (0..<31).map { Float($0) + 0.5 }
        for value in special {
            for at in [0, 13, 31] { x += (0..<32).map { $0 == at ? value : Float($0 % 3) - 1 } }
        }
        x += special + special.prefix(12)
        let blocks = x.count / 32
        #if arch(x86_64)
            var q1 = [Int8](repeating: 0, count: x.count), q2 = q1
            var s1 = [Float](repeating: 0, count: blocks), s2 = s1
            QuantizedDot.quantize(x, blocks: blocks, into: &q1, scales: &s1)
            fewshot_quantize_q8(x, blocks, &q2, &s2)
            for b in 0..<blocks {
                #expect(s1[b].bitPattern == s2[b].bitPattern, "block \(b): scale \(s1[b]) vs \(s2[b])")
                #expect(q1[(32 * b)..<(32 * b + 32)] == q2[(32 * b)..<(32 * b + 32)], "block \(b)")
            }
        #endif
    }
}
