import Chat

/// A prompt turned around for noisy-channel scoring (Min et al. 2022): the teacher is given a
/// label and scored on how likely it finds the row's text as its reply, P(text | label),
/// instead of how likely it finds the label after the text.
public struct ChannelPrompt: Hashable, Sendable {
    /// System, then a user/assistant pair per shot (the shot's label, then its text), then
    /// the user turn naming the label being scored.
    public var messages: [ChatMessage]
    /// The row's text as the prompt renders it: the reply whose probability is the score.
    public var reply: String
}

extension PromptTemplate {
    /// The channel form of the prompt for `record` under `label`: each shot's turns are
    /// swapped (its label asks, its text answers), the system message says so, and the reply
    /// to score is the record's own user turn.
    ///
    /// ```swift
    /// let p = try PromptTemplate("Tweet: {text}", system: "Tweets.", output: .label(allowed: ["pos", "neg"]))
    /// let c = try p.renderChannel(["text": "so good"], shots: [["text": "awful", "label": "neg"]], label: "pos")
    /// c.messages.map(\.content)   // ["Tweets.\n\n...", "neg", "Tweet: awful", "pos"]
    /// c.reply                     // "Tweet: so good"
    /// ```
    /// - Throws: `DatasetError` naming a missing slot or label field, or when the prompt's
    ///   output is not a label.
    public func renderChannel(_ record: Row, shots: [Row], label: String) throws -> ChannelPrompt {
        guard case .label(_, let allowed) = output else {
            throw DatasetError("channel scoring needs a prompt whose output is a label")
        }
        let labels = allowed.map { " (one of: \($0.joined(separator: ", ")))" } ?? ""
        let instruction = "You are given a label\(labels). Reply with a text that has this label."
        let base = try systemPieces.map { try Self.fill($0, record) }
        var messages = [ChatMessage(.system, base.map { $0 + "\n\n" + instruction } ?? instruction)]
        for shot in shots {
            messages.append(ChatMessage(.user, try output.formatReply(shot)))
            messages.append(ChatMessage(.assistant, try render(shot)))
        }
        messages.append(ChatMessage(.user, label))
        return ChannelPrompt(messages: messages, reply: try render(record))
    }
}
