import Chat
import Foundation
import Testing

@testable import Teacher

@Suite struct RecordingStoreTests {
    private func temporaryPath(_ name: String) -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fewshot-teacher-\(UUID())")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name).path
    }

    private func recording(_ index: Int, sample: Int = 0) -> Recording {
        Recording(
            request: userRequest("question \(index)"), sample: sample,
            response: ChatResponse(
                text: "answer \(index)", finishReason: "stop", usage: TokenUsage(promptTokens: 2, completionTokens: 2)))
    }

    @Test func keysAreCanonical() {
        let a = ChatRequest(model: "m", messages: [ChatMessage(role: "user", content: "x")], temperature: 0.5, seed: 1)
        var b = ChatRequest(model: "m", messages: [ChatMessage(role: "user", content: "x")])
        b.seed = 1
        b.temperature = 0.5
        #expect(a.recordingKey == b.recordingKey)
        #expect(a.recordingKey.count == 64)
        b.temperature = 0.6
        #expect(a.recordingKey != b.recordingKey)
        let json = String(decoding: a.canonicalJSON(), as: UTF8.self)
        #expect(json == #"{"messages":[{"content":"x","role":"user"}],"model":"m","seed":1,"stop":[],"temperature":0.5}"#)
    }

    @Test func appendsSurviveReopening() throws {
        let path = temporaryPath("a.fsrec")
        do {
            let store = try RecordingStore(path: path)
            for index in 0..<5 { try store.append(recording(index)) }
        }
        let reopened = try RecordingStore(path: path)
        #expect(reopened.count == 5)
        #expect(reopened.droppedBytes == 0)
        #expect(reopened.recording(key: userRequest("question 3").recordingKey, sample: 0)?.response.text == "answer 3")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("{\"fewshot-recordings\":1}\n"))
        #expect(text.split(separator: "\n").count == 6)
    }

    @Test(arguments: [true, false])
    func aTornLastLineIsDroppedAndNothingBeforeIt(cutMidLine: Bool) throws {
        let path = temporaryPath("torn.fsrec")
        do {
            let store = try RecordingStore(path: path)
            for index in 0..<4 { try store.append(recording(index)) }
        }
        let intact = try Data(contentsOf: URL(fileURLWithPath: path))
        // A crash mid-write: half a line with no newline, or a cut line that got its newline.
        let line = try JSONEncoder().encode(recording(99))
        var torn = intact + line.prefix(line.count / 2)
        if !cutMidLine { torn.append(0x0A) }
        try torn.write(to: URL(fileURLWithPath: path))

        let reloaded = try RecordingStore(path: path)
        #expect(reloaded.count == 4)
        #expect(reloaded.droppedBytes == torn.count - intact.count)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == intact)  // the torn tail is cut
        try reloaded.append(recording(4))
        let again = try RecordingStore(path: path)
        #expect(again.entries.map(\.response.text) == (0..<5).map { "answer \($0)" })
    }

    @Test func damageBeforeTheLastLineIsAnError() throws {
        let path = temporaryPath("damaged.fsrec")
        do {
            let store = try RecordingStore(path: path)
            for index in 0..<3 { try store.append(recording(index)) }
        }
        var lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
        lines[2] = "not json"
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            try RecordingStore(path: path)
        } throws: { error in
            "\(error)".contains("line 3")
        }
        let foreign = temporaryPath("notes.txt")
        try "shopping list".write(toFile: foreign, atomically: true, encoding: .utf8)
        #expect(throws: TeacherError.self) { try RecordingStore(path: foreign) }
        #expect(try String(contentsOfFile: foreign, encoding: .utf8) == "shopping list")
    }

    @Test func serialisesForEmbedding() throws {
        let store = RecordingStore()
        for index in 0..<3 { try store.append(recording(index)) }
        try store.append(recording(1, sample: 1))
        let copy = try RecordingStore(data: store.serialized())
        #expect(copy.entries == store.entries)
        #expect(copy.sampleCount(key: userRequest("question 1").recordingKey) == 2)
        let path = temporaryPath("written.fsrec")
        try copy.write(to: path)
        #expect(try RecordingStore(path: path).entries == store.entries)
    }

    @Test func responsesWithoutChoicesStillDecode() throws {
        let json = #"{"text":"x","usage":{"promptTokens":1,"completionTokens":2}}"#
        let response = try JSONDecoder().decode(ChatResponse.self, from: Data(json.utf8))
        #expect(response == ChatResponse(text: "x", usage: TokenUsage(promptTokens: 1, completionTokens: 2)))
        #expect(response.texts == ["x"])
    }

    @Test func theLatestRecordingWins() throws {
        let store = RecordingStore()
        try store.append(recording(1))
        var newer = recording(1)
        newer.response.text = "fresher"
        try store.append(newer)
        #expect(store.count == 2)
        #expect(store.recording(key: newer.key, sample: 0)?.response.text == "fresher")
    }
}
