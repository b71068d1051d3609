/// One message of a conversation: who speaks, what they say and, on an assistant turn of
/// chat fine-tuning data, whether it is trained. The one message type of fewshot: a teacher's
/// request, a dataset's `messages` field and a chat template's turns are all lists of it.
///
/// Encodes as OpenAI's chat-completions API spells a message (`{"role", "content"}`, with
/// `"weight"` only when set), so requests and their recording keys do not change with it.
///
/// ```swift
/// let turns = [ChatMessage(role: .system, content: "Be brief."), ChatMessage(role: .user, content: "Hi!")]
/// ```
public struct ChatMessage: Codable, Hashable, Sendable {
    /// Who speaks: `"system"`, `"user"` or `"assistant"` (a string, as the API has it, so a
    /// literal works: `role: "user"`).
    public struct Role: RawRepresentable, Codable, Hashable, Sendable, ExpressibleByStringLiteral,
        CustomStringConvertible
    {
        /// The role's name as the API spells it.
        public var rawValue: String
        /// The instructions that frame the conversation.
        public static let system = Role(rawValue: "system")
        /// The person asking.
        public static let user = Role(rawValue: "user")
        /// The model answering.
        public static let assistant = Role(rawValue: "assistant")
        /// The three roles a dataset may use, in that order.
        public static let known: [Role] = [.system, .user, .assistant]

        /// A role by name.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// A role from a literal, e.g. `"user"`.
        public init(stringLiteral value: String) { rawValue = value }
        /// The role's name.
        public var description: String { rawValue }
    }

    /// Who speaks.
    public var role: Role
    /// What they say.
    public var content: String
    /// 0 or 1 on assistant turns of chat fine-tuning data (OpenAI's `"weight"`: 0 keeps the turn
    /// as context without training on it); nil leaves it out.
    public var weight: Int?

    /// A message, e.g. `ChatMessage(role: "user", content: "Hi!")`.
    public init(role: Role, content: String, weight: Int? = nil) {
        self.role = role
        self.content = content
        self.weight = weight
    }

    /// A message, e.g. `ChatMessage(.user, "Hi!")`.
    public init(_ role: Role, _ content: String, weight: Int? = nil) {
        self.init(role: role, content: content, weight: weight)
    }

    /// Whether fine-tuning learns this turn when it is the assistant's (every turn but those
    /// with `"weight": 0`).
    public var trained: Bool { weight != 0 }
}
