import Chat

/// A teacher reply that could not be read by the output spec: why, and the raw text.
public struct Rejection: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong, e.g. "names none of the labels positive, negative".
    public var reason: String
    /// The reply exactly as the teacher sent it.
    public var raw: String

    /// A rejection.
    public init(reason: String, raw: String) {
        self.reason = reason
        self.raw = raw
    }

    public var description: String { "\(reason): \(raw.debugDescription)" }
}

extension OutputSpec {
    /// The record a teacher's reply stands for, or the reason it does not fit.
    ///
    /// ```swift
    /// OutputSpec.label(allowed: ["positive", "negative"]).parse("Positive.")   // .success(["label": "positive"])
    /// ```
    public func parse(_ reply: String) -> Result<Row, Rejection> {
        let trimmed = reply.trimmingSpaces
        func reject(_ reason: String) -> Result<Row, Rejection> { .failure(Rejection(reason: reason, raw: reply)) }
        if trimmed.isEmpty { return reject("empty reply") }
        switch self {
        case .text(let field):
            return .success([field: .string(trimmed)])
        case .label(let field, let allowed):
            switch Self.parseLabel(trimmed, field: field, allowed: allowed) {
            case .success(let label): return .success([field: .string(label)])
            case .failure(let reason): return reject(reason.reason)
            }
        case .json(let schema):
            let value: FieldValue?
            do { value = try FieldValue.parseEmbeddedJSONObject(trimmed) } catch let e as DatasetError {
                return reject("invalid JSON: \(e.message)")
            } catch { return reject("invalid JSON") }
            guard case .record(let object)? = value else { return reject("no JSON object in the reply") }
            if schema.properties.isEmpty { return .success(object) }
            var out = Row()
            for p in schema.properties {
                guard let v = object[p.name], !v.isNull else {
                    if schema.required.contains(p.name) { return reject("missing required field '\(p.name)'") }
                    continue
                }
                if let why = schema.mismatch(v, p) { return reject(why) }
                out[p.name] = v
            }
            return .success(out)
        case .dialogue(let format):
            switch Self.parseDialogue(trimmed, format) {
            case .success(let messages): return .success(["messages": ChatMessage.value(messages)])
            case .failure(let reason): return reject(reason.reason)
            }
        }
    }

    /// Reads a label: the first line, cleaned of a `label:` prefix, quotes and end punctuation;
    /// with `allowed`, the one allowed label named (whole words, any case) in the first line,
    /// else in the whole reply.
    static func parseLabel(_ reply: String, field: String, allowed: [String]?) -> Result<String, Rejection> {
        let firstLine = reply.split(whereSeparator: \.isNewline).first.map(String.init) ?? reply
        guard let allowed else {
            var line = firstLine.trimmingSpaces
            for prefix in [field + ":", "label:", "answer:"] where line.lowercased().hasPrefix(prefix.lowercased()) {
                line = String(line.dropFirst(prefix.count)).trimmingSpaces
            }
            let cleaned = String(line.trimmingCharacters(" \"'`*.!,;"))
            return cleaned.isEmpty ? .failure(Rejection(reason: "no label in the reply", raw: reply)) : .success(cleaned)
        }
        func named(in text: String) -> [String] {
            let words = TextTokens.words(text)
            return allowed.filter { TextTokens.containsRun(words, TextTokens.words($0)) }
        }
        // A longer label that contains a shorter one ("very positive" vs "positive") wins.
        func distinct(_ found: [String]) -> [String] {
            found.filter { f in
                !found.contains { $0 != f && TextTokens.containsRun(TextTokens.words($0), TextTokens.words(f)) }
            }
        }
        for scope in [firstLine, reply] {
            let found = distinct(named(in: scope))
            if found.count == 1 { return .success(found[0]) }
            if found.count > 1 {
                return .failure(
                    Rejection(reason: "names several labels (\(found.joined(separator: ", "))), expected one", raw: reply))
            }
        }
        return .failure(Rejection(reason: "names none of the labels \(allowed.joined(separator: ", "))", raw: reply))
    }

