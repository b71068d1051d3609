import Foundation
import Language
import Testing

/// Runs every annotated script in Tests/Conformance through the interpreter API.
@Suite struct ConformanceTests {
    @Test func thereAreEnoughCases() {
        #expect(ConformanceCase.all.count >= 150)
    }

    @Test(arguments: ConformanceCase.all)
    func script(_ c: ConformanceCase) throws {
        var options = Session.Options()
        options.stepLimit = 50_000_000
        let session = try Session(options: options)
        let sink = CapturingOutputSink()
        session.output = sink
        var errors: [String] = []
        do {
            try session.runFile(c.path, name: c.name)
        } catch let e as DiagnosticError {
            errors = e.diagnostics.map {
                ConformanceCase.format(line: $0.range.location.line, column: $0.range.location.column, message: $0.message)
            }
        }
        var output = sink.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if output.last == "" { output.removeLast() }
        #expect(output == c.expectedOutput, "output of \(c.name)")
        #expect(errors == c.expectedErrors, "errors of \(c.name)")
    }
}
