import Chat

/// The exact prompt a teacher receives, in both forms: one text and chat messages.
public struct RenderedPrompt: Hashable, Sendable {
    /// A single text prompt: the system message, the worked examples, then the query.
    public var text: String
    /// Chat messages: system, then a user/assistant pair per shot, then the final user turn.
    /// Small teachers follow this form much better than the single text.
    public var messages: [ChatMessage]
}

extension PromptTemplate {
    /// The prompt for `record` with `shots` as worked examples. Each shot's user turn is the
    /// template filled from the shot; its assistant turn is the shot's reply in the output
    /// format (its label, its JSON, its `User:`/`Bot:` lines).
    ///
    /// ```swift
    /// let p = try PromptTemplate("Tweet: {text}", system: "Classify.", output: .label(allowed: ["pos", "neg"]))
    /// let r = try p.render(["text": "so good"], shots: [["text": "awful", "label": "neg"]])
    /// r.messages.map(\.role)   // [.system, .user, .assistant, .user]
    /// ```
    /// - Throws: `DatasetError` naming a missing slot or reply field.
    public func render(_ record: Row, shots: [Row]) throws -> RenderedPrompt {
        var messages: [ChatMessage] = []
        var blocks: [String] = []
        if let system = try renderSystem(record) {
            messages.append(ChatMessage(.system, system))
            blocks.append(system)
        }
        for shot in shots {
            let user = try render(shot)
            let reply = try output.formatReply(shot)
            messages.append(ChatMessage(.user, user))
            messages.append(ChatMessage(.assistant, reply))
            blocks.append(user + (user.hasSuffix(":") ? " " : "\n") + reply)
        }
        let query = try render(record)
        messages.append(ChatMessage(.user, query))
        blocks.append(query)
        return RenderedPrompt(text: blocks.joined(separator: "\n\n"), messages: messages)
    }
}
