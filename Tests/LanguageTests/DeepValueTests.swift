import Foundation
import Testing

@testable import Language

/// Values nested 100,000 deep are freed, compared and walked without native recursion, and
/// every path that runs fewshot code counts against the call-depth limit.
@Suite struct DeepValueTests {
    static func message(_ s: Session, _ code: String) -> String? {
        do {
            try s.evaluate(code, name: "c")
            return nil
        } catch let e as DiagnosticError {
            return e.diagnostics[0].message
        } catch {
            return "\(error)"
        }
    }

    @Test func deepListsAndRecordsAreFreedComparedAndOrdered() throws {
        let s = try Session()
        s.output = CapturingOutputSink()
        try s.evaluate(
            """
            var x = []
            var y = []
            var r = {}
            for i in range(100000) { x = [x]; y = [y]; r = {next: r} }
            """, name: "c")
        #expect(try s.evaluate("x == y", name: "c") == .bool(true))
        #expect(try s.evaluate("[x, 1] < [y, 2]", name: "c") == .bool(true))
        #expect(try s.evaluate("r == {next: {}}", name: "c") == .bool(false))
        #expect(try s.evaluate("str(x) == str(y)", name: "c") == .bool(true))
        try s.evaluate("x = nil\ny = 0\nr = nil", name: "c")  // frees them
    }

    @Test func chainsOfClosuresAreFreed() throws {
        let s = try Session()
        try s.evaluate(
            """
            fn wrap(h) => fn() => h
            var g = fn() => 0
            for i in range(100000) { g = wrap(g) }
            g = nil
            """, name: "c")
    }

    @Test func valuesFreedWithTheSession() throws {
        var s: Session? = try Session()
        try s!.evaluate("var x = []\nfor i in range(100000) { x = [x, {a: x}] }", name: "c")
        s = nil  // released on this (test) thread's ordinary stack
    }

    /// `fn f(n, x = f(n + 1))` once recursed with no limit.
    @Test(arguments: [
        "fn f(n, x = f(n + 1)) => x\nf(0)",
        "fn f(n, x = f(n + 1)) => x\nmap([1], f)",
        "fn f(n) => [n] |> map(fn(v) => f(v + 1))\nf(0)",
        "fn f(n) => sort([2, 1], key: fn(v) => f(v))\nf(0)",
        "fn f(n) => \"{f(n + 1)}\"\nf(0)",
        "fn f(n) => reduce([1, 2], fn(a, b) => f(a), 0)\nf(0)",
    ])
    func everyWayOfRecursingIsBounded(code: String) throws {
        let s = try Session()
        s.output = CapturingOutputSink()
        let m = Self.message(s, code)
        #expect(m?.hasPrefix("stack depth exceeded") == true || m?.contains("takes") == true, "\(m ?? "no error")")
        #expect(try s.evaluate("1 + 1", name: "c") == .int(2))  // the session goes on
    }

    /// With a call-depth limit too high for the thread's stack, the native stack check stops
    /// the recursion before the stack runs out.
    @Test func theNativeStackIsCheckedToo() throws {
        var options = Session.Options()
        options.maxCallDepth = 10_000_000
        options.stackSize = 4 << 20
        let s = try Session(options: options)
        #expect(Self.message(s, "fn f(n) => f(n + 1) + 1\nf(0)") == "stack depth exceeded (the native stack is nearly full)")
        #expect(Self.message(s, "fn g(n, x = g(n + 1)) => x\ng(0)") == "stack depth exceeded (the native stack is nearly full)")
        #expect(try s.evaluate("fn h(n) => if n == 0 { 0 } else { 1 + h(n - 1) }\nh(100)", name: "c") == .int(100))
    }

    @Test func numericArgumentsOutsideTheirRangeNameIt() throws {
        let s = try Session()
        #expect(Self.message(s, "json([1], indent: -1)") == "argument 'indent' to json must be in 0...16, got -1")
        #expect(Self.message(s, "round(1.5, digits: 9223372036854775807)")?.contains("in -300...300") == true)
        #expect(Self.message(s, "format(1.0, width: 100000)")?.contains("must be in 0...1000") == true)
        #expect(s.builtins["json"]!.signature == "json(value, indent: int in 0...16 = 0)")
    }
}
