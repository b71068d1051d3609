import Chat
import Foundation
import Testing

@testable import Teacher

@Suite struct ChatMessageTests {
    /// The one message type is what requests are keyed by: its JSON must stay the API's
    /// `{"content", "role"}` (weight only when set), or every recording would stop matching.
    @Test func encodesAsTheAPISpellsAMessage() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let plain = String(decoding: try encoder.encode(ChatMessage(role: "user", content: "hi")), as: UTF8.self)
        #expect(plain == #"{"content":"hi","role":"user"}"#)
        let weighted = String(decoding: try encoder.encode(ChatMessage(.assistant, "ok", weight: 0)), as: UTF8.self)
        #expect(weighted == #"{"content":"ok","role":"assistant","weight":0}"#)
        let back = try JSONDecoder().decode(ChatMessage.self, from: Data(#"{"role":"system","content":"s"}"#.utf8))
        #expect(back == ChatMessage(role: .system, content: "s") && back.weight == nil && back.trained)
        #expect(!ChatMessage(.assistant, "x", weight: 0).trained && ChatMessage(.assistant, "x", weight: 1).trained)
        #expect(
            "\(ChatMessage.Role.assistant)" == "assistant"
                && ChatMessage.Role.known.map(\.rawValue) == ["system", "user", "assistant"])
    }
}
