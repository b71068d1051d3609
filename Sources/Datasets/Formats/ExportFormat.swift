import Chat

/// Public training-data formats, written exactly as their owners document them.
public enum ExportFormat: String, CaseIterable, Sendable {
    /// OpenAI chat fine-tuning JSONL: `{"messages": [{"role": ..., "content": ...}, ...]}`,
    /// assistant turns optionally with `"weight": 0|1`.
    case openAIChat = "openai-chat"
    /// OpenAI Batch API input JSONL: `{"custom_id", "method": "POST", "url": "/v1/chat/completions", "body"}`.
    case openAIBatch = "openai-batch"
    /// Alpaca JSON lines: `{"instruction", "input", "output"}`. A dialogue of several turns keeps
    /// its earlier turns in `input` (`User: ...` / `Assistant: ...` lines before the last user turn).
    case alpaca

    /// The format named `name` (`"openai-chat"`, `"openai-batch"`, `"alpaca"`).
    /// - Throws: `DatasetError` listing the known names.
    public init(named name: String) throws {
        guard let f = ExportFormat(rawValue: name.lowercased()) else {
            throw DatasetError(
                "unknown export format '\(name)': expected \(ExportFormat.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))"
            )
        }
        self = f
    }
}

/// How rows map onto a prompt and a reply when they are not already chat messages.
public struct ExportOptions: Sendable {
    /// The system message (chat, batch) or instruction (Alpaca); a row's `system` or `instruction` field wins.
    public var system: String?
    /// The column holding the user's text; nil: the first of `input`, `text`, `prompt`, `question`, `instruction`.
    public var input: String?
    /// The column holding the reply; nil: the label column, else the first of `output`, `response`, `answer`, `completion`.
    public var output: String?
    /// The model named in each batch request body (a row's `model` field wins); nil: the rows
    /// must name it.
    public var model: String?
    /// Prefix of batch `custom_id`s, followed by the row number from 1.
    public var customIDPrefix: String
    /// Chat only: give every assistant turn but the last `"weight": 0`, the last `"weight": 1`.
    public var trainOnLastTurnOnly: Bool

    /// Options; every field has a default.
    public init(
        system: String? = nil, input: String? = nil, output: String? = nil, model: String? = nil,
        customIDPrefix: String = "request-", trainOnLastTurnOnly: Bool = false
    ) {
        self.system = system
        self.input = input
        self.output = output
        self.model = model
        self.customIDPrefix = customIDPrefix
        self.trainOnLastTurnOnly = trainOnLastTurnOnly
    }
}

extension ChatMessage {
    /// The message as a record `{"role", "content"[, "weight"]}`.
    public var record: Row {
        var r: Row = ["role": .string(role.rawValue), "content": .string(content)]
        if let weight { r["weight"] = .int(weight) }
        return r
    }

    /// A message read from a `{"role", "content"}` record.
    /// - Throws: `DatasetError` saying which key is missing or wrong.
    public init(record: FieldValue, at position: String) throws {
        guard case .record(let r) = record else {
            throw DatasetError(
                "\(position): expected an object with \"role\" and \"content\", found \(DatasetCodec.kind(record))")
        }
        guard let roleText = r["role"]?.stringValue else { throw DatasetError("\(position): expected a string \"role\"") }
        guard let role = Role.known.first(where: { $0.rawValue == roleText }) else {
            throw DatasetError("\(position): unknown role '\(roleText)', expected system, user or assistant")
        }
        guard let content = r["content"]?.stringValue else { throw DatasetError("\(position): expected a string \"content\"") }
        var weight: Int?
        if let w = r["weight"], !w.isNull {
            guard case .int(let n) = w, n == 0 || n == 1 else { throw DatasetError("\(position): \"weight\" must be 0 or 1") }
            guard role == .assistant else { throw DatasetError("\(position): \"weight\" is only allowed on assistant messages") }
            weight = n
        }
        self.init(role, content, weight: weight)
    }
}

extension ChatMessage {
    /// The messages in a `messages` field value; `row` names the row in errors.
    public static func list(_ value: FieldValue, row: Int) throws -> [ChatMessage] {
        guard case .list(let items) = value else {
            throw DatasetError("row \(row): expected \"messages\" to be an array, found \(DatasetCodec.kind(value))", line: row)
        }
        return try items.enumerated().map { n, item in
            do { return try ChatMessage(record: item, at: "messages[\(n)]") } catch let e as DatasetError {
                throw DatasetError(e.message, line: row)
            }
        }
    }

    /// The `messages` list value of `messages`.
    static func value(_ messages: [ChatMessage]) -> FieldValue { .list(messages.map { .record($0.record) }) }
}
