import Foundation
import Testing

@testable import Language

/// Runs every ```fewshot block of docs/language.md, checking its `# expect:` and `# error:`
/// annotations like a conformance script.
@Suite struct DocsTests {
    static let docPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs/language.md").path

    static let blocks: [ConformanceCase] = {
        guard let text = try? String(contentsOfFile: docPath, encoding: .utf8) else { return [] }
        var out: [ConformanceCase] = []
        var current: [String]?
        var startLine = 0
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line == "```fewshot" { current = []; startLine = i + 2; continue }
            if line == "```", let block = current {
                out.append(
                    ConformanceCase(path: docPath, name: "language.md:\(startLine)", source: block.joined(separator: "\n")))
                current = nil
                continue
            }
            current?.append(String(line))
        }
        return out
    }()

    @Test func thereAreExamples() { #expect(Self.blocks.count >= 20) }

    @Test(arguments: blocks)
    func example(_ c: ConformanceCase) throws {
        let session = try Session()
        let sink = CapturingOutputSink()
        session.output = sink
        var errors: [String] = []
        do {
            try session.evaluate(c.source, name: c.name)
        } catch let e as DiagnosticError {
            errors = e.diagnostics.map {
                ConformanceCase.format(line: $0.range.location.line, column: $0.range.location.column, message: $0.message)
            }
        }
        var output = sink.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if output.last == "" { output.removeLast() }
        #expect(output == c.expectedOutput, "output of block at \(c.name)")
        #expect(errors == c.expectedErrors, "errors of block at \(c.name)")
    }
}
