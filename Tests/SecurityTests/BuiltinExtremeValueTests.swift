import Foundation
import Language
import TestSupport
import Testing
import Workbench

/// Calls every registered built-in with extreme values of each of its parameters, through the
/// real `fewshot` (its REPL reading the calls from standard input), and requires each call to
/// end with a result or a clean error: never a crash (a trap kills the process, which the
/// exit status and the missing end marker reveal) and never a hang (a time bound).
///
/// The built-ins come from the registry, so a new one is covered without touching this test.
@Suite struct BuiltinExtremeValueTests {
    /// Extreme values, as fewshot expressions (`H` and `D` are set up before the calls).
    static let extremes = [
        "0", "-1", "9223372036854775807", "(-9223372036854775807 - 1)", "float(\"nan\")", "-float(\"inf\")", "1e300",
        "H", "D", "nil", "[]", "{}", "fn(x) => x",
    ]
    static let setup = [
        "let H = \"ab\" * 1000000",  // 2 MB (a 10 MB literal goes through the lexer in RobustnessTests)
        "var D = []",
        "for i in range(100000) { D = [D] }",  // nested 100,000 deep
        "let DS = dataset([{text: \"a b c\", label: \"x\"}, {text: \"d e f\", label: \"y\"}])",
        "var R = nil",
    ]
    /// Built-ins that would do real, slow work (train, ask a teacher, load a model, wait for
    /// input) when their arguments are valid: their other arguments are left out or nil, so a
    /// call fails validation at once unless the value under test is itself the problem.
    static let costly: Set = [
        "teacher", "generate", "plan", "finetune", "evaluate", "compare", "chat", "explain", "load_model", "models",
        "examples", "usage",
    ]

    /// A value of the declared type, for the parameters not under test.
    static func placeholder(_ type: ValueType) -> String {
        switch type {
        case .optional: return "nil"
        case .int, .number, .float: return "1"
        case .bool: return "true"
        case .string: return "\"a\""
        case .list: return "[1, 2]"
        case .record: return "{text: \"a\"}"
        case .function: return "fn(x) => x"
        case .host("dataset"): return "DS"
        case .host: return "nil"
        case .any: return "DS"
        }
    }

    /// One call per (built-in, parameter, extreme value).
    static func calls(_ registry: BuiltinRegistry) -> [String] {
        var out: [String] = []
        for b in registry.all {
            for (i, p) in b.parameters.enumerated() {
                for value in extremes {
                    var args: [String] = []
                    for (j, q) in b.parameters.enumerated() {
                        if j == i {
                            args.append(q.variadic ? value : "\(q.name): \(value)")
                        } else if q.defaultValue == nil && !q.variadic {
                            let v = costly.contains(b.name) ? "nil" : placeholder(q.type)
                            args.append("\(q.name): \(v)")
                        }
                    }
                    // Positional-only built-ins (variadic ones) get values in order.
                    if b.parameters.contains(where: \.variadic) {
                        args = args.map {
                            $0.contains(": ") && !$0.hasPrefix("fn")
                                ? String($0.split(separator: ":", maxSplits: 1)[1].dropFirst()) : $0
                        }
                    }
                    out.append("R = \(b.name)(\(args.joined(separator: ", ")))")
                }
            }
        }
        return out
    }

    @Test func everyBuiltinSurvivesExtremeArguments() throws {
        let session = try Session()
        try Workbench.install(into: session)
        let calls = Self.calls(session.builtins)
        #expect(calls.count > 1000)  // every built-in, each parameter, each value
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fewshot-extremes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var script = Self.setup
        for (n, call) in calls.enumerated() {
            script.append("print(\"@case \(n)\"); \(call)")
        }
        script.append("print(\"@end\")")
        let input = script.joined(separator: "\n") + "\n"
        try input.write(to: folder.appendingPathComponent("input.shot"), atomically: true, encoding: .utf8)
        let r = try FewshotProcess.run(
            try FewshotProcess.builtBinary(), [], directory: folder, stdinFile: folder.appendingPathComponent("input.shot"),
            timeLimit: 150)
        let last = r.stdout.split(separator: "\n").last { $0.hasPrefix("@case ") }
        let lastCase = last.flatMap { Int($0.dropFirst("@case ".count)) } ?? -1
        let culprit = lastCase >= 0 && lastCase < calls.count ? calls[lastCase] : "(setup)"
        #expect(![134, 139].contains(r.status), "crashed (\(r.status)) on: \(culprit)\n\(r.stderr.suffix(3000))")
        #expect(r.stdout.contains("@end"), "stopped at: \(culprit), exit \(r.status)\n\(r.stderr.suffix(3000))")
        #expect(r.seconds < 120, "took \(r.seconds) s")
        print("extreme-value calls: \(calls.count), seconds: \(r.seconds)")
    }
}
