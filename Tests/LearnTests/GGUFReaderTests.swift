import Foundation
import Tensor
import Testing

@testable import Learn

@Suite struct GGUFReaderTests {
    /// A small valid file: every metadata type, an f32 and a q8_0 tensor.
    static func sample(version: UInt32 = 3, alignment: Int = 32) -> GGUFBuilder {
        var b = GGUFBuilder()
        b.version = version
        b.alignment = alignment
        b.add("general.architecture", string: "llama")
        if alignment != 32 { b.add("general.alignment", uint32: UInt32(alignment)) }
        b.add("u8", type: 0, [200])
        b.add("i8", type: 1, [0xFE])
        b.add("u16", type: 2, GGUFBuilder.le(UInt16(60000)))
        b.add("i16", type: 3, GGUFBuilder.le(Int16(-300)))
        b.add("u32", type: 4, GGUFBuilder.le(UInt32(4_000_000_000)))
        b.add("i32", type: 5, GGUFBuilder.le(Int32(-7)))
        b.add("f32", type: 6, GGUFBuilder.le(Float(1.5).bitPattern))
        b.add("bool", type: 7, [1])
        b.add("u64", type: 10, GGUFBuilder.le(UInt64(1) << 40))
        b.add("i64", type: 11, GGUFBuilder.le(Int64(-1) << 40))
        b.add("f64", type: 12, GGUFBuilder.le(Double(2.25).bitPattern))
        b.add(
            "strings", type: 9,
            GGUFBuilder.le(UInt32(8)) + GGUFBuilder.le(UInt64(2)) + GGUFBuilder.str("a b") + GGUFBuilder.str("é"))
        b.add(
            "nested", type: 9,
            GGUFBuilder.le(UInt32(9)) + GGUFBuilder.le(UInt64(1))
                + GGUFBuilder.le(UInt32(5)) + GGUFBuilder.le(UInt64(2)) + GGUFBuilder.le(Int32(3)) + GGUFBuilder.le(Int32(-4)))
        let f32: [Float] = [1, -2, 3.5, 0.25, 8, 9]
        b.tensors.append(("w.f32", [3, 2], 0, f32.flatMap { GGUFBuilder.le($0.bitPattern) }))
        // One q8_0 block: scale 0.5, values -16...15.
        let q8: [UInt8] = GGUFBuilder.le(Float16(0.5).bitPattern) + (0..<32).map { UInt8(bitPattern: Int8($0 - 16)) }
        b.tensors.append(("w.q8", [32], 8, q8))
        return b
    }

    @Test(arguments: [UInt32(2), 3])
    func readsEveryMetadataTypeAndTensor(version: UInt32) throws {
        let file = try GGUFFile(bytes: Self.sample(version: version).bytes())
        #expect(file.version == version)
        #expect(file["general.architecture"]?.string == "llama")
        #expect(file["u8"] == .uint8(200))
        #expect(file["i8"] == .int8(-2))
        #expect(file["u16"]?.int == 60000)
        #expect(file["i16"]?.int == -300)
        #expect(file["u32"]?.int == 4_000_000_000)
        #expect(file["i32"]?.int == -7)
        #expect(file["f32"]?.double == 1.5)
        #expect(file["bool"]?.bool == true)
        #expect(file["u64"]?.int == 1 << 40)
        #expect(file["i64"]?.int == -(1 << 40))
        #expect(file["f64"]?.double == 2.25)
        #expect(try file.strings("strings") == ["a b", "é"])
        #expect(file["nested"] == .array([.array([.int32(3), .int32(-4)])]))
        #expect(file.metadata.map(\.key).first == "general.architecture")
        let w = try file.tensor("w.f32")
        #expect(w.shape == [3, 2] && w.rowLength == 3 && w.rows == 2 && w.type == .f32)
        #expect(try file.floats("w.f32") == [1, -2, 3.5, 0.25, 8, 9])
        #expect(try file.floats("w.q8") == (0..<32).map { Float($0 - 16) * 0.5 })
        #expect(throws: GGUFError.missingTensor("nope")) { try file.tensor("nope") }
        #expect(throws: GGUFError.missingKey("u8x")) { try file.int("u8x") }
    }

    @Test func honoursCustomAlignment() throws {
        let file = try GGUFFile(bytes: Self.sample(alignment: 64).bytes())
        #expect(file.alignment == 64)
        #expect(try file.tensor("w.f32").fileOffset % 64 == 0)
        #expect(try file.floats("w.q8")[31] == 7.5)
    }

    @Test func rejectsBadMagicAndVersion() {
        var bytes = Self.sample().bytes()
        bytes[0] = UInt8(ascii: "X")
        #expect(throws: GGUFError.notGGUF) { try GGUFFile(bytes: bytes) }
        #expect(throws: GGUFError.unsupportedVersion(1)) { try GGUFFile(bytes: Self.sample(version: 1).bytes()) }
        #expect(throws: GGUFError.notGGUF) { try GGUFFile(bytes: [0x47, 0x47]) }
    }

