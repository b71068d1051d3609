import Chat

extension Dataset {
    /// The rows written as lines of a public format (one JSON object each, no newline).
    ///
    /// A row with a `messages` field (chat turns, as the dialogue output spec produces) is used
    /// as it is; otherwise the `input` column becomes the user turn and the `output` column
    /// (default: the label) the assistant turn. Alpaca rows with `instruction/input/output` pass through.
    ///
    /// ```swift
    /// let lines = try tweets.exportLines(.openAIChat, ExportOptions(system: "Classify the sentiment."))
    /// // {"messages":[{"role":"system","content":"Classify the sentiment."},{"role":"user","content":"..."},{"role":"assistant","content":"negative"}]}
    /// ```
    /// - Throws: `DatasetError` naming the row (1-based) that lacks what the format needs.
    public func exportLines(_ format: ExportFormat, _ options: ExportOptions = ExportOptions()) throws -> [String] {
        try rows.enumerated().map { n, row in
            try exportRecord(row, number: n + 1, format, options).jsonText
        }
    }

    /// Writes `exportLines` to `path` as JSONL, atomically.
    public func export(_ format: ExportFormat, to path: String, _ options: ExportOptions = ExportOptions()) throws {
        do {
            let lines = try exportLines(format, options)
            try writeFileAtomically(path, contents: lines.map { $0 + "\n" }.joined())
        } catch let e as DatasetError {
            throw e.located(in: path)
        }
    }

    private func exportRecord(_ row: Row, number: Int, _ format: ExportFormat, _ options: ExportOptions) throws -> Row {
        switch format {
        case .alpaca:
            if let i = row["instruction"]?.stringValue, let out = row["output"] {
                return ["instruction": .string(i), "input": .string(row["input"]?.text ?? ""), "output": .string(out.text)]
            }
            let messages = try chatMessages(row, number: number, options)
            let system = messages.first { $0.role == .system }?.content ?? ""
            guard let last = messages.lastIndex(where: { $0.role == .assistant }) else {
                throw DatasetError("row \(number): no reply for \"output\"; expected an output or label column")
            }
            let turns = messages[..<last].filter { $0.role != .system }
            return [
                "instruction": .string(system), "input": .string(Self.alpacaInput(turns)),
                "output": .string(messages[last].content),
            ]
        case .openAIChat:
            var messages = try chatMessages(row, number: number, options)
            guard messages.contains(where: { $0.role == .assistant }) else {
                throw DatasetError("row \(number): no assistant turn; expected an output or label column")
            }
            if options.trainOnLastTurnOnly, let last = messages.lastIndex(where: { $0.role == .assistant }) {
                for i in messages.indices where messages[i].role == .assistant { messages[i].weight = i == last ? 1 : 0 }
            }
            return ["messages": ChatMessage.value(messages)]
        case .openAIBatch:
            var messages = try chatMessages(row, number: number, options, needsReply: false)
            while messages.last?.role == .assistant { messages.removeLast() }
            for i in messages.indices { messages[i].weight = nil }
            let id = row["custom_id"]?.stringValue ?? options.customIDPrefix + String(number)
            guard let model = row["model"]?.stringValue ?? options.model else {
                throw DatasetError(
                    "row \(number): an openai-batch request names its model: give one (model: \"gpt-4o-mini\", or a teacher)"
                        + " or a \"model\" column")
            }
            return [
                "custom_id": .string(id), "method": "POST", "url": "/v1/chat/completions",
                "body": .record(["model": .string(model), "messages": ChatMessage.value(messages)]),
            ]
        }
    }

    /// Alpaca's `input` for the turns before the reply: the user's text alone for one turn; for
    /// a longer dialogue, every turn on its own `User: ` or `Assistant: ` line, so no turn is lost.
    static func alpacaInput(_ turns: [ChatMessage]) -> String {
        if turns.count == 1, turns[0].role == .user { return turns[0].content }
        return turns.map { ($0.role == .user ? "User: " : "Assistant: ") + $0.content }.joined(separator: "\n")
    }

