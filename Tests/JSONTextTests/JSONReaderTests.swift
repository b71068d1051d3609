import Testing

@testable import JSONText

@Suite struct JSONReaderTests {
    @Test func jsonKeepsKeyOrderAndTellsIntsFromDoubles() throws {
        let v = try JSONReader.parse(#"{"b": 1, "a": [true, null, 2.5, -3e2], "c": "\u00e9\n\"q\" \ud83d\ude00"}"#)
        guard case .object(let r) = v else { Issue.record("not an object"); return }
        #expect(Array(r.keys) == ["b", "a", "c"])
        #expect(r["b"] == .int(1))
        #expect(r["a"] == .array([.bool(true), .null, .double(2.5), .double(-300.0)]))
        #expect(r["c"] == .string("é\n\"q\" 😀"))
        #expect(JSONWriter.string(v) == #"{"b":1,"a":[true,null,2.5,-300.0],"c":"é\n\"q\" 😀"}"#)
    }

    @Test(arguments: [
        (#"{"a": 1,}"#, "expected a string key"),
        (#"{"a" 1}"#, "expected ':'"),
        (#"[1 2]"#, "expected ',' or ']'"),
        (#""abc"#, "unterminated string"),
        (#"{"a": tru}"#, "expected a JSON value"),
        (#"{"a": 1} x"#, "expected end of JSON"),
        (#"{"a": "\q"}"#, "expected an escape"),
        ("", "found end of input"),
    ])
    func malformedJSONSaysWhatWasExpected(text: String, expected: String) {
        #expect {
            _ = try JSONReader.parse(text)
        } throws: { error in
            (error as? JSONSyntaxError)?.message.contains(expected) == true
        }
    }

    /// RFC 8259's number grammar and nothing else: the old language decoder took any run of
    /// digits, signs, dots and e's (`+1`, `1.`, `.5`, `1e`, `--1`, `1-2`).
    @Test func numbersFollowTheRFCGrammar() throws {
        let good: [(String, JSON)] = [
            ("0", .int(0)), ("-0", .int(0)), ("12", .int(12)), ("-7", .int(-7)), ("0.5", .double(0.5)),
            ("1e2", .double(100)), ("1E+2", .double(100)), ("-2.5e-1", .double(-0.25)),
            ("9223372036854775807", .int(.max)), ("9223372036854775808", .double(9_223_372_036_854_775_808)),
        ]
        for (text, value) in good { #expect(try JSONReader.parse(text) == value, "\(text)") }
        let bad: [(String, String)] = [
            ("+1", "expected a JSON value"), (".5", "expected a JSON value"), ("1.", "expected digits after '.'"),
            ("1e", "expected digits in the exponent"), ("1e+", "expected digits in the exponent"),
            ("--1", "expected digits in a number"), ("-", "expected digits in a number"),
            ("01", "cannot start with 0"), ("-012", "cannot start with 0"), ("1-2", "expected end of JSON"),
            ("1.5.2", "expected end of JSON"), ("1e999", "number out of range"), ("0x10", "expected end of JSON"),
            ("[1,+2]", "expected a JSON value"), ("Infinity", "expected a JSON value"), ("NaN", "expected a JSON value"),
        ]
        for (text, expected) in bad {
            #expect(throws: JSONSyntaxError.self, "\(text)") { try JSONReader.parse(text) }
            do { _ = try JSONReader.parse(text) } catch let e as JSONSyntaxError {
                #expect(e.message.contains(expected), "\(text): \(e.message)")
            }
        }
    }

    @Test func errorsCarryLineAndColumn() {
        let text = "{\n  \"a\": [1,\n        2 3]\n}"
        do { _ = try JSONReader.parse(text) } catch let e as JSONSyntaxError {
            #expect(e.description == "3:11: expected ',' or ']' in the array, found '3]\n}'" && e.offset == 23, "\(e.offset)")
        } catch { Issue.record("unexpected \(error)") }
        // A JSONL line's errors count lines from that line.
        #expect(throws: JSONSyntaxError("expected a JSON value, found 'x}'", line: 7, column: 7, offset: 6)) {
            try JSONReader.parse(#"{"a": x}"#, firstLine: 7)
        }
        do { _ = try JSONReader.parse("[1, 2") } catch let e as JSONSyntaxError {
            #expect(
                e.atEndOfInput && e.offset == 5 && e.description == "1:6: expected ',' or ']' in the array, found end of input")
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func stringsAreStrict() throws {
        #expect(try JSONReader.parse(#""\/\b\f\n\r\t\"\\""#) == .string("/\u{8}\u{C}\n\r\t\"\\"))
        // A lone surrogate half becomes U+FFFD rather than failing the whole text.
        #expect(try JSONReader.parse(#""\ud800x""#) == .string("\u{FFFD}x"))
        for (text, expected) in [
            ("\"a\u{1}b\"", "raw control character"), ("\"a\nb\"", "raw newline"), (#""\u12""#, "4 hex digits"),
            (#""\u+123""#, "4 hex digits"), (#""\x41""#, "expected an escape"),
        ] {
            do {
                _ = try JSONReader.parse(text)
                Issue.record("accepted \(text)")
            } catch let e as JSONSyntaxError { #expect(e.message.contains(expected), "\(text): \(e.message)") } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test func depthIsLimited() throws {
        let ok = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        _ = try JSONReader.parse(ok)
        let deep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        #expect(throws: JSONSyntaxError.self) { try JSONReader.parse(deep) }
        do { _ = try JSONReader.parse(deep) } catch let e as JSONSyntaxError {
            #expect(e.message == "JSON nested deeper than 512 levels")
        }
        do { _ = try JSONReader.parse("[[[1]]]", maxDepth: 2) } catch let e as JSONSyntaxError {
            #expect(e.message == "JSON nested deeper than 2 levels" && e.column == 3)
        }
        // Far deeper than any limit still fails cleanly (no stack overflow).
        let hostile = String(repeating: "{\"a\":", count: 100_000)
        #expect(throws: JSONSyntaxError.self) { try JSONReader.parse(hostile) }
    }

    @Test func embeddedObjectSkipsProseAndCountsItsLines() throws {
        let reply = "Sure, here it is:\n```json\n{\"label\": \"pos\", \"n\": [1]}\n```"
        #expect(try JSONReader.parseEmbeddedObject(reply) == .object(["label": .string("pos"), "n": .array([.int(1)])]))
        #expect(try JSONReader.parseEmbeddedObject("no object here") == nil)
        #expect(throws: JSONSyntaxError("expected ':' after the key \"a\", found '}'", line: 2, column: 5, offset: 10)) {
            try JSONReader.parseEmbeddedObject("prose\n{\"a\"}")
        }
    }
}
