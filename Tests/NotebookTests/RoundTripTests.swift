import Foundation
import Testing

@testable import Notebook

@Suite struct RoundTripTests {
    @Test func readableFileForASmallNotebook() throws {
        var notebook = Notebook(
            metadata: NotebookMetadata(
                fewshotVersion: "0.1.0", teacher: TeacherConfiguration(model: "gpt-4o-mini", baseURL: "http://localhost:8080/v1"))
        )
        try notebook.append(Cell(id: "intro", kind: .text, source: "# Hello\nSome *text*."))
        try notebook.append(
            Cell(
                id: "c1", kind: .code, source: "print(\"hi\")", outputs: [.stream(.stdout, "hi\n")],
                executionCount: 1, duration: 0.25))
        let expected = """
            fsnb 2.0
            fewshot-version: 0.1.0
            teacher-model: gpt-4o-mini
            teacher-base-url: http://localhost:8080/v1

            === text id=intro
            | # Hello
            | Some *text*.

            === code id=c1 count=1 duration=0.25
            | print("hi")
            --- stream stdout
            | hi
            |

            === end

            """
        #expect(try notebook.fsnb().text == expected)
        #expect(try Notebook(fsnb: Array(expected.utf8)) == notebook)
    }

    @Test func hostileContentSurvivesExactly() throws {
        for seed in UInt64(1)...300 {
            var rng = SeededGenerator(seed: seed)
            let notebook = hostileNotebook(&rng, cells: 6)
            let bytes = try notebook.fsnb()
            let loaded = try Notebook(fsnb: bytes)
            #expect(exactContent(loaded) == exactContent(notebook), "seed \(seed)")
            #expect(try loaded.fsnb() == bytes, "seed \(seed): load then save changed the bytes")
        }
    }

    @Test func everyLineIsValidUTF8WithoutCarriageReturns() throws {
        var rng = SeededGenerator(seed: 99)
        let bytes = try hostileNotebook(&rng, cells: 40).fsnb()
        #expect(String(validating: bytes, as: UTF8.self) != nil)
        #expect(!bytes.contains(0x0D))
        #expect(!bytes.contains(0x00))
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            #expect(line.last != 0x20 && line.last != 0x09, "trailing blank on '\(Array(line).text)'")
        }
    }

    @Test(arguments: ["", "\n", "\n\n", "a", "a\n", "\r", "\r\n", "| x", "=== code id=a", "  ", "\\", "x\u{0}y"])
    func edgeTextsRoundTrip(_ source: String) throws {
        var notebook = Notebook()
        try notebook.append(Cell(id: "a", kind: .code, source: source, outputs: [.stream(.stdout, source)]))
        let loaded = try Notebook(fsnb: notebook.fsnb())
        #expect(Array(loaded.cells[0].source.utf8) == Array(source.utf8))
        #expect(loaded.cells[0].outputs == [.stream(.stdout, source)])
    }

    @Test func emptyNotebookAndEmptyCells() throws {
        #expect(try Notebook().fsnb().text == "fsnb 2.0\n\n=== end\n")
        var notebook = Notebook()
        try notebook.append(Cell(id: "e", kind: .code, source: ""))
        try notebook.append(Cell(id: "t", kind: .text, source: ""))
        let bytes = try notebook.fsnb()
        #expect(bytes.text == "fsnb 2.0\n\n=== code id=e\n\n=== text id=t\n\n=== end\n")
        #expect(try Notebook(fsnb: bytes) == notebook)
    }

    @Test func hugeCellRoundTrips() throws {
        var rng = SeededGenerator(seed: 7)
        var source = ""
        while source.utf8.count < 4_000_000 { source += HostileText.make(&rng, maxPieces: 64) }
        var notebook = Notebook()
        try notebook.append(
            Cell(id: "big", kind: .code, source: source, outputs: [.stream(.stdout, String(repeating: "x", count: 3_000_000))]))
        let bytes = try notebook.fsnb()
        let loaded = try Notebook(fsnb: bytes)
        #expect(exactContent(loaded) == exactContent(notebook))
        #expect(try loaded.fsnb() == bytes)
    }

    @Test func recordingBytesAnyValueRoundTrip() throws {
        var rng = SeededGenerator(seed: 5)
        let content = HostileText.bytes(&rng, count: 5000) + Array("{\"request\":1}\n".utf8)
        let notebook = Notebook(teacherRecording: TeacherRecording(content: content, placement: .embedded))
        let loaded = try Notebook(fsnb: notebook.fsnb())
        #expect(loaded.teacherRecording == notebook.teacherRecording)
    }

    @Test func newerMinorVersionEntriesAreKeptVerbatim() throws {
        let file = """
            fsnb 2.3
            fewshot-version: 0.9.0
            colour-scheme: dark mode

            === code id=a count=2 duration=1.5 pinned=yes folded
            | plot(x)
            --- plotly width=400
            | {"data": []}
            --- stream stdout
            | ok

            === end

            """
        let notebook = try Notebook(fsnb: Array(file.utf8))
        #expect(notebook.formatVersion == FormatVersion(major: 2, minor: 3))
        #expect(notebook.metadata["colour-scheme"] == "dark mode")
        #expect(
            notebook.cells[0].extraAttributes == [Attribute(key: "pinned", value: "yes"), Attribute(key: "folded", value: nil)])
        #expect(notebook.cells[0].outputs[0].kindName == "plotly")
        #expect(try notebook.fsnb().text == file)
    }

    @Test func escapedLinesAreCanonical() throws {
        var notebook = Notebook()
        try notebook.append(Cell(id: "a", kind: .code, source: "a\r\nb  \n\tc\u{1B}\\"))
        #expect(
            try notebook.fsnb().text == "fsnb 2.0\n\n=== code id=a\n\\ a\\r\n\\ b\\x20\\x20\n\\ \\tc\\x1B\\\\\n\n=== end\n")
    }
}