    /// The row as chat turns: its `messages`, or system + input column + output column.
    private func chatMessages(_ row: Row, number: Int, _ options: ExportOptions, needsReply: Bool = true) throws
        -> [ChatMessage]
    {
        if let m = row["messages"] {
            var messages = try ChatMessage.list(m, row: number)
            if let system = options.system, messages.first?.role != .system {
                messages.insert(ChatMessage(.system, system), at: 0)
            }
            return messages
        }
        var messages: [ChatMessage] = []
        if let system = row["system"]?.stringValue ?? row["instruction"]?.stringValue ?? options.system {
            messages.append(ChatMessage(.system, system))
        }
        // `instruction` is the user's text only when it did not already serve as the system message.
        let instructionIsSystem = row["system"] == nil && row["instruction"]?.stringValue != nil
        let candidates = ["input", "text", "prompt", "question"] + (instructionIsSystem ? [] : ["instruction"])
        let inputColumn = options.input ?? candidates.first { row[$0] != nil }
        guard let inputColumn, let input = row[inputColumn] else {
            throw DatasetError(
                "row \(number): no user text; expected a column \(options.input.map { "'\($0)'" } ?? "input, text, prompt or question") (columns: \(row.names.joined(separator: ", ")))"
            )
        }
        messages.append(ChatMessage(.user, input.text))
        let outputColumn =
            options.output ?? labelColumn ?? ["output", "response", "answer", "completion"].first { row[$0] != nil }
        if let outputColumn, let out = row[outputColumn] {
            messages.append(ChatMessage(.assistant, out.text))
        } else if needsReply, let outputColumn = options.output {
            throw DatasetError("row \(number): no column '\(outputColumn)' for the reply")
        }
        return messages
    }
}

extension ExportFormat {
    /// The export format all `records` follow, or nil for plain rows. A file that starts in
    /// one of these formats and then breaks it is an error naming the first bad row.
    public static func recognise(_ records: [Row]) throws -> ExportFormat? {
        guard let first = records.first else { return nil }
        let format: ExportFormat
        if first.names == ["messages"]
            || (first["messages"] != nil
                && first.names.allSatisfy({ ["messages", "tools", "parallel_tool_calls"].contains($0) }))
        {
            format = .openAIChat
        } else if Set(first.names) == ["custom_id", "method", "url", "body"] {
            format = .openAIBatch
        } else if Set(first.names) == ["instruction", "input", "output"] {
            format = .alpaca
        } else {
            return nil
        }
        for (n, r) in records.enumerated() { try format.check(r, row: n + 1) }
        return format
    }

    private func check(_ r: Row, row: Int) throws {
        switch self {
        case .openAIChat:
            guard let m = r["messages"] else {
                throw DatasetError("row \(row): expected \"messages\" as in the rows above (openai-chat)", line: row)
            }
            _ = try ChatMessage.list(m, row: row)
        case .openAIBatch:
            guard r["custom_id"]?.stringValue != nil, r["method"]?.stringValue != nil, r["url"]?.stringValue != nil,
                case .record(let body)? = r["body"]
            else {
                throw DatasetError(
                    "row \(row): expected \"custom_id\", \"method\", \"url\" and an object \"body\" (openai-batch)", line: row)
            }
            if let m = body["messages"] { _ = try ChatMessage.list(m, row: row) }
        case .alpaca:
            for key in ["instruction", "input", "output"] where r[key]?.stringValue == nil {
                throw DatasetError("row \(row): expected a string \"\(key)\" (alpaca)", line: row)
            }
        }
    }

    /// Rows read back from the format into plain columns: chat rows keep `messages`;
    /// batch rows become `custom_id`, `model`, `messages` plus the body's other keys; Alpaca stays.
    func readBack(_ records: [Row]) throws -> [Row] {
        guard self == .openAIBatch else { return records }
        return records.map { r in
            var out: Row = ["custom_id": r["custom_id"]!]
            if case .record(let body)? = r["body"] {
                for (k, v) in body.fields { out[k] = v }
            }
            return out
        }
    }
}
