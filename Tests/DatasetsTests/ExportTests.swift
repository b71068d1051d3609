import Testing

@testable import Datasets

@Suite struct ExportTests {
    let tweets = Dataset([["text": "love it", "label": "positive"], ["text": "hate it", "label": "negative"]])

    @Test func openAIChatLinesAreExact() throws {
        let lines = try tweets.exportLines(.openAIChat, ExportOptions(system: "Classify the sentiment."))
        #expect(
            lines[0]
                == #"{"messages":[{"role":"system","content":"Classify the sentiment."},{"role":"user","content":"love it"},{"role":"assistant","content":"positive"}]}"#
        )
    }

    @Test func chatWeightsMarkOnlyTheLastAssistantTurn() throws {
        let dialogue = Dataset([
            [
                "messages": .list([
                    .record(["role": "user", "content": "hi"]), .record(["role": "assistant", "content": "hello"]),
                    .record(["role": "user", "content": "bye"]), .record(["role": "assistant", "content": "aha cheers !"]),
                ])
            ]
        ])
        let line = try dialogue.exportLines(.openAIChat, ExportOptions(trainOnLastTurnOnly: true))[0]
        #expect(
            line
                == #"{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello","weight":0},{"role":"user","content":"bye"},{"role":"assistant","content":"aha cheers !","weight":1}]}"#
        )
    }

    @Test func batchLinesAreExact() throws {
        let lines = try tweets.exportLines(.openAIBatch, ExportOptions(system: "Classify.", model: "gpt-4o-mini"))
        #expect(
            lines[1]
                == #"{"custom_id":"request-2","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini","messages":[{"role":"system","content":"Classify."},{"role":"user","content":"hate it"}]}}"#
        )
    }

    @Test func alpacaLinesAreExact() throws {
        let lines = try tweets.exportLines(.alpaca, ExportOptions(system: "Classify the sentiment."))
        #expect(lines[0] == #"{"instruction":"Classify the sentiment.","input":"love it","output":"positive"}"#)
    }

    /// A batch request names the model it is for: the row's own, else `model:`; never a
    /// model fewshot made up (it used to write "gpt-4o-mini" whatever the teacher was).
    @Test func batchLinesNameTheGivenModelOrRefuse() throws {
        #expect(throws: DatasetError.self) { try tweets.exportLines(.openAIBatch) }
        let own = Dataset([["text": "hi", "model": "llama-3-8b"]])
        #expect(try own.exportLines(.openAIBatch, ExportOptions(model: "other"))[0].contains(#""model":"llama-3-8b""#))
        #expect(try tweets.exportLines(.openAIBatch, ExportOptions(model: "qwen"))[0].contains(#""model":"qwen""#))
    }

    /// Alpaca has one input and one output: a dialogue's earlier turns go into the input.
    @Test func alpacaKeepsEveryTurnOfADialogue() throws {
        let dialogue = Dataset([
            [
                "messages": .list([
                    .record(["role": "user", "content": "hi"]), .record(["role": "assistant", "content": "hello"]),
                    .record(["role": "user", "content": "bye"]), .record(["role": "assistant", "content": "aha cheers !"]),
                ])
            ]
        ])
        #expect(
            try dialogue.exportLines(.alpaca)[0]
                == #"{"instruction":"","input":"User: hi\nAssistant: hello\nUser: bye","output":"aha cheers !"}"#)
    }

    @Test(arguments: ExportFormat.allCases)
    func exportsAreRecognisedAndReadBack(format: ExportFormat) throws {
        let dir = try TempFolder()
        defer { dir.remove() }
        let path = dir.path + "/out.jsonl"
        try tweets.export(format, to: path, ExportOptions(system: "Classify.", model: "m"))
        let back = try Dataset.load(path)
        #expect(back.sourceFormat == format)
        #expect(back.count == 2)
        switch format {
        case .openAIChat: #expect(back.schema.names == ["messages"])
        case .openAIBatch: #expect(back.schema.names == ["custom_id", "model", "messages"])
        case .alpaca: #expect(back.rows[1] == ["instruction": "Classify.", "input": "hate it", "output": "negative"])
        }
    }

    @Test func aBrokenChatFileNamesTheRow() throws {
        let dir = try TempFolder()
        defer { dir.remove() }
        let path = try dir.file(
            "chat.jsonl",
            """
            {"messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"}]}
            {"messages":[{"role":"robot","content":"a"}]}

            """)
        #expect {
            _ = try Dataset.load(path)
        } throws: { error in
            (error as! DatasetError).description == path
                + ":2: messages[0]: unknown role 'robot', expected system, user or assistant"
        }
    }

    @Test func exportWithoutAReplyNamesTheRow() {
        let d = Dataset([["text": "no label here"]])
        #expect(throws: DatasetError("row 1: no assistant turn; expected an output or label column")) {
            try d.exportLines(.openAIChat)
        }
        #expect(throws: DatasetError.self) { try ExportFormat(named: "jsonl-ish") }
    }
}
