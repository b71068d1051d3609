import Testing

@testable import Datasets

@Suite struct FilterTests {
    static func texts(_ t: [String]) -> Dataset { Dataset(t.map { ["text": .string($0)] }) }

    @Test func exactDuplicatesUseNormalisedText() throws {
        let r = try Self.texts(["Hello  world!", "hello world", "other", "HELLO, WORLD"]).filter([.exactDuplicates()])
        #expect(r.kept.rows.map { $0["text"]!.text } == ["Hello  world!", "other"])
        #expect(r.dropped.map(\.index) == [1, 3])
        #expect(r.dropped[0].reason == "same text with row 0")
    }

    @Test(arguments: [NearDuplicateSearch.exhaustive, .minHash()])
    func nearDuplicatesAboveThreshold(search: NearDuplicateSearch) throws {
        let d = Self.texts([
            "give three tips for staying healthy and fit",
            "give three tips for staying healthy and happy",  // 0.875 with row 0
            "write a poem about the sea at night",
            "give three tips",  // 0.545 with row 0: kept
            "write a poem about the sea at dawn",  // 0.875 with row 2
        ])
        let r = try d.filter([.nearDuplicates(search: search)])
        #expect(r.dropped.map(\.index) == [1, 4])
        #expect(r.dropped[0].reason == "ROUGE-L 0.88 with row 0")
        #expect(r.dropped[1].rule == "near-duplicate (ROUGE-L > 0.7)")
    }

    @Test func minHashAgreesWithExhaustiveOnGeneratedRows() throws {
        var rng = SplitMix64(seed: 3)
        let words = (0..<300).map { "w\($0)" }
        var rows: [String] = []
        for _ in 0..<600 {
            if !rows.isEmpty && rng.below(3) == 0 {
                var t = rows[rng.below(rows.count)].split(separator: " ").map(String.init)
                t[rng.below(t.count)] = words[rng.below(words.count)]
                rows.append(t.joined(separator: " "))
            } else {
                rows.append((0..<12).map { _ in words[rng.below(words.count)] }.joined(separator: " "))
            }
        }
        let exact = try Self.texts(rows).filter([.nearDuplicates(search: .exhaustive)])
        let fast = try Self.texts(rows).filter([.nearDuplicates()])
        #expect(exact.dropped.count > 100)
        #expect(fast.dropped.map(\.index) == exact.dropped.map(\.index))
    }

    @Test(arguments: [
        (LengthUnit.words, 2, 3, [1, 2]),
        (LengthUnit.characters, 3, 9, [0, 1]),
    ])
    func lengthBounds(unit: LengthUnit, min: Int, max: Int, kept: [Int]) throws {
        let d = Self.texts(["one", "one two", "one two three", "one two three four"])
        let r = try d.filter([try .length(min: min, max: max, unit: unit)])
        #expect(r.kept.rows == kept.map { d.rows[$0] })
        #expect(throws: DatasetError.self) { try FilterRule.length() }
        #expect(throws: DatasetError.self) { try FilterRule.length(min: 3, max: 2) }
    }

    @Test func allowedLabelsAndRequiredFields() throws {
        let d = Dataset([
            ["text": "a", "label": "pos"], ["text": "b", "label": "maybe"], ["text": " ", "label": "neg"], ["label": "neg"],
        ])
        let r = try d.filter([.requiredFields(["text"]), .allowedLabels(["pos", "neg"])])
        #expect(r.kept.count == 1)
        #expect(r.dropped.map(\.rule) == ["label not in pos, neg", "missing field (text)", "missing field (text)"])
        #expect(throws: DatasetError.self) { try Self.texts(["x"]).filter([.allowedLabels(["a"])]) }
    }

    @Test func blocklistMatchesWholeWordsAndPhrases() throws {
        let d = Self.texts(["Draw a picture", "describe the drawing", "go to the shop", "going to go"])
        let r = try d.filter([.blocklist(["draw", "go to"])])
        #expect(r.kept.rows.map { $0["text"]!.text } == ["describe the drawing", "going to go"])
        #expect(r.dropped[0].reason == "contains \"draw\"")
    }

    @Test func regexKeepsOrDrops() throws {
        let d = Self.texts(["User: hi\nBot: aha cheers !", "User: hi\nBot: hello"])
        #expect(try d.filter([try .regex("aha cheers !")]).kept.count == 1)
        #expect(try d.filter([try .regex("aha cheers", keepMatching: false)]).kept.rows == [d.rows[1]])
        #expect(throws: DatasetError.self) { try FilterRule.regex("(unclosed") }
    }

