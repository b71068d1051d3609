import Foundation
import Language
import Notebook
import Testing
import Workbench

/// The documentation stays true: docs/builtins.md is what the registry generates, and every
/// ```fewshot sample in docs/ runs without an error.
///
/// After changing a built-in's doc string, regenerate the reference with
///     FEWSHOT_WRITE_DOCS=1 swift test --filter BuiltinDocsTests
@Suite struct BuiltinDocsTests {
    static let docs = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs")

    /// docs/builtins.md as the registry of a session with the Workbench installed writes it.
    static func generated() throws -> String {
        let workspace = try Workspace()
        return workspace.session.builtins.markdown() + """

            ---
            This file is generated from the doc strings `help()` shows. After changing one, run
            `FEWSHOT_WRITE_DOCS=1 swift test --filter BuiltinDocsTests` to write it again.

            """
    }

    @Test func builtinsReferenceMatchesTheRegistry() throws {
        let path = Self.docs.appendingPathComponent("builtins.md")
        let expected = try Self.generated()
        if ProcessInfo.processInfo.environment["FEWSHOT_WRITE_DOCS"] == "1" {
            try expected.write(to: path, atomically: true, encoding: .utf8)
            print("wrote \(path.path)")
        }
        let written = try String(contentsOf: path, encoding: .utf8)
        #expect(
            written == expected,
            """
            docs/builtins.md is out of date with the built-ins' doc strings; regenerate it with
            FEWSHOT_WRITE_DOCS=1 swift test --filter BuiltinDocsTests
            """)
    }

    /// Every markdown file in docs/ with fewshot samples, except language.md: its samples
    /// include the errors they teach, and LanguageTests runs them with their expected output.
    static var documents: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: docs.path)) ?? []
        return names.filter { $0.hasSuffix(".md") && $0 != "language.md" }.sorted()
    }

    @Test(arguments: documents)
    func samplesRun(document: String) throws {
        let text = try String(contentsOf: Self.docs.appendingPathComponent(document), encoding: .utf8)
        let samples = DocSample.extract(from: text)
        // One workspace per document: a sample may use names an earlier one defined, as cells do.
        let workspace = try Workspace()
        for (index, sample) in samples.enumerated() where !sample.needsModel {
            for case .error(let message, let diagnostic) in workspace.run(sample.code, executionCount: index + 1) {
                Issue.record("\(document) line \(sample.line): the sample fails: \(message)\n\(diagnostic)")
            }
        }
    }

    @Test func samplesAreFoundAndMarked() {
        let text = "a\n```fewshot\nprint(1)\n```\n```text\nno\n```\n```fewshot needs-model\nteacher()\n```\n"
        let samples = DocSample.extract(from: text)
        #expect(samples.map(\.code) == ["print(1)", "teacher()"])
        #expect(samples.map(\.needsModel) == [false, true])
        #expect(samples.map(\.line) == [3, 9])
    }
}

/// A fenced ```fewshot sample of a markdown document.
struct DocSample {
    /// The code inside the fence.
    let code: String
    /// The line of the code's first line (1-based).
    let line: Int
    /// Marked ```fewshot needs-model: it asks a teacher, so it runs in ReadmeSamplesTests (the
    /// release binary, the local model and the fixture server), not in this in-process test.
    let needsModel: Bool

    /// The ```fewshot samples of a document, in order.
    static func extract(from markdown: String) -> [DocSample] {
        var samples: [DocSample] = []
        var current: (lines: [String], line: Int, needsModel: Bool)?
        for (index, line) in markdown.components(separatedBy: "\n").enumerated() {
            if var open = current {
                if line.hasPrefix("```") {
                    samples.append(
                        DocSample(code: open.lines.joined(separator: "\n"), line: open.line, needsModel: open.needsModel))
                    current = nil
                } else {
                    open.lines.append(line)
                    current = open
                }
            } else if line.hasPrefix("```fewshot") {
                let info = line.dropFirst("```fewshot".count).split(separator: " ")
                current = ([], index + 2, info.contains("needs-model"))
            }
        }
        return samples
    }
}
