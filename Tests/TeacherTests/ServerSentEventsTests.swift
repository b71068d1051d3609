import Testing

@testable import Teacher
@testable import TeacherHTTP

@Suite struct ServerSentEventsTests {
    /// Feeds `text` one byte at a time, so every split point is exercised.
    private func bytewise(_ text: String) -> (events: [ServerSentEvent], parser: ServerSentEventParser) {
        var parser = ServerSentEventParser()
        var events: [ServerSentEvent] = []
        for byte in Array(text.utf8) { events += parser.feed([byte]) }
        return (events, parser)
    }

    @Test func followsTheFieldRules() {
        let stream =
            ": a comment\n\n"  // comment, then a blank line with no data: nothing dispatched
            + "data: one\n\n"  // one leading space stripped
            + "data:two\r\n\r\n"  // no space, CRLF line ends
            + "data:  three\r\r"  // only one space stripped, CR line ends
            + "event: error\ndata: {\"a\":\ndata: 1}\n\n"  // event type, multi-line data joined
            + "id: 7\nretry: 10\ndata\n\n"  // a field with no colon: empty data
            + "data: unfinished"  // no blank line: never dispatched
        let (events, parser) = bytewise(stream)
        #expect(
            events == [
                ServerSentEvent(type: "message", data: "one"),
                ServerSentEvent(type: "message", data: "two"),
                ServerSentEvent(type: "message", data: " three"),
                ServerSentEvent(type: "error", data: "{\"a\":\n1}"),
                ServerSentEvent(type: "message", data: ""),
            ])
        #expect(!parser.invalidUTF8)
    }

    @Test func chunkingDoesNotMatter() {
        let stream = "data: {\"x\": \"é\"}\r\n\r\ndata: [DONE]\n\n"
        var whole = ServerSentEventParser()
        let all = whole.feed(Array(stream.utf8))
        #expect(all.map(\.data) == ["{\"x\": \"é\"}", "[DONE]"])
        #expect(bytewise(stream).events == all)
    }

    @Test func flagsInvalidUTF8() {
        var parser = ServerSentEventParser()
        let events = parser.feed(Array("data: ok ".utf8) + [0xFF, 0xFE] + Array("\n\n".utf8))
        #expect(events.isEmpty)
        #expect(parser.invalidUTF8)
    }
}