    /// Reads `User: ...` / `Bot: ...` lines into user and assistant messages. Lines without a
    /// speaker continue the turn above; another `Name:` speaker ends the dialogue (a drifting teacher).
    static func parseDialogue(_ reply: String, _ f: DialogueFormat) -> Result<[ChatMessage], Rejection> {
        func reject(_ reason: String) -> Result<[ChatMessage], Rejection> { .failure(Rejection(reason: reason, raw: reply)) }
        var turns: [(role: ChatMessage.Role, lines: [String])] = []
        lines: for raw in reply.split(whereSeparator: \.isNewline) {
            let line = String(raw).trimmingSpaces
            if line.isEmpty { continue }
            var matched = false
            for (name, role) in [(f.user, ChatMessage.Role.user), (f.bot, .assistant)]
            where line.lowercased().hasPrefix(name.lowercased() + ":") {
                turns.append((role, [String(line.dropFirst(name.count + 1)).trimmingSpaces]))
                matched = true
            }
            if matched { continue }
            if Self.looksLikeSpeaker(line) {
                if turns.isEmpty { continue }
                break lines
            }
            if !turns.isEmpty { turns[turns.count - 1].lines.append(line) }
        }
        guard let first = turns.first else { return reject("no \"\(f.user):\" or \"\(f.bot):\" lines") }
        guard first.role == .user else { return reject("starts with \"\(f.bot):\", expected \"\(f.user):\" first") }
        var messages: [ChatMessage] = []
        for (n, turn) in turns.enumerated() {
            let text = turn.lines.joined(separator: "\n").trimmingSpaces
            let name = turn.role == .user ? f.user : f.bot
            if n > 0, turns[n - 1].role == turn.role { return reject("two \"\(name):\" turns in a row") }
            if text.isEmpty { return reject("empty \"\(name):\" turn") }
            messages.append(ChatMessage(turn.role, text))
        }
        let exchanges = messages.count / 2
        if let wanted = f.exchanges {
            guard exchanges >= wanted else {
                return reject("expected \(wanted) \(f.user)/\(f.bot) exchange\(wanted == 1 ? "" : "s"), found \(exchanges)")
            }
            return .success(Array(messages.prefix(2 * wanted)))
        }
        guard exchanges >= 1 else { return reject("no \"\(f.bot):\" reply") }
        return .success(Array(messages.prefix(2 * exchanges)))
    }

    /// True for a line that opens with a short `Name:` (a speaker other than ours).
    static func looksLikeSpeaker(_ line: String) -> Bool {
        guard let colon = line.firstIndex(of: ":") else { return false }
        let name = line[..<colon]
        return !name.isEmpty && name.count <= 20 && name.first!.isLetter && name.allSatisfy { $0.isLetter || $0 == " " }
            && name.split(separator: " ").count <= 2
    }

    /// The reply a worked example gives for `record` in this format (the assistant turn of a shot).
    /// - Throws: `DatasetError` naming the field the record lacks.
    public func formatReply(_ record: Row) throws -> String {
        func field(_ name: String) throws -> FieldValue {
            guard let v = record[name] else {
                throw DatasetError(
                    "a shot has no field '\(name)' for the reply; its fields: \(record.names.joined(separator: ", "))")
            }
            return v
        }
        switch self {
        case .text(let f), .label(let f, _): return try field(f).text
        case .json(let schema):
            if schema.properties.isEmpty { return record.jsonText }
            var out = Row()
            for p in schema.properties {
                if let v = record[p.name] { out[p.name] = v } else if schema.required.contains(p.name) { _ = try field(p.name) }
            }
            return out.jsonText
        case .dialogue(let f):
            let messages: [ChatMessage]
            if let m = record["messages"] {
                messages = try ChatMessage.list(m, row: 1).filter { $0.role != .system }
            } else if let u = record[f.user.lowercased()] ?? record["user"],
                let b = record[f.bot.lowercased()] ?? record["assistant"]
            {
                messages = [ChatMessage(.user, u.text), ChatMessage(.assistant, b.text)]
            } else {
                throw DatasetError(
                    "a dialogue shot needs \"messages\" or the columns '\(f.user.lowercased())' and '\(f.bot.lowercased())'; its fields: \(record.names.joined(separator: ", "))"
                )
            }
            return messages.map { "\($0.role == .user ? f.user : f.bot): \($0.content)" }.joined(separator: "\n")
        }
    }
}

extension String {
    /// `self` without leading and trailing characters from `set`.
    func trimmingCharacters(_ set: String) -> Substring {
        var s = Substring(self)
        while let c = s.first, set.contains(c) { s.removeFirst() }
        while let c = s.last, set.contains(c) { s.removeLast() }
        return s
    }
}
