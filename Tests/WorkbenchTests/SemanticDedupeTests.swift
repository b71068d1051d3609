import Foundation
import Testing

@testable import Workbench

/// `filter(semantic_dup:)`: paraphrases dropped by embedding cosine, the twin named.
@Suite(.enabled(if: EmbeddingModel.isInstalled, "all-MiniLM-L6-v2 not installed (run bash scripts/setup)"))
struct SemanticDedupeTests {
    @Test func dropsParaphrasesAndNamesTheTwin() throws {
        let k = try TestWorkspace()
        k.ok(
            #"let d = dataset([{text: "The flight was delayed by three hours."}, {text: "I baked bread this morning"}, {text: "the flight was delayed by 3 hours"}, {text: "my cat sleeps all day"}])"#
        )
        let cosine = k.ok(
            #"print(similarity("The flight was delayed by three hours.", "the flight was delayed by 3 hours") >= 0.9)"#)
        #expect(cosine == "true\n")
        k.ok("let clean = filter(d, semantic_dup: 0.9)")
        #expect(k.ok("print(len(clean))") == "3\n")
        let report = k.ok("print(report(clean))")
        #expect(report.contains("semantic duplicate (cosine ≥ 0.9)") && report.contains("with row 0"), "\(report)")
        #expect(k.ok("print(len(filter(d, semantic_dup: 0.99)))") == "4\n")
    }
}