    @Test func everyTruncationThrowsAClearError() {
        let bytes = Self.sample().bytes()
        for length in stride(from: 0, to: bytes.count, by: 1) {
            do {
                _ = try GGUFFile(bytes: Array(bytes[..<length]))
                Issue.record("a file cut at \(length) of \(bytes.count) bytes parsed")
            } catch let error as GGUFError {
                #expect(!error.description.isEmpty)
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }

    @Test func rejectsUnknownTypesAndBadLayouts() {
        var b = Self.sample()
        b.add("weird", type: 42, [0])
        #expect(throws: GGUFError.unknownValueType(key: "weird", code: 42)) { try GGUFFile(bytes: b.bytes()) }

        b = Self.sample()
        b.tensors.append(("w.iq", [256], 99, [UInt8](repeating: 0, count: 64)))
        #expect(throws: GGUFError.unsupportedTensorType(tensor: "w.iq", type: "type99")) { try GGUFFile(bytes: b.bytes()) }

        b = Self.sample()
        b.tensors.append(("w.q4", [33], 3, [UInt8](repeating: 0, count: 40)))
        #expect(throws: GGUFError.self) { try GGUFFile(bytes: b.bytes()) }

        b = Self.sample()
        b.add("general.alignment", uint32: 24)
        #expect(throws: GGUFError.malformed("general.alignment must be a power of two")) { try GGUFFile(bytes: b.bytes()) }

        b = Self.sample()
        b.add("u8", type: 0, [1])
        #expect(throws: GGUFError.malformed("duplicate metadata key 'u8'")) { try GGUFFile(bytes: b.bytes()) }
    }

    @Test func reportsUndecodableTypesByName() throws {
        var b = Self.sample()
        b.tensors.append(("w.q8_1", [32], 9, [UInt8](repeating: 0, count: 36)))
        let file = try GGUFFile(bytes: b.bytes())
        #expect(throws: GGUFError.unsupportedTensorType(tensor: "w.q8_1", type: "q8_1")) { try file.floats("w.q8_1") }
    }

    /// Seeded fuzzing: random byte flips, insertions and huge counts must throw, never crash.
    @Test func fuzzedHeadersNeverCrash() {
        var rng = GGUFFuzzRNG(seed: 0x6767_7566)
        let original = Self.sample().bytes()
        var parsed = 0, rejected = 0
        for _ in 0..<3000 {
            var bytes = original
            for _ in 0..<(1 + Int(rng.next() % 4)) {
                let at = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 4 {
                case 0: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
                case 1: bytes[at] ^= 0x80
                case 2: bytes.removeSubrange(at..<min(bytes.count, at + Int(rng.next() % 9)))
                default: bytes[at] = 0xFF
                }
                if bytes.isEmpty { break }
            }
            do {
                let file = try GGUFFile(bytes: bytes)
                for t in file.tensors where t.type.canDequantize { _ = try? file.floats(t.name) }
                parsed += 1
            } catch is GGUFError {
                rejected += 1
            } catch {
                Issue.record("non-GGUF error \(error)")
            }
        }
        #expect(parsed + rejected == 3000)
        #expect(rejected > 1000)
    }

    @Test func halfConversionIsExactForEveryBitPattern() {
        var mismatches = 0
        for bits in 0...0xFFFF {
            let got = halfToFloat(UInt16(bits)), want = Float(Float16(bitPattern: UInt16(bits)))
            if !(got == want || (got.isNaN && want.isNaN)) || got.sign != want.sign { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    @Test func dequantisationMatchesGGMLReference() throws {
        let data = try Data(contentsOf: LlamaFixtures.folder.appendingPathComponent("dequant.json"))
        let cases = try JSONDecoder().decode([String: DequantCase].self, from: data)
        let types: [String: GGMLType] = [
            "f16": .f16, "bf16": .bf16, "q4_0": .q4_0, "q4_1": .q4_1, "q5_0": .q5_0, "q5_1": .q5_1,
            "q8_0": .q8_0, "q2_K": .q2_K, "q3_K": .q3_K, "q4_K": .q4_K, "q5_K": .q5_K, "q6_K": .q6_K,
        ]
        #expect(cases.count == types.count)
        for (name, c) in cases {
            let type = try #require(types[name])
            let raw = c.rawBytes
            var out = [Float](repeating: .nan, count: c.values.count)
            try raw.withUnsafeBytes { src in
                try Dequantize.row(type, from: src.baseAddress!, count: out.count, into: &out)
            }
            for (i, (got, want)) in zip(out, c.values).enumerated() where abs(got - want) > 1e-6 * max(1, abs(want)) {
                Issue.record("\(name)[\(i)]: \(got) != \(want)")
                break
            }
        }
    }

    @Test(.enabled(if: LlamaFixtures.modelPath != nil, "SmolLM2 model not installed (run scripts/setup)"))
    func readsTheSmolLM2Model() throws {
        let file = try GGUFFile(path: LlamaFixtures.modelPath!)
        #expect(file.version == 3)
        #expect(try file.string("general.architecture") == "llama")
        #expect(try file.int("llama.block_count") == 30)
        #expect(try file.strings("tokenizer.ggml.tokens").count == 49152)
        #expect(file.tensors.count == 272)
        let embedding = try file.tensor("token_embd.weight")
        #expect(embedding.shape == [576, 49152] && embedding.type == .q8_0)
        #expect(try file.tensor("blk.0.attn_q.weight").type == .q4_1)
        let norm = try file.floats("output_norm.weight")
        #expect(norm.count == 576 && norm.allSatisfy(\.isFinite))
        #expect(throws: GGUFError.self) { try GGUFFile(path: "/nonexistent/model.gguf") }
    }
}

struct DequantCase: Decodable {
    let bytes: String
    let values: [Float]
    var rawBytes: [UInt8] {
        var out: [UInt8] = []
        var it = bytes.utf8.makeIterator()
        func nibble(_ c: UInt8) -> UInt8 { c <= 57 ? c - 48 : c - 87 }
        while let hi = it.next(), let lo = it.next() { out.append(nibble(hi) << 4 | nibble(lo)) }
        return out
    }
}

/// A tiny deterministic generator for seeded tests.
struct GGUFFuzzRNG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
