import Foundation
import Tensor
import Testing

@testable import Learn

@Suite struct CheckpointTests {
    private func tempURL(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("fewshot-\(UUID().uuidString)-\(name)")
    }

    @Test func languageModelRoundTrips() throws {
        let model = try GPT(config: toyConfig, seed: 10)
        let url = tempURL("lm.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint.save(model, to: url)
        guard case .languageModel(let back) = try Checkpoint.load(from: url) else {
            Issue.record("expected a language model")
            return
        }
        #expect(back.config == model.config)
        for (a, b) in zip(model.namedParameters, back.namedParameters) {
            #expect(a.name == b.name)
            #expect(a.tensor.data == b.tensor.data)
        }
        let (_, metadata) = try Safetensors.read(from: url)
        #expect(metadata["fewshot.tokenizer"] == "byte")
        #expect(metadata["fewshot.kind"] == "gpt")
    }

    @Test func classifierRoundTrips() throws {
        let clf = try GPTClassifier(config: toyConfig, labels: ["a", "b", "c"], pooling: .mean, seed: 3)
        let url = tempURL("clf.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint.save(clf, to: url)
        guard case .classifier(let back) = try Checkpoint.load(from: url) else {
            Issue.record("expected a classifier")
            return
        }
        #expect(back.labels == ["a", "b", "c"])
        #expect(back.pooling == .mean)
        #expect(try back.predict("hello").probabilities == clf.predict("hello").probabilities)
    }

    /// The exact byte layout of the format, checked on a hand-built file.
    @Test func writesTheRealFormat() throws {
        let url = tempURL("x.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Safetensors.write([("a", .init(shape: [2], values: [1, -2]))], metadata: ["k": "v"], to: url)
        let bytes = try Data(contentsOf: url)
        let n = Int(bytes[0]) | Int(bytes[1]) << 8
        #expect(n % 8 == 0)
        let header = String(decoding: bytes[8..<(8 + n)], as: UTF8.self)
        #expect(header.hasPrefix(#"{"__metadata__":{"k":"v"},"a":{"data_offsets":[0,8],"dtype":"F32","shape":[2]}}"#))
        #expect(Array(bytes[(8 + n)...]) == [0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0])
        // No temporary file is left behind.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
            .filter { $0.contains(url.lastPathComponent + ".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func truncatedOrCorruptFilesThrowClearErrors() throws {
        let model = try GPT(config: toyConfig, seed: 11)
        let url = tempURL("t.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint.save(model, to: url)
        let good = try Data(contentsOf: url)
        for bad in [good.prefix(good.count - 10), good.prefix(5), good.prefix(100)] {
            try bad.write(to: url)
            #expect(throws: LearnError.self) { try Checkpoint.load(from: url) }
        }
        var garbled = good
        garbled[10] = 0xFF
        garbled[11] = 0x00
        try garbled.write(to: url)
        #expect(throws: LearnError.self) { try Checkpoint.load(from: url) }
        #expect(throws: LearnError.self) { try Checkpoint.load(from: tempURL("missing")) }
        do {
            try good.prefix(good.count - 10).write(to: url)
            _ = try Checkpoint.load(from: url)
        } catch {
            #expect("\(error)".contains("truncated"))
        }
    }

    @Test func halfPrecisionTensorsAreRead() throws {
        // Header for one F16 tensor [2] holding 1.0 and -2.0, and one BF16 holding 0.5.
        let json =
            #"{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[1],"data_offsets":[4,6]}}"#
        var data = Data()
        withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(json.utf8))
        data.append(contentsOf: [0x00, 0x3C, 0x00, 0xC0, 0x00, 0x3F])
        let (tensors, _) = try Safetensors.parse(data)
        #expect(tensors["h"]?.values == [1, -2])
        #expect(tensors["b"]?.values == [0.5])
    }
}
