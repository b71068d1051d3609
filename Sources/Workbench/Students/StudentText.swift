import Chat
import Datasets
import Learn

/// How dataset rows become training text for a student, with the loss on the right tokens.
///
/// A dialogue row (`messages`) becomes `User: ...` / `Bot: ...` lines where only the bot's
/// words (and the end of the conversation) carry loss, as OpenAI's fine-tuning does for
/// assistant turns, except turns with `"weight": 0` (kept as context only). A row with a reply column (`output`, `response`, `completion`, `answer`)
/// trains on the reply only. Any other row trains on all of its text.
struct StudentText {
    /// The speaker names written before each turn.
    var user = "User"
    var bot = "Bot"

    /// The reply columns recognised, in order of preference.
    static let replyColumns = ["output", "response", "completion", "answer"]

    /// The text segments of one row, each marked trained or not.
    func segments(_ row: Row, index: Int) throws -> [(text: String, trained: Bool)] {
        if let messages = row["messages"] {
            var segments: [(String, Bool)] = []
            for message in try ChatMessage.list(messages, row: index + 1) {
                switch message.role {
                case .user: segments.append(("\(user): \(message.content)\n", false))
                case .assistant:
                    segments.append(("\(bot): ", false))
                    segments.append(("\(message.content)\n", message.trained))
                default: continue  // the system message (a dataset has no other role)
                }
            }
            return segments
        }
        if let replyColumn = StudentText.replyColumns.first(where: { row[$0] != nil }) {
            let prompt = row.fields.filter { $0.key != replyColumn }.values.map(\.text).joined(separator: "\n")
            return [(prompt + "\n", false), (row[replyColumn]!.text + "\n", true)]
        }
        return [(row.text(), true)]
    }

    /// Training sequences for a byte-level student.
    func sequences(_ data: Dataset) throws -> [TokenSequence] {
        try data.rows.enumerated().map { TokenSequence(segments: try segments($1, index: $0)) }
    }

    /// Training sequences for a pretrained student, in its own chat template: a dialogue row is
    /// its conversation, a row with a reply column a user turn (the other fields) and the reply;
    /// either way only the assistant's words carry loss. Any other row trains on all of its text.
    static func sequences(_ data: Dataset, for student: LlamaStudent) throws -> [TokenSequence] {
        try data.rows.enumerated().map { index, row in
            if let turns = try conversation(row, index: index) { return try student.sequence(conversation: turns) }
            return student.sequence(text: row.text())
        }
    }

    /// A row as chat turns, or nil when it is plain text.
    static func conversation(_ row: Row, index: Int) throws -> [ChatMessage]? {
        if let messages = row["messages"] {
            return try ChatMessage.list(messages, row: index + 1)
        }
        if let replyColumn = replyColumns.first(where: { row[$0] != nil }) {
            let prompt = row.fields.filter { $0.key != replyColumn }.values.map(\.text).joined(separator: "\n")
            return [ChatMessage(role: "user", content: prompt), ChatMessage(role: "assistant", content: row[replyColumn]!.text)]
        }
        return nil
    }

    /// The prompt that asks a student for its next reply in a conversation.
    func chatPrompt(history: [(user: String, bot: String)], next: String) -> String {
        history.map { "\(user): \($0.user)\n\(bot): \($0.bot)\n" }.joined() + "\(user): \(next)\n\(bot): "
    }

    /// The text a classifier reads from a row: `text` if present, otherwise every field but
    /// the label, joined.
    static func classifierInput(_ row: Row, labelColumn: String?) -> String {
        if let text = row["text"] { return text.text }
        // The teacher's distribution and confidence (likelihood scoring) describe the label, not the input.
        return row.text(excluding: Set([labelColumn, SoftTargets.column, "confidence"].compactMap { $0 }))
    }
}
