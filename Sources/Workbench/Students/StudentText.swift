import Datasets
import Learn

/// How dataset rows become training text for a student, with the loss on the right tokens.
///
/// A dialogue row (`messages`) becomes `User: ...` / `Bot: ...` lines where only the bot's
/// words (and the end of the conversation) carry loss, as OpenAI's fine-tuning does for
/// assistant turns. A row with a reply column (`output`, `response`, `completion`, `answer`)
/// trains on the reply only. Any other row trains on all of its text.
struct StudentText {
    /// The speaker names written before each turn.
    var user = "User"
    var bot = "Bot"

    /// The reply columns recognised, in order of preference.
    static let replyColumns = ["output", "response", "completion", "answer"]

    /// The text segments of one row, each marked trained or not.
    func segments(_ row: Datasets.Record, index: Int) throws -> [(text: String, trained: Bool)] {
        if let messages = row["messages"] {
            var segments: [(String, Bool)] = []
            for message in try Datasets.ChatMessage.list(messages, row: index + 1) {
                switch message.role {
                case .system: continue
                case .user: segments.append(("\(user): \(message.content)\n", false))
                case .assistant:
                    segments.append(("\(bot): ", false))
                    segments.append(("\(message.content)\n", true))
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

    /// The prompt that asks a student for its next reply in a conversation.
    func chatPrompt(history: [(user: String, bot: String)], next: String) -> String {
        history.map { "\(user): \($0.user)\n\(bot): \($0.bot)\n" }.joined() + "\(user): \(next)\n\(bot): "
    }

    /// The text a classifier reads from a row: `text` if present, otherwise every field but
    /// the label, joined.
    static func classifierInput(_ row: Datasets.Record, labelColumn: String?) -> String {
        if let text = row["text"] { return text.text }
        return row.text(excluding: Set([labelColumn].compactMap { $0 }))
    }
}
