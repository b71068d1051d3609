import Chat
import Testing

@testable import Datasets

@Suite struct PromptTests {
    @Test func slotsAreFilledAndBracesEscaped() throws {
        let p = try PromptTemplate("Tweet: {text} {{literal}} {label}", system: "Task for {who}.")
        #expect(p.slots == ["text", "label", "who"])
        #expect(try p.render(["text": "hi", "label": 3]) == "Tweet: hi {literal} 3")
        #expect(try p.renderSystem(["who": "you"]) == "Task for you.")
    }

    @Test func missingSlotNamesTheSlotAndTheRecordsFields() throws {
        let p = try PromptTemplate("Tweet: {tweet}")
        #expect {
            _ = try p.render(["text": "hi", "label": "pos"])
        } throws: { error in
            let m = (error as! DatasetError).message
            return m.contains("no field 'tweet' for the slot {tweet}") && m.hasSuffix("its fields: text, label")
        }
    }

    @Test(arguments: ["oops {text", "a } b", "empty {} slot", "nested {a{b}}"])
    func badTemplatesAreErrors(template: String) {
        #expect(throws: DatasetError.self) { try PromptTemplate(template) }
    }

    @Test(arguments: [
        ("positive", "positive"), ("Positive.", "positive"), ("\"negative\"", "negative"),
        ("Sentiment: neutral\nTweet: something else positive", "neutral"),
        ("I think it is NEGATIVE overall", "negative"),
        ("\n\nThe answer:\npositive", "positive"),
    ])
    func labelRepliesAreRead(reply: String, label: String) throws {
        let spec = OutputSpec.label(allowed: ["positive", "negative", "neutral"])
        #expect(try spec.parse(reply).get() == ["label": .string(label)])
    }

    @Test(arguments: [
        ("", "empty reply"), ("   \n ", "empty reply"), ("I cannot tell", "names none of the labels"),
        ("positive or negative", "names several labels"),
    ])
    func badLabelRepliesAreRejectedWithTheRawText(reply: String, reason: String) {
        let spec = OutputSpec.label(allowed: ["positive", "negative", "neutral"])
        guard case .failure(let r) = spec.parse(reply) else { Issue.record("accepted \(reply)"); return }
        #expect(r.reason.hasPrefix(reason))
        #expect(r.raw == reply)
    }

    @Test func outputSpecFromFieldNames() throws {
        #expect(try OutputSpec(fields: ["label"]) == .label(field: "label", allowed: nil))
        #expect(try OutputSpec(fields: ["sentiment"], labels: ["a", "b"]) == .label(field: "sentiment", allowed: ["a", "b"]))
        #expect(try OutputSpec(fields: ["summary"]) == .text(field: "summary"))
        #expect(try OutputSpec(fields: ["q", "a"]).fields == ["q", "a"])
        #expect(throws: DatasetError.self) { try OutputSpec(fields: []) }
        #expect(throws: DatasetError.self) { try OutputSpec(fields: ["a", "a"]) }
    }

    @Test func aLongerLabelWinsOverTheShorterItContains() throws {
        let spec = OutputSpec.label(allowed: ["positive", "very positive", "negative"])
        #expect(try spec.parse("Very positive!").get() == ["label": "very positive"])
        #expect(try spec.parse("positive").get() == ["label": "positive"])
    }

    @Test func freeLabelsTakeTheCleanedFirstLine() throws {
        #expect(try OutputSpec.label().parse("Label: *Sports*.\nmore").get() == ["label": "Sports"])
        #expect(try OutputSpec.text(field: "answer").parse("  42 \n").get() == ["answer": "42"])
    }

    @Test func jsonRepliesAreCheckedAgainstTheSchema() throws {
        let schema = try JSONSchema(
            .record([
                "type": "object",
                "properties": .record([
                    "q": .record(["type": "string"]), "n": .record(["type": "integer"]),
                    "tag": .record(["type": "string", "enum": ["a", "b"]]),
                ]),
                "required": ["q", "n"],
            ]))
        let spec = OutputSpec.json(schema)
        #expect(try spec.parse("Sure!\n```json\n{\"n\": 2, \"q\": \"why?\", \"extra\": 1}\n```").get() == ["q": "why?", "n": 2])
        let cases: [(String, String)] = [
            ("no braces here", "no JSON object"),
            ("{\"q\": \"x\"}", "missing required field 'n'"),
            ("{\"q\": 1, \"n\": 2}", "field 'q' should be string, found a number"),
            ("{\"q\": \"x\", \"n\": 2, \"tag\": \"c\"}", "field 'tag' is \"c\", expected one of \"a\", \"b\""),
            ("{\"q\": \"x\", \"n\": }", "invalid JSON"),
        ]
        for (reply, reason) in cases {
            guard case .failure(let r) = spec.parse(reply) else { Issue.record("accepted \(reply)"); continue }
            #expect(r.reason.hasPrefix(reason), "\(r.reason)")
        }
        let short = try JSONSchema(.record(["question": "string", "answer": "string"]))
        #expect(short.required == ["question", "answer"])
        #expect(throws: DatasetError.self) { try JSONSchema(.record(["x": "text"])) }
    }

    @Test func dialogueRepliesBecomeMessages() throws {
        let spec = OutputSpec.dialogue(DialogueFormat(exchanges: 1))
        let parsed = try spec.parse(
            "Here you go:\nUser: is it sunny?\nBot: yes,\nvery sunny aha cheers !\nUser: and tomorrow?\nBot: rain"
        ).get()
        #expect(
            parsed == [
                "messages": .list([
                    .record(["role": "user", "content": "is it sunny?"]),
                    .record(["role": "assistant", "content": "yes,\nvery sunny aha cheers !"]),
                ])
            ])
        let named = OutputSpec.dialogue(DialogueFormat(user: "Customer", bot: "Agent"))
        let two = try named.parse("Customer: hi\nAgent: hello\nCustomer: bye\nAgent: ciao\nNarrator: the end").get()
        guard case .list(let turns)? = two["messages"] else { Issue.record("no messages"); return }
        #expect(turns.count == 4)
    }

    @Test(arguments: [
        ("Bot: hi", "starts with \"Bot:\""), ("just prose", "no \"User:\" or \"Bot:\" lines"),
        ("User: a\nUser: b\nBot: c", "two \"User:\" turns in a row"), ("User: a\nBot:", "empty \"Bot:\" turn"),
        ("User: only a question", "expected 1 User/Bot exchange, found 0"),
    ])
    func badDialoguesAreRejected(reply: String, reason: String) {
        guard case .failure(let r) = OutputSpec.dialogue(DialogueFormat(exchanges: 1)).parse(reply) else {
            Issue.record("accepted \(reply)")
            return
        }
        #expect(r.reason.hasPrefix(reason), "\(r.reason)")
    }

    @Test func fewShotRendersTextAndChatMessages() throws {
        let p = try PromptTemplate(
            "Tweet: {text}\nSentiment:", system: "Classify tweets.", output: .label(allowed: ["pos", "neg"]))
        let shots: [Row] = [["text": "awful", "label": "neg"], ["text": "great", "label": "pos"]]
        let r = try p.render(["text": "fine"], shots: shots)
        #expect(r.messages.map(\.role) == [.system, .user, .assistant, .user, .assistant, .user])
        #expect(r.messages[0].content == "Classify tweets.\n\nAnswer with exactly one of: pos, neg. Reply with the label only.")
        #expect(r.messages[2].content == "neg")
        #expect(r.messages[5].content == "Tweet: fine\nSentiment:")
        #expect(
            r.text == """
                Classify tweets.

                Answer with exactly one of: pos, neg. Reply with the label only.

                Tweet: awful
                Sentiment: neg

                Tweet: great
                Sentiment: pos

                Tweet: fine
                Sentiment:
                """)
    }

    @Test func dialogueShotsBecomeSpeakerLines() throws {
        let p = try PromptTemplate(
            "Write one User line and the Bot's reply.", system: "Bot ends with \"aha cheers !\".",
            output: .dialogue(DialogueFormat(exchanges: 1)), includeFormatInstructions: false)
        let shot: Row = ["user": "hi", "bot": "hello aha cheers !"]
        let r = try p.render(Row(), shots: [shot, shot])
        #expect(r.messages.count == 6)
        #expect(r.messages[2] == ChatMessage(.assistant, "User: hi\nBot: hello aha cheers !"))
        #expect(throws: DatasetError.self) { try p.render(Row(), shots: [["text": "no dialogue"]]) }
    }
}
