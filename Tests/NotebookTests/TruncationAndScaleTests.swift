import Foundation
import Testing

@testable import Notebook

/// A notebook cut short anywhere is refused (format 2.0's end line), 1.x notebooks still read,
/// hostile mutations of the shipped notebooks give a result or a `NotebookError` in bounded
/// time, and reading scales linearly with the number of cells.
@Suite struct TruncationTests {
    static let notebooksFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("notebooks")

    /// A small notebook of every block kind, in the current format.
    func sample() throws -> [UInt8] {
        var notebook = Notebook(metadata: NotebookMetadata(fewshotVersion: "0.1.0"))
        try notebook.append(Cell(id: "t", kind: .text, source: "# Title"))
        try notebook.append(
            Cell(
                id: "a", kind: .code, source: "print(1)", outputs: [.stream(.stdout, "1\n"), .png([1, 2, 3])], executionCount: 1))
        try notebook.append(
            Cell(id: "b", kind: .code, source: "x", outputs: [.error(message: "boom", diagnostic: "d\n")], executionCount: 2))
        notebook.teacherRecording = TeacherRecording(content: Array("{\"a\":1}\n{\"b\":2}\n".utf8))
        return try notebook.fsnb()
    }

    @Test func everyProperPrefixIsRefusedAsTruncated() throws {
        let bytes = try sample()
        #expect(try Notebook(fsnb: bytes).cells.count == 3)
        var truncatedMessages = 0
        for cut in 0..<bytes.count {
            do {
                _ = try Notebook(fsnb: Array(bytes[..<cut]), path: "cut.fsnb")
                Issue.record("a notebook cut at byte \(cut) of \(bytes.count) was accepted")
            } catch {
                if "\(error)".contains("truncated") { truncatedMessages += 1 }
            }
        }
        // Cuts at line and block boundaries (where every line is well formed) say "truncated".
        #expect(truncatedMessages >= bytes.filter { $0 == 0x0A }.count - 2)
        let boundary = try #require(String(decoding: bytes, as: UTF8.self).range(of: "\n=== code id=b"))
        let cut = Array(
            bytes[
                ..<(String(decoding: bytes, as: UTF8.self).utf8.distance(
                    from: String(decoding: bytes, as: UTF8.self).startIndex, to: boundary.lowerBound) + 1)])
        #expect {
            _ = try Notebook(fsnb: cut, path: "cut.fsnb")
        } throws: { error in
            "\(error)".contains("cut.fsnb:") && "\(error)".contains("ends without its '=== end' line: the file is truncated")
        }
    }

    @Test func textAfterTheEndLineIsRefused() throws {
        let bytes = try sample()
        for extra in ["\n", "x\n", "=== end\n", "\n=== code id=z\n"] {
            #expect(throws: NotebookError.self) { _ = try Notebook(fsnb: bytes + Array(extra.utf8)) }
        }
    }

    @Test func version1NotebooksStillReadAndSaveAs2() throws {
        let old = Array("fsnb 1.0\nseed: 1\n\n=== code id=a count=1\n| print(1)\n--- stream stdout\n| 1\n|\n".utf8)
        let notebook = try Notebook(fsnb: old)
        #expect(notebook.formatVersion == FormatVersion(major: 1, minor: 0))
        #expect(notebook.cells.count == 1)
        let saved = try notebook.fsnb()
        #expect(
            String(decoding: saved, as: UTF8.self)
                == "fsnb 2.0\nseed: 1\n\n=== code id=a count=1\n| print(1)\n--- stream stdout\n| 1\n|\n\n=== end\n")
        // In 1.x, '=== end' is no block at all.
        #expect(throws: NotebookError.self) { _ = try Notebook(fsnb: old + Array("\n=== end\n".utf8)) }
    }

    @Test func shippedNotebooksAreComplete() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.notebooksFolder.path).filter {
            $0.hasSuffix(".fsnb")
        }
        #expect(!files.isEmpty)
        for file in files {
            let path = Self.notebooksFolder.appendingPathComponent(file).path
            let notebook = try Notebook.load(from: path)
            #expect(notebook.formatVersion.requiresEndLine, "\(file) should be saved in format \(FormatVersion.current)")
            // Canonical: what fewshot's writer makes of it is the file itself.
            #expect(try notebook.fsnb() == Array(Data(contentsOf: URL(fileURLWithPath: path))), "\(file)")
        }
    }

    /// Mutations of the shipped notebooks of the kinds a damaged or hostile file shows. Each must
    /// give a notebook or a `NotebookError` (typed throws make anything else impossible), and
    /// fast: the whole table runs in a few seconds.
    @Test func mutatedShippedNotebooksFailCleanly() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.notebooksFolder.path).filter {
            $0.hasSuffix(".fsnb")
        }
        .sorted()
        var rng = SeededGenerator(seed: 19)
        var tried = 0
        var accepted = 0
        let clock = ContinuousClock()
        let started = clock.now
        for file in files {
            let original = try Array(Data(contentsOf: Self.notebooksFolder.appendingPathComponent(file)))
            let sidecarURL = Self.notebooksFolder.appendingPathComponent(file + ".teacher")
            let sidecar = (try? Array(Data(contentsOf: sidecarURL))) ?? []
            let lines = original.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
            for round in 0..<120 {
                var bytes = original
                switch round % 10 {
                case 0:  // truncate at a random byte
                    bytes = Array(bytes[..<Int.random(in: 0..<bytes.count, using: &rng)])
                case 1:  // flip bits
                    for _ in 0..<4 {
                        bytes[Int.random(in: 0..<bytes.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
                    }
                case 2:  // duplicate a line
                    var copy = lines
                    let at = Int.random(in: 0..<copy.count, using: &rng)
                    copy.insert(copy[at], at: at)
                    bytes = Array(copy.joined(separator: [0x0A]))
                case 3:  // delete a line
                    var copy = lines
                    copy.remove(at: Int.random(in: 0..<copy.count, using: &rng))
                    bytes = Array(copy.joined(separator: [0x0A]))
                case 4:  // huge numbers where the format has numbers
                    let huge = ["99999999999999999999999", "-1", "1e308", "nan", "inf", "0x10", String(Int.max)]
                    var text = String(decoding: bytes, as: UTF8.self)
                    let value = huge.randomElement(using: &rng)!
                    text = text.replacingOccurrences(of: "count=1 ", with: "count=\(value) ")
                    text = text.replacingOccurrences(of: "size=", with: "size=\(value)")
                    text = text.replacingOccurrences(of: "duration=0", with: "duration=\(value)")
                    bytes = Array(text.utf8)
                case 5:  // invalid UTF-8 in a body
                    bytes.insert(
                        contentsOf: [0xC3, 0x28, 0xFF, 0xED, 0xA0, 0x80], at: Int.random(in: 0..<bytes.count, using: &rng))
                case 6:  // a huge line and deep JSON-like nesting in a body
                    let deep = Array("| ".utf8) + [UInt8](repeating: UInt8(ascii: "["), count: 200_000) + [0x0A]
                    bytes.insert(contentsOf: deep, at: (bytes.firstIndex(of: 0x0A) ?? 0) + 1)
                case 7:  // a cut exactly at a line boundary
                    let at = Int.random(in: 1..<lines.count, using: &rng)
                    bytes = Array(lines[..<at].joined(separator: [0x0A])) + [0x0A]
                case 8:  // the version line damaged
                    bytes =
                        Array(
                            ["fsnb 2.0000000000000000000001", "fsnb -1.0", "fsnb 2", "FSNB 2.0", "fsnb 99999999999999999999.0"]
                                .randomElement(using: &rng)!.utf8) + bytes[(bytes.firstIndex(of: 0x0A) ?? 0)...]
                default:  // many copies of one block
                    let block = Array("\n=== code id=x\n| y\n".utf8)
                    bytes.insert(contentsOf: Array(repeating: block, count: 500).joined(), at: bytes.count - 8)
                }
                tried += 1
                do {
                    _ = try Notebook(fsnb: bytes, path: file, sidecar: sidecar)
                    accepted += 1
                } catch {
                    #expect(!"\(error)".isEmpty)
                }
            }
        }
        let seconds = Double((clock.now - started).components.seconds)
        print("notebook fuzz: \(tried) mutated notebooks, \(accepted) accepted, \(tried - accepted) refused cleanly")
        #expect(tried == files.count * 120)
        #expect(seconds < 20)
    }
}

