import Foundation
import TestSupport
import Testing

/// Hostile fewshot programs run through the real `fewshot run`: each must end with its normal
/// output or a clean error (exit 65 for a compile error, 70 for a runtime error), never a crash
/// (134, 139), and within a time bound.
@Suite struct HostileProgramTests {
    struct Case: CustomStringConvertible, Sendable {
        let name: String
        let code: String
        let exit: Int32
        /// Text the output must contain (the answer, or the error's message).
        let expect: String
        var description: String { name }
    }

    static let deep = "var x = []\nfor i in range(100000) { x = [x] }\n"

    static let cases: [Case] = [
        // Values nested 100,000 deep: freed, compared, printed, serialised.
        Case(name: "deep list freed", code: deep + "print(\"built\")", exit: 0, expect: "built"),
        Case(name: "deep list freed early", code: deep + "x = 0\nprint(\"freed\")", exit: 0, expect: "freed"),
        Case(
            name: "deep record", code: "var r = {}\nfor i in range(100000) { r = {a: r, b: [r]} }\nprint(r == r)", exit: 0,
            expect: "true"),
        Case(
            name: "deep equality", code: deep + "var y = []\nfor i in range(100000) { y = [y] }\nprint(x == y, [x, 1] < [y, 2])",
            exit: 0, expect: "true true"),
        Case(name: "deep print", code: deep + "print(len(str(x)) < 1000)", exit: 0, expect: "true"),
        Case(name: "deep json", code: deep + "json(x)", exit: 70, expect: "nested too deeply"),
        Case(name: "deep sort", code: deep + "print(len(sort([x, x])))", exit: 0, expect: "2"),
        Case(
            name: "closure chain",
            code: "fn wrap(h) => fn() => h\nvar g = fn() => 0\nfor i in range(100000) { g = wrap(g) }\nprint(1)",
            exit: 0, expect: "1"),
        // Every way of recursing stops at the depth limit.
        Case(name: "recursion", code: "fn f(n) => f(n + 1)\nf(0)", exit: 70, expect: "stack depth exceeded"),
        Case(name: "default recursion", code: "fn f(n, x = f(n + 1)) => x\nf(0)", exit: 70, expect: "stack depth exceeded"),
        Case(name: "map recursion", code: "fn f(x) => map([x], f)\nf(1)", exit: 70, expect: "stack depth exceeded"),
        Case(name: "pipe recursion", code: "fn f(x) => x |> f\nf(1)", exit: 70, expect: "stack depth exceeded"),
        Case(name: "interpolation recursion", code: "fn f(n) => \"{f(n + 1)}\"\nf(0)", exit: 70, expect: "stack depth exceeded"),
        Case(name: "sort key recursion", code: "fn f(n) => sort([2, 1], key: f)\nf(0)", exit: 70, expect: "stack depth"),
        // Deep syntax.
        Case(
            name: "nested parentheses",
            code: String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000),
            exit: 65, expect: "nest"),
        Case(
            name: "nested list literal", code: String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000),
            exit: 65, expect: "nest"),
        Case(
            name: "nested blocks", code: String(repeating: "if true { ", count: 20_000) + String(repeating: "}", count: 20_000),
            exit: 65, expect: "nest"),
        Case(name: "nested negation", code: String(repeating: "-", count: 100_000) + "1", exit: 65, expect: "nest"),
        // Huge allocations and numbers.
        Case(name: "huge range", code: "let r = range(1000000000000)", exit: 70, expect: "too large"),
        Case(name: "huge repetition", code: "let s = \"ab\" * 10000000000", exit: 70, expect: "too large"),
        Case(name: "doubling string", code: "var s = \"ab\"\nfor i in range(64) { s = s + s }", exit: 70, expect: "too large"),
        Case(
            name: "doubling string in place", code: "var s = \"ab\"\nfor i in range(64) { s += s }", exit: 70, expect: "too large"
        ),
        Case(name: "doubling list", code: "var l = [1]\nfor i in range(64) { l = l + l }", exit: 70, expect: "too large"),
        Case(name: "doubling list in place", code: "var l = [1]\nfor i in range(64) { l += l }", exit: 70, expect: "too large"),
        Case(name: "huge list repetition", code: "let l = [1, 2] * 10000000000", exit: 70, expect: "too large"),
        Case(name: "giant int literal", code: "let n = 999999999999999999999999999", exit: 65, expect: "too large"),
        Case(name: "int overflow", code: "print(9223372036854775807 + 1)", exit: 70, expect: "overflow"),
        Case(name: "int of huge float", code: "int(1e300)", exit: 70, expect: "cannot convert"),
        Case(name: "round of huge float", code: "round(1e300)", exit: 70, expect: "cannot round"),
        Case(name: "floor of infinity", code: "floor(1e308 * 10.0)", exit: 70, expect: "does not fit"),
        Case(
            name: "plot of extreme numbers", code: "plot([-1e308, 1e308, 0], [1e308, -1e308, 0])\nprint(\"drawn\")", exit: 0,
            expect: "drawn"),
        // Regular expressions that backtracking matchers take forever on.
        Case(
            name: "catastrophic regex",
            code: "let d = dataset([{text: \"\(String(repeating: "a", count: 40))!\"}, {text: \"aaa\"}])\n"
                + "print(len(filter(d, regex: \"^(a+)+$\").rows))", exit: 0, expect: "1"),
        Case(
            name: "unsupported regex", code: "filter(dataset([{text: \"a\"}]), regex: \"(a)\\\\1\")", exit: 70,
            expect: "backreferences are not supported"),
        // Numbers outside a built-in's range.
        Case(name: "negative head", code: "head(dataset([{text: \"a\"}]), n: -1)", exit: 70, expect: "must be ≥ 0"),
        Case(name: "near_dup above 1", code: "filter(dataset([{text: \"a\"}]), near_dup: 5.0)", exit: 70, expect: "in 0...1"),
        Case(
            name: "finetune batch 0",
            code: "finetune(dataset([{text: \"a\", label: \"b\"}]), batch: 0, lr: -5, val: 2.0, early_stop: -3)",
            exit: 70, expect: "must be > 0 and ≤ 10"),
        Case(
            name: "finetune huge context", code: "finetune(dataset([{text: \"a\", label: \"b\"}]), context: 1000000000)",
            exit: 70, expect: "in 2...65536"),
        Case(
            name: "plan huge n", code: "plan(prompt('Write one: {text}'), n: 1000000000000)", exit: 70,
            expect: "in 0...1000000"),
        Case(
            name: "generate Int.max tokens", code: "generate(prompt(\"Write one\"), max_tokens: 9223372036854775807)", exit: 70,
            expect: "in 1...100000"),
        // Linear paths that used to be quadratic.
        Case(
            name: "50k record keys", code: "var r = {}\nfor i in range(50000) { r[str(i)] = i }\nprint(len(keys(r)))", exit: 0,
            expect: "50000"),
        Case(
            name: "50k nested keys",
            code: "var r = {inner: {}}\nfor i in range(50000) { r.inner[str(i)] = i }\nprint(len(keys(r.inner)))",
            exit: 0, expect: "50000"),
        Case(
            name: "50k list element sets", code: "var l = [0] * 50000\nfor i in range(50000) { l[i] = [i] }\nprint(len(l))",
            exit: 0,
            expect: "50000"),
        Case(
            name: "100k pair appends", code: "var l = []\nfor i in range(100000) { l += [i, i] }\nprint(len(l))", exit: 0,
            expect: "200000"),
        Case(name: "unique of 60k", code: "let xs = range(30000)\nprint(len(unique(xs + xs)))", exit: 0, expect: "30000"),
        Case(
            name: "group_by 30k keys", code: "print(len(keys(group_by(range(30000), fn(x) => x))))", exit: 0, expect: "30000"),
        Case(
            name: "200k appends", code: "var l = []\nfor i in range(200000) { l += [i] }\nprint(len(l))", exit: 0,
            expect: "200000"),
        Case(
            name: "200k string appends", code: "var s = \"\"\nfor i in range(200000) { s += \"x\" }\nprint(len(s))", exit: 0,
            expect: "200000"),
    ]

    /// Seconds any one case may take in a debug build on a slow machine (they take well under
    /// a second each in release).
    static let timeBound = 25.0

    @Test(arguments: cases)
    func endsCleanly(_ c: Case) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fewshot-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try c.code.write(to: folder.appendingPathComponent("case.shot"), atomically: true, encoding: .utf8)
        let r = try FewshotProcess.run(
            try FewshotProcess.builtBinary(), ["run", "case.shot", "--timeout", "60", "--max-memory", "4096"], directory: folder)
        let all = r.stdout + r.stderr
        #expect(r.status == c.exit, "\(c.name): exit \(r.status)\n\(all.prefix(2000))")
        #expect(all.contains(c.expect), "\(c.name): expected '\(c.expect)' in\n\(all.prefix(2000))")
        #expect(r.seconds < Self.timeBound, "\(c.name) took \(r.seconds) s")
    }
}
