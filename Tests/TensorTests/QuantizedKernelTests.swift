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
        for _ in 0..<(rows * columns / 32) {
            switch type {
            case .q4_1: bytes += half(unit() * 0.1) + half(unit()) + (0..<16).map { _ in UInt8(truncatingIfNeeded: next()) }
            case .q4_0: bytes += half(unit() * 0.1) + (0..<16).map { _ in UInt8(truncatingIfNeeded: next()) }
            default: bytes += half(unit() * 0.01) + (0..<32).map { _ in UInt8(truncatingIfNeeded: next()) }
            }
        }
        return bytes
    }

    @Test(arguments: [(GGMLType.f32, 100), (.f32, 96), (.q4_1, 96), (.q4_0, 96), (.q8_0, 96), (.q4_1, 576)])
    func avx2KernelsAgreeWithThePortablePath(type: GGMLType, columns: Int) throws {
        let rows = 67
        let bytes = Self.randomRows(type, rows: rows, columns: columns, seed: UInt64(type.rawValue) * 1000 + UInt64(columns))
        let x = (0..<columns).map { Float(($0 * 37) % 19) / 10 - 0.9 }
        let blockSums = (0..<(columns / 32)).map { b in x[(32 * b)..<(32 * b + 32)].reduce(0, +) }
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
                // A sub-range too, so the kernels honour `first` and leave other rows alone.
                w.multiplyRowsAVX2(0..<rows, x, blockSums: blockSums, &fast)
                var part = [Float](repeating: .nan, count: rows)
                w.multiplyRowsAVX2(5..<9, x, blockSums: blockSums, &part)
                for r in 0..<rows {
                    #expect(
                        abs(fast[r] - portable[r]) <= 1e-5 * max(1, abs(portable[r])),
                        "\(type) row \(r): \(fast[r]) vs \(portable[r])")
                    #expect((5..<9).contains(r) ? part[r] == fast[r] : part[r].isNaN)
                }
            #endif
        }
    }
}