@Suite struct ScaleTests {
    /// A notebook of `cells` small code cells with one output each.
    static func manyCells(_ cells: Int) -> [UInt8] {
        var out = Array("fsnb 2.0\n".utf8)
        out.reserveCapacity(cells * 64)
        for i in 0..<cells {
            out += Array("\n=== code id=c\(i) count=\(i + 1)\n| \(i)\n--- stream stdout\n| \(i)\n|\n".utf8)
        }
        return out + Array("\n=== end\n".utf8)
    }

    /// Reading 4N cells takes about 4 times as long as N (a quadratic step would take 16 times):
    /// the bound of 8 is generous for timing noise on a loaded machine. Best of two runs each.
    @Test func readingScalesLinearlyWithCells() throws {
        let small = Self.manyCells(5_000), large = Self.manyCells(20_000)
        let clock = ContinuousClock()
        func best(_ bytes: [UInt8]) throws -> Double {
            var times: [Double] = []
            for _ in 0..<2 {
                let start = clock.now
                let notebook = try Notebook(fsnb: bytes)
                #expect(notebook.cells.count * 64 > 0)
                let d = clock.now - start
                times.append(Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
            }
            return times.min()!
        }
        let t1 = try best(small), t4 = try best(large)
        print("read 5k cells: \(t1) s, 20k cells: \(t4) s, ratio \(t4 / t1)")
        #expect(t4 / t1 < 8)
    }
}
