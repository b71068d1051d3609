import Foundation
import Testing

@testable import Language

@Suite struct RobustnessTests {
    @Test func deepRecursionIsAnErrorNotACrash() throws {
        let s = try Session()
        s.output = CapturingOutputSink()
        do {
            try s.evaluate("fn f(n) => f(n + 1) + 1\nf(0)", name: "c")
            Issue.record("expected stack depth error")
        } catch let e as DiagnosticError {
            #expect(e.diagnostics[0].message.hasPrefix("stack depth exceeded"))
            let text = DiagnosticRenderer(color: false).render(e.diagnostics)
            #expect(text.contains("more calls"))
            #expect(text.split(separator: "\n").count < 30)
        }
        // Recursion well within the limit works.
        #expect(try s.evaluate("fn g(n) => if n == 0 { 0 } else { 1 + g(n - 1) }\ng(1500)", name: "c") == .int(1500))
    }

    @Test func deepNestingThroughBuiltinsIsBounded() throws {
        let s = try Session()
        #expect(throws: DiagnosticError.self) {
            try s.evaluate("fn f(x) => map([x], f)\nf(1)", name: "c")
        }
    }

    @Test func hugeStringLiteral() throws {
        let s = try Session()
        let big = String(repeating: "abcdefghij", count: 1_000_000)  // 10 MB
        let length = try s.evaluate("len(\"" + big + "\")", name: "big")
        #expect(length == .int(10_000_000))
        let open = "\"" + big
        var failed = false
        do { try s.evaluate(open, name: "open") } catch is DiagnosticError { failed = true }
        #expect(failed)
    }

    @Test func deeplyNestedDataPrintsWithoutOverflow() throws {
        let s = try Session()
        let v = try s.evaluate("var x = []\nfor i in range(5000) { x = [x] }\nx", name: "c")
        #expect(v.repr.hasPrefix("[[[["))
        #expect(throws: DiagnosticError.self) { try s.evaluate("json(x)", name: "c") }
    }

    /// A seeded generator of random and mutated programs, run through the lexer, parser and
    /// evaluator with a step limit. Nothing may crash or hang; every failure is a diagnostic.
    /// Runs 5 s by default; for a longer hunt:
    /// `FEWSHOT_FUZZ_SECONDS=600 FEWSHOT_FUZZ_SEED=7 swift test --filter seededFuzz`.
    @Test func seededFuzz() throws {
        let env = ProcessInfo.processInfo.environment
        let seconds = env["FEWSHOT_FUZZ_SECONDS"].flatMap(Double.init) ?? 5
        var rng = SplitMix(seed: env["FEWSHOT_FUZZ_SEED"].flatMap(UInt64.init) ?? 0x5EED)
        var options = Session.Options()
        options.stepLimit = 20_000
        options.maxCallDepth = 200
        let session = try Session(options: options)
        session.output = CapturingOutputSink()
        session.fileAccess = NoFiles()
        let corpus = ConformanceCase.all.map(\.source).filter { !$0.contains("import") }
        let fragments = [
            "(", ")", "[", "]", "{", "}", "\"", "\"\"\"", "{x}", ",", ":", "|>", "=>", "fn", "if", "else",
            "for", "in", "while", "let", "var", "return", "break", "\n", "1", "-9223372036854775808", "1e308",
            "x", "f(", "#", "\\", "\u{FFFD}", "é", "nil", "and", "not", ".", "[0]", "[-1:]", " ", "+", "*", "//", "%",
        ]
        let deadline = Date().addingTimeInterval(seconds)
        var runs = 0
        while Date() < deadline {
            var text: String
            if rng.next() % 3 == 0 || corpus.isEmpty {
                text = (0..<Int(rng.next() % 40)).map { _ in fragments[Int(rng.next() % UInt64(fragments.count))] }.joined(
                    separator: rng.next() % 2 == 0 ? " " : "")
            } else {
                var chars = Array(corpus[Int(rng.next() % UInt64(corpus.count))])
                for _ in 0..<(1 + Int(rng.next() % 4)) where !chars.isEmpty {
                    let i = Int(rng.next() % UInt64(chars.count))
                    switch rng.next() % 3 {
                    case 0: chars.remove(at: i)
                    case 1: chars.insert(contentsOf: fragments[Int(rng.next() % UInt64(fragments.count))], at: i)
                    default: chars.swapAt(i, Int(rng.next() % UInt64(chars.count)))
                    }
                }
                text = String(chars)
            }
            _ = Session.isIncomplete(text)
            do { try session.evaluate(text, name: "fuzz-\(runs)") } catch is DiagnosticError {}
            runs += 1
        }
        #expect(runs > 50)
    }
}

/// Refuses every file access (the fuzzer must not write files).
final class NoFiles: FileAccessPolicy, @unchecked Sendable {
    override func resolve(_ path: String, mode: Mode, relativeTo directory: String) throws -> String {
        throw RuntimeError("no file access in this test")
    }
}

/// A small deterministic generator (SplitMix64).
struct SplitMix {
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
