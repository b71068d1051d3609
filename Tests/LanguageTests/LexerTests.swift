import Testing

@testable import Language

@Suite struct LexerTests {
    func kinds(_ text: String) -> [TokenKind] {
        var lexer = Lexer(file: SourceFile(name: "t", text: text))
        return lexer.tokenize().map(\.kind)
    }

    func errors(_ text: String) -> [String] {
        var lexer = Lexer(file: SourceFile(name: "t", text: text))
        _ = lexer.tokenize()
        return lexer.diagnostics.map { "\($0.range.location): \($0.message)" }
    }

    @Test func numbers() {
        #expect(kinds("1_000 2.5 1e3 7") == [.int(1000), .float(2.5), .float(1000), .int(7), .endOfInput])
        #expect(kinds("1.x") == [.int(1), .symbol(.dot), .identifier("x"), .endOfInput])
    }

    @Test func twoCharacterSymbols() {
        #expect(
            kinds("|> => == != <= >= // += -=") == [
                .symbol(.pipe), .symbol(.arrow), .symbol(.equalEqual), .symbol(.bangEqual), .symbol(.lessEqual),
                .symbol(.greaterEqual), .symbol(.slashSlash), .symbol(.plusEqual), .symbol(.minusEqual), .endOfInput,
            ])
    }

    @Test func keywordsAndIdentifiers() {
        #expect(
            kinds("let letter fn_x nil") == [
                .keyword(.let), .identifier("letter"), .identifier("fn_x"), .keyword(.nil), .endOfInput,
            ])
    }

    @Test func newlinesDroppedInsideParensKeptInsideBraces() {
        #expect(kinds("(1\n2)") == [.symbol(.lparen), .int(1), .int(2), .symbol(.rparen), .endOfInput])
        #expect(kinds("{1\n2}") == [.symbol(.lbrace), .int(1), .newline, .int(2), .symbol(.rbrace), .endOfInput])
    }

    @Test func blankLinesCollapseAndCommentsVanish() {
        #expect(kinds("1 # one\n\n\n# two\n2") == [.int(1), .newline, .int(2), .endOfInput])
    }

    @Test func stringPartsAndInterpolationRanges() {
        let k = kinds("\"a{x}b\"")
        guard case .string(let parts) = k[0] else { Issue.record("not a string"); return }
        #expect(parts == [.text("a"), .code(3..<4), .text("b")])
    }

    @Test func nestedBracesAndStringsInsideInterpolation() {
        guard case .string(let parts) = kinds("\"{f({a: \"}\"})}\"")[0] else { Issue.record("not a string"); return }
        #expect(parts.count == 1)
    }

    @Test func tripleQuotedStringsDedent() {
        guard case .string(let parts) = kinds("\"\"\"\n    one\n      two\n    \"\"\"")[0] else {
            Issue.record("not a string"); return
        }
        #expect(parts == [.text("one\n  two")])
    }

    @Test func unterminatedStringAtEndIsIncomplete() {
        var lexer = Lexer(file: SourceFile(name: "t", text: "\"\"\"abc"))
        _ = lexer.tokenize()
        #expect(lexer.diagnostics.map(\.kind) == [.incomplete])
    }

    @Test func badInputIsReportedNotFatal() {
        #expect(errors("a $ b") == ["1:3: unexpected character '$'"])
        #expect(errors("\"\\q\"") == ["1:2: unknown escape sequence '\\q'"])
        #expect(errors("é") == ["1:1: unexpected character 'é'"])
    }

    @Test func columnsCountCharactersNotBytes() {
        #expect(errors("\"é\" $") == ["1:5: unexpected character '$'"])
    }
}
