import Foundation
import Testing

@testable import Tensor

/// `SwiGLU.apply`: silu(gate) * up, the same bits on every kernel path and thread count.
@Suite(.serialized) struct SwiGLUTests {
    /// Random gates and ups with the values where exp saturates or is special, `n` of them.
    static func inputs(_ n: Int, seed: UInt64) -> (gate: [Float], up: [Float]) {
        var gate = QuantizedKernelTests.randomInput(n, seed: seed).map { $0 * 12 }
        let special: [Float] = [0, -0.0, 88.8, -88.8, 104, -104, .infinity, -.infinity, .nan, 1e-30, -1e-30]
        for (i, s) in special.enumerated() where i < n { gate[i * 7 % n] = s }
        return (gate, QuantizedKernelTests.randomInput(n, seed: seed &+ 1))
    }

    static func apply(_ gate: [Float], _ up: [Float]) -> [UInt32] {
        var out = gate
        out.withUnsafeMutableBufferPointer { g in
            SwiGLU.apply(gate: g.baseAddress!, up: up, count: up.count)
        }
        return out.map(\.bitPattern)
    }

    /// Lengths around the 8-lane blocks and a run long enough to be split over threads.
    @Test func sameBitsOnEveryPathAndThreadCount() {
        for n in [1, 7, 8, 13, 40_003] {
            let (gate, up) = Self.inputs(n, seed: UInt64(n))
            let reference = KernelSettings.with(.portable, threads: 1) { Self.apply(gate, up) }
            KernelSettings.forEachPath(threads: [1, 2, 3]) { path, threads in
                #expect(Self.apply(gate, up) == reference, "\(n) values, \(path), \(threads) threads")
            }
        }
    }

    @Test func itIsSiluOfTheGateTimesUp() {
        let (gate, up) = Self.inputs(301, seed: 9)
        for path in KernelPath.available {
            let got = KernelSettings.with(path, threads: 1) { Self.apply(gate, up) }.map(Float.init(bitPattern:))
            for i in gate.indices where gate[i].isFinite {
                let g = Double(gate[i]), want = g / (1 + Foundation.exp(-g)) * Double(up[i])
                #expect(abs(Double(got[i]) - want) <= 1e-6 * max(1, abs(want)), "\(path): gate \(gate[i])")
            }
            #expect(got[gate.firstIndex(of: .infinity)!] == up[gate.firstIndex(of: .infinity)!] * .infinity)
            #expect(got[gate.firstIndex { $0.isNaN }!].isNaN)
        }
    }
}
