import Foundation
import Testing

@testable import Learn

/// A mapped file gives pages back without losing a byte.
@Suite struct MappedFileTests {
    @Test func releasedPagesReadTheSameBytesAgain() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fewshot-mapped-\(UUID()).bin").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let content = (0..<(5 * 4096 + 123)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        try Data(content).write(to: URL(fileURLWithPath: path))
        let file = try MappedFile(path: path)
        let base = try #require(file.bytes.baseAddress)
        #expect(Array(file.bytes) == content)  // every page read in
        // Ranges that start and end inside pages, the whole file, and one smaller than a page.
        for (start, count) in [(100, 3 * 4096), (0, content.count), (4096 + 5, 10), (0, 0)] {
            file.releasePages(base + start, count: count)
            #expect(Array(file.bytes) == content, "after releasing \(count) bytes at \(start)")
        }
        // A range outside the file, and a copy in memory, are left alone.
        file.releasePages(base + content.count, count: 4096)
        let copy = MappedFile(copying: content)
        copy.releasePages(try #require(copy.bytes.baseAddress), count: content.count)
        #expect(Array(copy.bytes) == content)
    }
}