@Suite struct SpecificationTests {
    /// The example at the top of docs/fsnb.md is a valid notebook in canonical form.
    @Test func documentedExampleRoundTrips() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/fsnb.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let parts = text.components(separatedBy: "```\n")
        let example = try #require(parts.count > 1 ? parts[1] : nil)
        #expect(example.hasPrefix("fsnb 2.0\n"))
        let notebook = try Notebook(fsnb: Array(example.utf8), path: "docs/fsnb.md")
        #expect(notebook.cells.map(\.kind) == [.text, .code, .code])
        #expect(notebook.teacherRecording?.placement == .embedded)
        #expect(try notebook.fsnb().text == example)
    }

    @Test func sidecarHeaderNeedsTheSidecarBytes() throws {
        let notebook = Notebook(teacherRecording: TeacherRecording(content: Array("abc".utf8), placement: .sidecar))
        let bytes = try notebook.fsnb()
        #expect(try Notebook(fsnb: bytes, sidecar: Array("abc".utf8)) == notebook)
        #expect(try Notebook(fsnb: bytes, sidecar: Array("abc".utf8)).fsnb() == bytes)
        #expect(throws: NotebookError.sidecarMissing(path: "<notebook>.teacher")) { _ = try Notebook(fsnb: bytes) }
        #expect(throws: NotebookError.sidecarMismatch(path: "<notebook>.teacher")) { _ = try Notebook(fsnb: bytes, sidecar: [1]) }
    }
}

@Suite struct PlainLineTests {
    /// The word-at-a-time scan agrees with the rule, whatever the position of the byte.
    @Test func specialBytesAreFoundAtEveryPosition() {
        let specials: [[UInt8]] = [[0x00], [0x01], [0x0D], [0x1F], [0x7F], [0xC2, 0x85], [0xE2, 0x80, 0xA8], [0xFF], [0x5C]]
        for special in specials {
            for position in 0..<20 {
                var line = [UInt8](repeating: UInt8(ascii: "a"), count: 24)
                line.replaceSubrange(position..<(position + special.count), with: special)
                let plain = line.withUnsafeBufferPointer { BodyLines.isPlain($0) }
                // A backslash is plain text; everything else in the list must be escaped.
                #expect(plain == (special == [0x5C]), "byte \(special) at \(position)")
            }
        }
        let tab = Array("a\tb~ ~ ~ ~ ~ ~ ~x".utf8)
        #expect(tab.withUnsafeBufferPointer { BodyLines.isPlain($0) })
    }
}
