import Foundation
import Testing

@testable import Tensor

/// The row kernels of every `KernelPath` against the dequantised weights, on random blocks of
/// every type with a direct kernel (`QuantizedReproducibilityTests` compares their bits).
@Suite struct QuantizedKernelTests {
    /// `rows` rows of random `type` blocks for `columns` inputs (scales as halves, like GGUF).
    static func randomRows(_ type: GGMLType, rows: Int, columns: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        func next() -> UInt64 {  // SplitMix64
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        func unit() -> Float { Float(next() >> 40) / Float(1 << 24) * 2 - 1 }
        func half(_ value: Float) -> [UInt8] {
            let bits = Float16(value).bitPattern
            return [UInt8(bits & 0xFF), UInt8(bits >> 8)]
        }
        var bytes: [UInt8] = []
        if type == .f32 {
            for _ in 0..<(rows * columns) { withUnsafeBytes(of: unit()) { bytes += $0 } }
            return bytes
        }
        if type == .f16 { return (0..<(rows * columns)).flatMap { _ in half(unit()) } }
        for _ in 0..<(rows * columns / 32) {
            switch type {
            case .q4_1: bytes += half(unit() * 0.1) + half(unit()) + (0..<16).map { _ in UInt8(truncatingIfNeeded: next()) }
            case .q4_0: bytes += half(unit() * 0.1) + (0..<16).map { _ in UInt8(truncatingIfNeeded: next()) }
            default: bytes += half(unit() * 0.01) + (0..<32).map { _ in UInt8(truncatingIfNeeded: next()) }
            }
        }
        return bytes
    }

    /// `count` random Floats in blocks of 32 of very different magnitudes (an all-zero block
    /// among them), so that the 8-bit rounding meets every kind of block.
    static func randomInput(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<count).map { j in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let unit = Float(state >> 40) / Float(1 << 24) * 2 - 1
            return unit * [1, 0.01, 30, 0, 3][(j / 32) % 5]
        }
    }

    /// The rows' products with the dequantised weights in Double, (tokens, rows).
    static func reference(_ w: QuantizedMatrix, _ x: [Float], tokens: Int) -> [Double] {
        var dense = [Float](repeating: 0, count: w.rows * w.columns)
        w.dequantizeRows(0..<w.rows, into: &dense)
        var y = [Double](repeating: 0, count: tokens * w.rows)
        for t in 0..<tokens {
            for r in 0..<w.rows {
                var s = 0.0
                for j in 0..<w.columns { s += Double(dense[r * w.columns + j]) * Double(x[t * w.columns + j]) }
                y[t * w.rows + r] = s
            }
        }
        return y
    }

    /// Float activations: every path's products are within rounding of the Double reference,
    /// and rows of a sub-range leave the others alone.
    @Test(arguments: [
        (GGMLType.f32, 100), (.f32, 96), (.f16, 100), (.f16, 96), (.q4_1, 96), (.q4_0, 96), (.q8_0, 96), (.q4_1, 576),
    ])
    func floatProductsAreAccurate(type: GGMLType, columns: Int) throws {
        let rows = 67
        let bytes = Self.randomRows(type, rows: rows, columns: columns, seed: UInt64(type.rawValue) * 1000 + UInt64(columns))
        let x = (0..<columns).map { Float(($0 * 37) % 19) / 10 - 0.9 }
        try bytes.withUnsafeBytes { raw in
            let w = try QuantizedMatrix(rows: rows, columns: columns, type: type, data: raw.baseAddress!, owner: nil)
            let want = Self.reference(w, x, tokens: 1)
            for path in KernelPath.available {
                var y = [Float](repeating: .nan, count: rows)
                var part = [Float](repeating: .nan, count: rows)
                QuantizedMatrix.withInput(x, columns: columns, bytes: false, path: path) { input in
                    w.multiplyRows(0..<rows, input, &y, path: path)
                    w.multiplyRows(5..<9, input, &part, path: path)
                }
                for r in 0..<rows {
                    #expect(abs(Double(y[r]) - want[r]) <= 1e-5 * max(1, abs(want[r])), "\(path) \(type) row \(r)")
                    #expect((5..<9).contains(r) ? part[r] == y[r] : part[r].isNaN, "\(path) \(type) row \(r)")
                }
            }
        }
    }

