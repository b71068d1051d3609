import Foundation
import Testing

@testable import Learn

/// Safetensors files and the metadata fewshot writes into its own checkpoints, mutated the way
/// a damaged or hostile file is: every case must load or throw `LearnError`, never trap on an
/// overflow, abort on an allocation or grow memory without bound. Bounded: a few seconds.
@Suite struct HostileCheckpointTests {
    static let config = GPTConfig(vocabSize: 11, layers: 2, heads: 2, width: 8, context: 6)

    /// A real checkpoint written by `Checkpoint.save`, and its header split out.
    func realFile() throws -> (bytes: [UInt8], header: [String: Any], data: [UInt8]) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint.save(try GPT(config: Self.config, seed: 1), to: url)
        let bytes = try Array(Data(contentsOf: url))
        let length = Int(bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        let header = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + length)])) as! [String: Any]
        return (bytes, header, Array(bytes[(8 + length)...]))
    }

    /// The file for `header` (serialised as is) and `data`.
    func file(_ header: [String: Any], _ data: [UInt8], lengthOverride: UInt64? = nil) throws -> [UInt8] {
        let json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        return withUnsafeBytes(of: (lengthOverride ?? UInt64(json.count)).littleEndian, Array.init) + Array(json) + data
    }

    /// Parses `bytes` as a file and, when that works, loads it as a model: true when refused
    /// with a `LearnError`.
    func refused(_ bytes: [UInt8]) -> Bool {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            try Data(bytes).write(to: url)
            _ = try Checkpoint.load(from: url)
            return false
        } catch let error as LearnError {
            #expect(!error.description.isEmpty)
            return true
        } catch {
            Issue.record("not a LearnError: \(error)")
            return true
        }
    }

    @Test func truncatedAndFlippedFilesAreRefused() throws {
        let (bytes, _, _) = try realFile()
        let headerEnd = 8 + Int(bytes[0]) + Int(bytes[1]) << 8
        // Every cut inside the length field, a cut every few bytes of the header (the JSON
        // breaks at each), and a spread of cuts in the data.
        var cuts = Array(0..<9) + Array(stride(from: 9, to: headerEnd, by: 7))
        cuts += stride(from: headerEnd, to: bytes.count, by: max(1, (bytes.count - headerEnd) / 64))
        for cut in cuts { #expect(refused(Array(bytes[..<cut])), "cut at \(cut)") }
        var rng = SystemRandomNumberGenerator()
        var survived = 0
        for _ in 0..<100 {
            var copy = bytes
            for _ in 0..<3 {
                let at = Int.random(in: 0..<headerEnd, using: &rng)
                copy[at] ^= UInt8.random(in: 1...255, using: &rng)
            }
            if !refused(copy) { survived += 1 }
        }
        print("safetensors fuzz: \(cuts.count) cuts refused, 100 flipped headers: \(100 - survived) refused, \(survived) loaded")
    }

    @Test func extremeHeaderLengthsAreRefused() throws {
        let (_, header, data) = try realFile()
        for length in [0, 1, 7, UInt64(Int32.max), 1 << 40, UInt64(Int64.max), UInt64.max] {
            #expect(refused(try file(header, data, lengthOverride: length)), "length \(length)")
        }
    }

    @Test func extremeShapesAndOffsetsAreRefused() throws {
        let (_, header, data) = try realFile()
        let huge: [Any] = [1 << 40, Int64.max, -1, 1.5, "7", NSNull(), [2], 1e300]
        for value in huge {
            for shape in [[value], [value, value], [1 << 20, 1 << 20, 1 << 20, 1 << 20], [1, 1, 1, 1, 1, 1, 1, 1, 1]] as [[Any]] {
                var h = header
                var entry = h["wte.weight"] as! [String: Any]
                entry["shape"] = shape
                h["wte.weight"] = entry
                #expect(refused(try file(h, data)), "shape \(shape)")
            }
            for offsets in [[0, value], [value, value], [value, 0], [0], [0, 1, 2]] as [[Any]] {
                var h = header
                var entry = h["wpe.weight"] as! [String: Any]
                entry["data_offsets"] = offsets
                h["wpe.weight"] = entry
                #expect(refused(try file(h, data)), "offsets \(offsets)")
            }
        }
        var h = header
        h["wte.weight"] = ["dtype": "F64", "shape": [1], "data_offsets": [0, 8]]
        #expect(refused(try file(h, data)))
        h["wte.weight"] = "not an object"
        #expect(refused(try file(h, data)))
        h = header
        h["__metadata__"] = ["fewshot.kind": 7]
        #expect(refused(try file(h, data)))
    }

    /// The sizes in `fewshot.config` (which fewshot itself writes) are checked against the
    /// tensors before a model is allocated: none of these may allocate more than the file holds.
    @Test func hostileConfigValuesAreRefusedBeforeAllocating() throws {
        let (_, header, data) = try realFile()
        let fields = ["vocabSize", "layers", "heads", "width", "context"]
        let values: [String] = [
            "1099511627776", "1000000000", "\(Int.max)", "-1", "0", "1e300", "\"12\"", "null", "1.5", "[]", "{}",
            "99999999999999999999999",
        ]
        var tried = 0
        for field in fields {
            for value in values {
                var config = ["vocabSize": 11, "layers": 2, "heads": 2, "width": 8, "context": 6].mapValues { "\($0)" }
                config[field] = value
                let json =
                    "{" + config.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
                var h = header
                var metadata = h["__metadata__"] as! [String: String]
                metadata["fewshot.config"] = json
                h["__metadata__"] = metadata
                #expect(refused(try file(h, data)), "\(field): \(value)")
                tried += 1
            }
        }
        for labels in ["[\"a\"]", "[" + Array(repeating: "\"x\"", count: 100_000).joined(separator: ",") + "]", "7", "\"a\""] {
            var h = header
            var metadata = h["__metadata__"] as! [String: String]
            metadata["fewshot.kind"] = "classifier"
            metadata["fewshot.labels"] = labels
            h["__metadata__"] = metadata
            #expect(refused(try file(h, data)), "labels \(labels.prefix(20))")
            tried += 1
        }
        print("checkpoint config cases: \(tried) refused")
    }

    @Test func theErrorNamesTheFileAndTheField() throws {
        let (_, header, data) = try realFile()
        var h = header
        var metadata = h["__metadata__"] as! [String: String]
        metadata["fewshot.config"] = "{\"context\":4096,\"heads\":2,\"layers\":2,\"vocabSize\":11,\"width\":8}"
        h["__metadata__"] = metadata
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("named-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(try file(h, data)).write(to: url)
        #expect {
            _ = try Checkpoint.load(from: url)
        } throws: { error in
            let text = "\(error)"
            return text.contains(url.lastPathComponent) && text.contains("'context'") && text.contains("wpe.weight")
        }
    }

    @Test func nonRegularFilesAreRefusedWithoutBlocking() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fifo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("x.gguf").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let safetensorsFIFO = folder.appendingPathComponent("x.safetensors").path
        #expect(mkfifo(safetensorsFIFO, 0o600) == 0)
        #expect { _ = try GGUFFile(path: fifo) } throws: { "\($0)".contains("named pipe (FIFO), not a regular file") }
        #expect { _ = try Checkpoint.load(from: URL(fileURLWithPath: safetensorsFIFO)) } throws: {
            "\($0)".contains("named pipe (FIFO)")
        }
        #expect { _ = try GGUFFile(path: folder.path) } throws: { "\($0)".contains("it is a folder") }
        #expect { _ = try GGUFFile(path: "/dev/zero") } throws: { "\($0)".contains("character device") }
    }
}
