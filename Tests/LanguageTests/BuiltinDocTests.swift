import Foundation
import Testing

@testable import Language

/// Every built-in's doc string has an `Example:` line; it must parse, and where it shows the
/// result (`# value`) it must evaluate to exactly that.
@Suite struct BuiltinDocTests {
    static let builtins: [Builtin] = CoreBuiltins.all

    @Test(arguments: builtins.map(\.name))
    func exampleRuns(_ name: String) throws {
        let session = try Session()
        session.output = CapturingOutputSink()
        session.fileAccess = NoFiles()
        let b = try #require(session.builtins[name])
        let line = try #require(b.doc.split(separator: "\n").first { $0.hasPrefix("Example: ") }, "\(name) has no example")
        let example = String(line.dropFirst("Example: ".count))
        let parts = example.components(separatedBy: "  # ")
        #expect(session.check(parts[0], name: name).isEmpty, "example of \(name) does not compile")
        if parts.count == 2 {
            let sink = CapturingOutputSink()
            session.output = sink
            let v = try session.evaluate(parts[0], name: name)
            // The comment shows the value (strings in quotes), or what was printed.
            var shown = v.repr
            if case .string(let s) = v { shown = "\"" + s.replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            if v.isNil && !sink.text.isEmpty { shown = sink.text.trimmingCharacters(in: .newlines) }
            #expect(shown == parts[1] || v.repr == parts[1], "example of \(name)")
        }
    }

    @Test func everyBuiltinHasASignatureAndSummary() throws {
        let session = try Session()
        for b in session.builtins.all {
            #expect(!b.doc.isEmpty && b.signature.hasPrefix(b.name + "("))
        }
    }
}
