import Foundation
import Tensor
import Testing

@testable import Learn

/// Builds GGUF files in memory for the reader tests.
struct GGUFBuilder {
    var version: UInt32 = 3
    var metadata: [(String, UInt32, [UInt8])] = []
    var tensors: [(name: String, shape: [UInt64], type: UInt32, data: [UInt8])] = []
    var alignment = 32

    static func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    static func str(_ s: String) -> [UInt8] { le(UInt64(s.utf8.count)) + Array(s.utf8) }

    mutating func add(_ key: String, type: UInt32, _ payload: [UInt8]) { metadata.append((key, type, payload)) }
    mutating func add(_ key: String, string: String) { add(key, type: 8, Self.str(string)) }
    mutating func add(_ key: String, uint32: UInt32) { add(key, type: 4, Self.le(uint32)) }

    func bytes() -> [UInt8] {
        var out: [UInt8] = Array("GGUF".utf8) + Self.le(version)
        out += Self.le(UInt64(tensors.count)) + Self.le(UInt64(metadata.count))
        for (key, type, payload) in metadata { out += Self.str(key) + Self.le(type) + payload }
        var offset = 0
        var offsets: [Int] = []
        for t in tensors {
            offsets.append(offset)
            offset = (offset + t.data.count + alignment - 1) / alignment * alignment
        }
        for (t, o) in zip(tensors, offsets) {
            out += Self.str(t.name) + Self.le(UInt32(t.shape.count))
            for d in t.shape { out += Self.le(d) }
            out += Self.le(t.type) + Self.le(UInt64(o))
        }
        while out.count % alignment != 0 { out.append(0) }
        for (i, t) in tensors.enumerated() {
            out += t.data
            while i < tensors.count - 1 && out.count % alignment != 0 { out.append(0) }
        }
        return out
    }
}

/// The test fixtures folder of the llama tests.
enum LlamaFixtures {
    static var folder: URL { Bundle.module.resourceURL!.appendingPathComponent("Fixtures/llama") }

    /// Whether full-model decoding is affordable: the tests were compiled with optimisation, or
    /// the quantised products run in the AVX2 kernels (C, optimised even in debug builds).
    static var decodingIsAffordable: Bool {
        #if DEBUG
            return CPUFeatures.hasAVX2FMA
        #else
            return true
        #endif
    }

    /// The offline SmolLM2 model, when installed.
    static var modelPath: String? {
        let home =
            ProcessInfo.processInfo.environment["FEWSHOT_HOME"]
            ?? (NSHomeDirectory() + "/.cache/fewshot")
        let path = home + "/models/SmolLM2-135M-Instruct.Q4_1.gguf"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
}
