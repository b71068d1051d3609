import Foundation
import Testing

@testable import Tensor

/// The AVX2/FMA row kernels of `CKernels` against the portable Swift path and the dequantised
/// weights, on random blocks of every type with a direct kernel.
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

    @Test(arguments: [
        (GGMLType.f32, 100), (.f32, 96), (.f16, 100), (.f16, 96), (.q4_1, 96), (.q4_0, 96), (.q8_0, 96), (.q4_1, 576),
    ])
    func avx2KernelsAgreeWithThePortablePath(type: GGMLType, columns: Int) throws {
        let rows = 67
        let bytes = Self.randomRows(type, rows: rows, columns: columns, seed: UInt64(type.rawValue) * 1000 + UInt64(columns))
        let x = (0..<columns).map { Float(($0 * 37) % 19) / 10 - 0.9 }
        try bytes.withUnsafeBytes { raw in
            let w = try QuantizedMatrix(rows: rows, columns: columns, type: type, data: raw.baseAddress!, owner: nil)
            var dense = [Float](repeating: 0, count: rows * columns)
            w.dequantizeRows(0..<rows, into: &dense)
            var portable = [Float](repeating: .nan, count: rows)
            w.multiplyRowsPortable(0..<rows, x, &portable)
            for r in 0..<rows {
                let want = (0..<columns).reduce(Float(0)) { $0 + dense[r * columns + $1] * x[$1] }
                #expect(abs(portable[r] - want) <= 1e-4 * max(1, abs(want)), "portable \(type) row \(r)")
            }
            #if arch(x86_64)
                guard CPUFeatures.hasAVX2FMA else {
                    print("QuantizedKernelTests: this CPU has no AVX2/FMA/F16C; only the portable path was checked")
                    return
                }
                var fast = [Float](repeating: .nan, count: rows)
                var part = [Float](repeating: .nan, count: rows)
                QuantizedMatrix.withInput(x, columns: columns, bytes: false) { input in
                    w.multiplyRowsAVX2(0..<rows, input, &fast)
                    // A sub-range too, so the kernels honour `first` and leave other rows alone.
                    w.multiplyRowsAVX2(5..<9, input, &part)
                }
                for r in 0..<rows {
                    #expect(
                        abs(fast[r] - portable[r]) <= 1e-5 * max(1, abs(portable[r])),
                        "\(type) row \(r): \(fast[r]) vs \(portable[r])")
                    #expect((5..<9).contains(r) ? part[r] == fast[r] : part[r].isNaN)
                }
            #endif
        }
    }

    /// 8-bit activations: each value moves by at most half a step (max|x_block| / 254), so a
    /// row's product moves by at most the sum over blocks of sum|w| times that step.
    @Test(arguments: [GGMLType.q4_1, .q4_0, .q8_0])
    func int8ActivationsStayWithinTheirRoundingBound(type: GGMLType) throws {
        #if arch(x86_64)
            guard CPUFeatures.hasAVX2FMA else {
                print("QuantizedKernelTests: this CPU has no AVX2/FMA/F16C; int8 activations are not used")
                return
            }
            let rows = 40, columns = 128
            let bytes = Self.randomRows(type, rows: rows, columns: columns, seed: 7)
            // Blocks of very different magnitudes, and one all-zero block.
            let x = (0..<columns).map { j in Float(sin(Double(j) * 1.7)) * [0.01, 1, 0, 30][j / 32] }
            try bytes.withUnsafeBytes { raw in
                let w = try QuantizedMatrix(rows: rows, columns: columns, type: type, data: raw.baseAddress!, owner: nil)
                var dense = [Float](repeating: 0, count: rows * columns)
                w.dequantizeRows(0..<rows, into: &dense)
                var exact = [Float](repeating: .nan, count: rows), rounded = [Float](repeating: .nan, count: rows)
                w.multiply(x, into: &exact, threads: 2, activations: .float)
                w.multiply(x, into: &rounded, threads: 2, activations: .int8)
                var moved = false
                for r in 0..<rows {
                    var bound: Float = 1e-4 * max(1, abs(exact[r]))
                    for b in 0..<(columns / 32) {
                        let step = x[(32 * b)..<(32 * b + 32)].map(abs).max()! / 254
                        bound += (0..<32).reduce(Float(0)) { $0 + abs(dense[r * columns + 32 * b + $1]) } * step * 1.001
                    }
                    #expect(abs(rounded[r] - exact[r]) <= bound, "\(type) row \(r): \(rounded[r]) vs \(exact[r]), bound \(bound)")
                    moved = moved || rounded[r] != exact[r]
                }
                #expect(moved, "the int8 path was not taken")
            }
        #endif
    }

    /// A batch of tokens in one call equals the tokens one by one, for both activation formats
    /// (the 8-bit kernels decode each block once per four tokens, with a tail of single tokens).
    @Test(arguments: [GGMLType.q4_1, .q4_0, .q8_0, .f16])
    func aBatchOfTokensEqualsTheTokensOneByOne(type: GGMLType) throws {
        let rows = 70, columns = 96, tokens = 7
        let bytes = Self.randomRows(type, rows: rows, columns: columns, seed: 11)
        let x = (0..<(tokens * columns)).map { Float(sin(Double($0) * 0.37)) * Float(1 + $0 % 5) }
        try bytes.withUnsafeBytes { raw in
            let w = try QuantizedMatrix(rows: rows, columns: columns, type: type, data: raw.baseAddress!, owner: nil)
            for activations in [ActivationFormat.float, .int8] {
                var batched = [Float](repeating: .nan, count: tokens * rows)
                batched.withUnsafeMutableBufferPointer { y in
                    QuantizedMatrix.multiply([w], x, tokens: tokens, into: [y.baseAddress!], threads: 2, activations: activations)
                }
                for t in 0..<tokens {
                    var single = [Float](repeating: .nan, count: rows)
                    x.withUnsafeBufferPointer { xb in
                        w.multiply(xb.baseAddress! + t * columns, into: &single, threads: 1, activations: activations)
                    }
                    #expect(Array(batched[(t * rows)..<((t + 1) * rows)]) == single, "\(type) \(activations) token \(t)")
                }
            }
        }
    }
}
