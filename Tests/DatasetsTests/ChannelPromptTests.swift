import Chat
import Testing

@testable import Datasets

/// The channel form of a prompt: labels ask, texts answer, and the row's text is the reply.
@Suite struct ChannelPromptTests {
    @Test func shotsAreTurnedAroundAndTheRowsTextIsTheReply() throws {
        let p = try PromptTemplate(
            "Tweet: {text}\nSentiment:", system: "Classify tweets about {topic}.", output: .label(allowed: ["neg", "pos"]))
        let shots: [Row] = [["text": "awful", "label": "neg", "topic": "cars"], ["text": "lovely", "label": "pos"]]
        let c = try p.renderChannel(["text": "so good", "topic": "cars"], shots: shots, label: "pos")
        #expect(c.messages.map(\.role) == [.system, .user, .assistant, .user, .assistant, .user])
        #expect(
            c.messages[0].content
                == "Classify tweets about cars.\n\nYou are given a label (one of: neg, pos). Reply with a text that has this label."
        )
        #expect(
            c.messages.dropFirst().map(\.content) == [
                "neg", "Tweet: awful\nSentiment:", "pos", "Tweet: lovely\nSentiment:", "pos",
            ])
        #expect(c.reply == "Tweet: so good\nSentiment:")
        // Only the label turn differs between the labels of one row.
        let other = try p.renderChannel(["text": "so good", "topic": "cars"], shots: shots, label: "neg")
        #expect(Array(other.messages.dropLast()) == Array(c.messages.dropLast()) && other.reply == c.reply)
    }

    @Test func aPromptWithoutLabelsOrAShotWithoutOneIsAnError() throws {
        let free = try PromptTemplate("Say {text}", output: .text())
        #expect(throws: DatasetError.self) { try free.renderChannel(["text": "hi"], shots: [], label: "x") }
        let labelled = try PromptTemplate("Say {text}", output: .label(allowed: ["a", "b"]))
        #expect(throws: DatasetError.self) { try labelled.renderChannel(["text": "hi"], shots: [["text": "yo"]], label: "a") }
        // Without a system message the instruction stands alone.
        let c = try labelled.renderChannel(["text": "hi"], shots: [], label: "a")
        #expect(
            c.messages.map(\.content) == ["You are given a label (one of: a, b). Reply with a text that has this label.", "a"])
    }
}
