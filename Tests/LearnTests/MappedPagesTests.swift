import Foundation
import Testing

@testable import Learn
@testable import Tensor

/// A matrix mapped from a file gives its rows' pages back once the tiles of its 8-bit-activation
/// products are built (`ReloadableBytes`), and whatever reads the rows later gets the file's
/// bytes again.
@Suite struct MappedPagesTests {
    /// The resident kB of the mapping that holds `address`, from /proc/self/smaps.
    static func residentKB(at address: UnsafeRawPointer) throws -> Int? {
        let target = UInt(bitPattern: address)
        var inside = false
        // Read to the end: /proc files report a size of 0.
        let smaps = try #require(FileHandle(forReadingAtPath: "/proc/self/smaps")).readDataToEndOfFile()
        for line in String(decoding: smaps, as: UTF8.self).split(separator: "\n") {
            if let dash = line.firstIndex(of: "-"), let space = line.firstIndex(of: " "), dash < space,
                let low = UInt(line[..<dash], radix: 16), let high = UInt(line[line.index(after: dash)..<space], radix: 16)
            {
                inside = low <= target && target < high
            } else if inside && line.hasPrefix("Rss:") {
                return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
            }
        }
        return nil
    }

    /// `tokens` products of `w` with `x`.
    static func products(_ w: QuantizedMatrix, _ x: [Float], tokens: Int, _ activations: ActivationFormat) -> [Float] {
        var y = [Float](repeating: .nan, count: tokens * w.rows)
        y.withUnsafeMutableBufferPointer {
            QuantizedMatrix.multiply([w], x, tokens: tokens, into: [$0.baseAddress!], threads: 1, activations: activations)
        }
        return y
    }

    @Test(.enabled(if: CPUFeatures.hasAVX2FMA, "only the AVX2 products build tiles; this CPU has no AVX2/FMA/F16C"))
    func releasedRowsAreReadAgainFromTheFile() throws {
        // 300 Q8_0 rows of 2 blocks (68 bytes each): 20,400 bytes, 5 pages.
        let rows = 300, columns = 64
        var bytes: [UInt8] = []
        for block in 0..<(rows * 2) {
            let d = Float16(Float(block % 7 + 1) * 0.01).bitPattern
            bytes += [UInt8(d & 0xFF), UInt8(d >> 8)] + (0..<32).map { UInt8(truncatingIfNeeded: ($0 * 37 + block * 11) % 251) }
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fewshot-pages-\(UUID().uuidString)")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let file = try MappedFile(path: url.path)
        let base = try #require(file.bytes.baseAddress)
        let mapped = try QuantizedMatrix(rows: rows, columns: columns, type: .q8_0, data: base, owner: file)
        let x = (0..<(3 * columns)).map { Float(($0 * 13) % 17) - 8 }

        #expect(file.bytes.reduce(0) { $0 &+ Int($1) } > 0)  // every page read
        #expect(try Self.residentKB(at: base) ?? 0 > 0)
        let int8 = Self.products(mapped, x, tokens: 3, .int8)  // builds the tiles
        #expect(try Self.residentKB(at: base) == 0, "the rows' pages stay resident after the tiles are built")
        let float = Self.products(mapped, x, tokens: 3, .float)  // reads the rows again
        var decoded = [Float](repeating: 0, count: rows * columns)
        mapped.dequantizeRows(0..<rows, into: &decoded)
        try bytes.withUnsafeBytes { raw in
            let copy = try QuantizedMatrix(rows: rows, columns: columns, type: .q8_0, data: raw.baseAddress!, owner: nil)
            #expect(int8 == Self.products(copy, x, tokens: 3, .int8))
            #expect(float == Self.products(copy, x, tokens: 3, .float))
            var expected = [Float](repeating: 0, count: rows * columns)
            copy.dequantizeRows(0..<rows, into: &expected)
            #expect(decoded == expected)
        }
    }
}