    /// 8-bit activations: each value moves by at most half a step (max|x_block| / 254), so a
    /// row's product moves by at most the sum over blocks of sum|w| times that step.
    @Test(arguments: [GGMLType.q4_1, .q4_0, .q8_0], [128, 576, 1536])
    func int8ActivationsStayWithinTheirRoundingBound(type: GGMLType, columns: Int) throws {
        let rows = 40, tokens = 5
        let bytes = Self.randomRows(type, rows: rows, columns: columns, seed: 7)
        // Blocks of very different magnitudes, and all-zero blocks; each token differently.
        let x = (0..<(tokens * columns)).map { i in
            let j = i % columns, t = i / columns
            return Float(sin(Double(j) * 1.7 + Double(t))) * [0.01, 1, 0, 30][(j / 32 + t) % 4]
        }
        try bytes.withUnsafeBytes { raw in
            let w = try QuantizedMatrix(rows: rows, columns: columns, type: type, data: raw.baseAddress!, owner: nil)
            var dense = [Float](repeating: 0, count: rows * columns)
            w.dequantizeRows(0..<rows, into: &dense)
            let exact = Self.reference(w, x, tokens: tokens)
            for path in KernelPath.available {
                var rounded = [Float](repeating: .nan, count: tokens * rows)
                rounded.withUnsafeMutableBufferPointer { y in
                    QuantizedMatrix.multiply(
                        [w], x, tokens: tokens, into: [y.baseAddress!], threads: 2, activations: .int8, path: path)
                }
                var moved = false
                for t in 0..<tokens {
                    for r in 0..<rows {
                        let want = exact[t * rows + r]
                        var bound = 1e-5 * max(1, abs(want))
                        for b in 0..<(columns / 32) {
                            let block = (t * columns + 32 * b)..<(t * columns + 32 * b + 32)
                            let step = Double(x[block].map(abs).max()!) / 254
                            bound += (0..<32).reduce(0.0) { $0 + Double(abs(dense[r * columns + 32 * b + $1])) } * step * 1.001
                        }
                        let error = abs(Double(rounded[t * rows + r]) - want)
                        #expect(error <= bound, "\(path) \(type) token \(t) row \(r): \(rounded[t * rows + r]) vs \(want)")
                        moved = moved || error > 1e-5 * max(1, abs(want))
                    }
                }
                #expect(moved, "\(path): the int8 path was not taken")
            }
        }
    }

    /// A batch of tokens in one call equals the tokens one by one, for both activation formats
    /// on every path (the 8-bit AVX2 kernels meet each row with four tokens at a time, with a tail of
    /// single tokens).
    @Test(arguments: [GGMLType.q4_1, .q4_0, .q8_0, .f16])
    func aBatchOfTokensEqualsTheTokensOneByOne(type: GGMLType) throws {
        let rows = 70, columns = 96, tokens = 7
        let bytes = Self.randomRows(type, rows: rows, columns: columns, seed: 11)
        let x = (0..<(tokens * columns)).map { Float(sin(Double($0) * 0.37)) * Float(1 + $0 % 5) }
        try bytes.withUnsafeBytes { raw in
            let w = try QuantizedMatrix(rows: rows, columns: columns, type: type, data: raw.baseAddress!, owner: nil)
            for path in KernelPath.available {
                for activations in [ActivationFormat.float, .int8] {
                    var batched = [Float](repeating: .nan, count: tokens * rows)
                    batched.withUnsafeMutableBufferPointer { y in
                        QuantizedMatrix.multiply(
                            [w], x, tokens: tokens, into: [y.baseAddress!], threads: 2, activations: activations, path: path)
                    }
                    for t in 0..<tokens {
                        var single = [Float](repeating: .nan, count: rows)
                        x.withUnsafeBufferPointer { xb in
                            single.withUnsafeMutableBufferPointer { y in
                                QuantizedMatrix.multiply(
                                    [w], xb.baseAddress! + t * columns, into: [y.baseAddress!], threads: 1,
                                    activations: activations, path: path)
                            }
                        }
                        #expect(
                            Array(batched[(t * rows)..<((t + 1) * rows)]) == single, "\(path) \(type) \(activations) token \(t)")
                    }
                }
            }
        }
    }
}
