import Foundation
import Testing

@testable import Datasets

/// `LinearRegex`: the RE2-like subset `filter(regex:)` accepts, and linear time on patterns
/// that make backtracking matchers take exponential time.
@Suite struct LinearRegexTests {
    /// (pattern, text, matches somewhere)
    static let cases: [(String, String, Bool)] = [
        ("abc", "xxabcxx", true), ("abc", "ab", false), ("", "anything", true),
        ("^abc$", "abc", true), ("^abc$", "abcd", false), ("^b", "ab", false), ("c$", "abc\n", false),
        ("(?m)^b", "a\nb", true), ("(?m)a$", "a\nb", true),
        ("a.c", "abc", true), ("a.c", "a\nc", false), ("(?s)a.c", "a\nc", true),
        ("colou?r", "color", true), ("colou?r", "colour", true), ("colou?r", "colouur", false),
        ("ab*c", "ac", true), ("ab+c", "ac", false), ("ab+c", "abbbc", true),
        ("a{3}", "aa", false), ("a{3}", "aaa", true), ("^a{2,3}$", "aaaa", false), ("^a{2,}$", "aaaaa", true),
        ("x{y", "x{y", true), ("a{,2}", "a{,2}", true),
        ("cat|dog", "hotdog", true), ("^(cat|dog)s?$", "cats", true), ("^(?:cat|dog)$", "cow", false),
        ("[aeiou]", "rhythm", false), ("[a-c]x", "bx", true), ("[^a-c]x", "bx", false), ("[]a]", "]", true),
        ("[a-]", "-", true), (#"[\d_]"#, "_", true), (#"[\W]"#, "a", false), (#"[\W]"#, "!", true),
        (#"\d+"#, "abc123", true), (#"^\D+$"#, "abc1", false), (#"\w"#, "!!", false), (#"\s"#, "a b", true),
        (#"\bcat\b"#, "a cat!", true), (#"\bcat\b"#, "concat", false), (#"\Bcat"#, "concat", true),
        (#"\Aab\z"#, "ab", true), (#"a\.b"#, "a.b", true), (#"a\.b"#, "axb", false), (#"\(\)"#, "()", true),
        (#"\x41"#, "A", true), (#"\u{e9}"#, "café", true), (#"\t"#, "a\tb", true),
        ("(?i)hello", "HeLLo", true), ("(?i:h)ello", "Hello", true), ("(?i:h)ello", "HELLO", false),
        ("(?i)^[a-z]+$", "ÉCOLE", false), ("(?i)école", "ÉCOLE", true), ("(?i)[é]", "É", true),
        ("(?<word>ab)+", "abab", true), ("a*?b", "aab", true),
        // Self-Instruct's preset rules.
        (#"^\s*Write a program"#, "  Write a program that", true), (#"^\s*[!-/:-@\[-`{-~]"#, " #tag", true),
        (#"^\s*[^\x00-\x7F]"#, "  é", true), (#"^\s*[^\x00-\x7F]"#, "  e", false),
        // Empty loops terminate.
        ("(a*)*b", "aaac", false), ("(a|)*$", "aaa", true), ("(?:)*x", "x", true),
    ]

    @Test func matchesTheDocumentedSyntax() throws {
        for (pattern, text, expected) in Self.cases {
            let matched = try LinearRegex(pattern).matches(text)
            #expect(matched == expected, "/\(pattern)/ on \(text.debugDescription)")
        }
    }

    /// Patterns outside the subset are rejected with a message, never run.
    @Test(arguments: [
        ("(a)\\1", "backreferences"), ("a(?=b)", "lookahead"), ("(?<!a)b", "lookahead"), ("(?>a)", "atomic"),
        ("a++", "possessive"), ("a**", "quantifier cannot follow"), ("*a", "nothing to repeat"), ("(ab", "missing ')'"),
        ("ab)", "unmatched ')'"), ("[ab", "missing ']'"), ("[z-a]", "out of order"), ("a{1001}", "above 1000"),
        ("a{3,2}", "max below min"), ("\\", "lone backslash"), ("\\q", "unknown escape"), ("[[:alpha:]]", "POSIX"),
        ("\\p{L}", "Unicode property"), ("(?x)a", "unknown flag"), ("(a{1000}){1000}", "too large"),
        (String(repeating: "(", count: 300) + "a" + String(repeating: ")", count: 300), "nested more than 200"),
    ])
    func rejectsUnsupportedSyntax(pattern: String, message: String) {
        #expect {
            try LinearRegex(pattern)
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    /// Patterns that take exponential time with backtracking finish at once: the work is
    /// bounded by (text length) x (pattern size).
    @Test func catastrophicPatternsRunInLinearTime() throws {
        let start = Date()
        let hostile = String(repeating: "a", count: 40) + "!"
        for pattern in ["^(a+)+$", "^(a|a)*$", "^(a|aa)+$", "(a*)*b", "^(a?){40}a{40}$", "(x+x+)+y"] {
            #expect(try LinearRegex(pattern).matches(hostile) == false, "/\(pattern)/")
        }
        let long = String(repeating: "a", count: 100_000)
        #expect(try LinearRegex("^(a+)+$").matches(long))
        #expect(try LinearRegex("^(a+)+b$").matches(long) == false)
        #expect(Date().timeIntervalSince(start) < 20)  // backtracking would not finish in years
    }

    @Test func filterRuleUsesIt() throws {
        let d = Dataset([["text": "aaaa!"], ["text": "aaaa"]])
        let r = try d.filter([try .regex("^(a+)+$")])
        #expect(r.kept.rows == [d.rows[1]])
        #expect(throws: DatasetError.self) { try FilterRule.regex("(?=x)") }
    }
}
