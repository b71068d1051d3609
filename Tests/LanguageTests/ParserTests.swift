import Testing

@testable import Language

@Suite struct ParserTests {
    func parse(_ text: String) -> ([Stmt], [Diagnostic]) {
        Parser.parse(SourceFile(name: "t", text: text))
    }

    func messages(_ text: String) -> [String] {
        parse(text).1.map { "\($0.range.location): \($0.message)" }
    }

    @Test func precedenceOfArithmeticAndComparison() {
        let (stmts, diags) = parse("1 + 2 * 3 < 10 and not false")
        #expect(diags.isEmpty)
        guard case .expression(let e) = stmts[0].kind, case .and(let l, let r) = e.kind else { Issue.record("shape"); return }
        guard case .binary(.less, let sum, _) = l.kind, case .binary(.add, _, let product) = sum.kind,
            case .binary(.multiply, _, _) = product.kind
        else { Issue.record("arithmetic shape"); return }
        guard case .unary(.not, _) = r.kind else { Issue.record("not shape"); return }
    }

    @Test func pipeBecomesCallWithFirstArgument() {
        let (stmts, _) = parse("x |> f(1, n: 2)")
        guard case .expression(let e) = stmts[0].kind, case .call(let callee, let args) = e.kind else {
            Issue.record("shape"); return
        }
        guard case .name("f") = callee.kind else { Issue.record("callee"); return }
        #expect(args.map(\.label) == [nil, nil, "n"])
        guard case .name("x") = args[0].value.kind else { Issue.record("piped"); return }
    }

    @Test func everyNodeHasARange() {
        let src = "let total = add(1, 2)"
        let (stmts, _) = parse(src)
        guard case .binding(_, let nameRange, let value, _) = stmts[0].kind else { Issue.record("shape"); return }
        #expect(nameRange.file.slice(nameRange.start..<nameRange.end) == "total")
        #expect(value.range.file.slice(value.range.start..<value.range.end) == "add(1, 2)")
        #expect(stmts[0].range.start == 0 && stmts[0].range.end == src.utf8.count)
    }

    @Test func severalErrorsWithoutCascades() {
        #expect(
            messages("let = 1\nprint(1 2)\nlet ok = 3\nvar = 4") == [
                "1:5: expected a name after 'let', found '='",
                "2:9: expected ',' or ')' after argument, found '2'",
                "4:5: expected a name after 'var', found '='",
            ])
    }

    @Test func noteMatchesTheOpeningBracket() {
        let d = parse("print(add(1 2))").1
        #expect(d.count == 1)
        #expect(d[0].notes.first?.message == "to match this '('")
        #expect(d[0].notes.first?.range?.location.column == 10)
    }

    @Test(arguments: ["print(1", "[1, 2", "{a: 1", "fn f() {", "1 +", "\"\"\"open", "if x {\n print(1)", "f(\n"])
    func unfinishedInputIsIncomplete(_ src: String) {
        let d = parse(src).1
        #expect(!d.isEmpty && d.allSatisfy { $0.kind == .incomplete }, "\(d)")
        #expect(Session.isIncomplete(src))
    }

    @Test(arguments: ["print(1))", "let = 3", "1 +\n)", "print(1)"])
    func finishedInputIsNotIncomplete(_ src: String) {
        #expect(!Session.isIncomplete(src))
    }

    @Test func tenThousandNestedBracketsGiveOneError() {
        let src = String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000)
        #expect(messages(src) == ["1:\(Parser.maxDepth + 1): expression is nested too deeply"])
        let lists = String(repeating: "[", count: 10_000)
        #expect(!parse(lists).1.isEmpty)
    }

    @Test func elseOnNextLineAndPipeOnNextLine() {
        #expect(parse("if a { 1 }\nelse { 2 }").1.isEmpty)
        #expect(parse("x\n  |> f()\n  |> g()").1.isEmpty)
    }

    @Test func recordVersusBlock() {
        let (stmts, d) = parse("if ok { {a: 1} } else { {} }")
        #expect(d.isEmpty)
        #expect(stmts.count == 1)
    }
}