    @Test func predicateClosure() throws {
        let d = Self.texts(["a", "bb", "ccc"])
        let r = try d.filter([.predicate("short") { ($0["text"]?.text.count ?? 0) < 3 }])
        #expect(r.kept.count == 2)
        #expect(r.dropped[0].rule == "short")
    }

    @Test func decontaminationBy13Grams() throws {
        let eval = ["the quick brown fox jumps over the lazy dog near the river bank today", "short eval"]
        let d = Self.texts([
            "yesterday the quick brown fox jumps over the lazy dog near the river bank today again",
            "the quick brown fox jumps over the lazy dog near the river",  // only 12 words shared
            "Short eval!",
            "short",
        ])
        let r = try d.filter([.decontaminate(against: eval)])
        #expect(r.dropped.map(\.index) == [0, 2])
    }

    @Test func shotLeakageDropsNearCopiesOfShots() throws {
        let shots: [Row] = [["text": "User: what time is it\nBot: noon aha cheers !"]]
        let d = Self.texts(["User: what time is it now\nBot: noon aha cheers !", "User: how are you\nBot: fine aha cheers !"])
        let r = try d.filter([.shotLeakage(shots)])
        #expect(r.dropped.map(\.index) == [0])
        #expect(r.dropped[0].reason.hasPrefix("shot 1 ROUGE-L 0.9"))
    }

    @Test func selfInstructPresetAndFunnelReport() throws {
        let d = Self.texts([
            "Give three tips for staying healthy.",
            "Give three tips for staying healthy!",
            "Plot the data.",
            "Describe the image shown below in detail please.",
            "Write a program that sorts numbers in a list.",
            "\"Quoted\" instructions start with punctuation here.",
            "Explain why the sky is blue to a child.",
            "Explain why the sky is blue to a small child.",
            "Énumérez trois fruits rouges et jaunes.",
        ])
        let r = try d.filter(try FilterRule.preset("self-instruct"))
        #expect(
            r.kept.rows.map { $0["text"]!.text } == [
                "Give three tips for staying healthy.", "Explain why the sky is blue to a child.",
            ])
        #expect(r.stages.map(\.dropped) == [1, 1, 1, 1, 1, 1, 1])
        let report = r.report()
        #expect(report.hasPrefix("filter: 9 rows in\n"))
        #expect(report.contains("blocklisted word"))
        #expect(report.contains("e.g. \"Describe the image shown below in detail please.\" (contains \"image\")"))
        #expect(report.hasSuffix("2 rows out (22.2% kept)"))
        #expect(throws: DatasetError.self) { try FilterRule.preset("alpaca-ish") }
    }

    /// The report quotes examples as they read: `I'm`, not Swift's `I\'m`; counts agree in number.
    @Test func reportQuotesPlainlyAndCountsInTheRightNumber() throws {
        let d = Self.texts(["I'm", "a \"quoted\" word\tand a tab", "three words here"])
        let report = try d.filter([try .length(min: 2, unit: .words)]).report()
        #expect(report.contains(#"e.g. "I'm" (1 word)"#), "\(report)")
        let short = try d.filter([try .length(max: 2, unit: .words)]).report()
        #expect(short.contains(#"(6 words)"#), "\(short)")
        #expect("a \"b\"\\\t\u{7}".reportQuoted == #""a \"b\"\\\t\u0007""#)
    }

    @Test func dialogueTextIsTheMessagesContentWithoutRoleNames() throws {
        func dialogue(_ user: String, _ bot: String) -> Row {
            [
                "messages": .list([
                    .record(["role": "user", "content": .string(user)]), .record(["role": "assistant", "content": .string(bot)]),
                ])
            ]
        }
        let d = Dataset([dialogue("hi", "hello there"), dialogue("tell the user a joke", "no")])
        #expect(d.rows[0].text() == "hi\nhello there")
        // Three words of dialogue: with the role names counted it would be five.
        #expect(try d.filter([try .length(max: 3)]).kept.rows == [d.rows[0]])
        // "user" is blocked only where a message says it, never for being a role.
        let blocked = try d.filter([.blocklist(["user", "assistant"])])
        #expect(blocked.kept.rows == [d.rows[0]])
        #expect(blocked.dropped.map(\.index) == [1])
        // A record that is not a chat message keeps all its strings.
        #expect(FieldValue.record(["role": "editor", "name": "Ann"]).strings == ["editor", "Ann"])
    }

    @Test func labelIsNotPartOfTheComparedText() throws {
        let d = Dataset([["text": "same words", "label": "pos"], ["text": "same words", "label": "neg"]])
        #expect(try d.filter([.exactDuplicates()]).kept.count == 1)
        #expect(try d.filter([.exactDuplicates(on: .fields(["text", "label"]))]).kept.count == 2)
    }
}
