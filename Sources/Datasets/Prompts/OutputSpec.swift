/// What a teacher's reply should look like and which record it becomes.
///
/// ```swift
/// OutputSpec.label(allowed: ["positive", "negative"])   // the reply is one label
/// OutputSpec.json(try JSONSchema(["question": "string", "answer": "string"]))
/// OutputSpec.dialogue(DialogueFormat(user: "User", bot: "Bot", exchanges: 1))
/// ```
public enum OutputSpec: Hashable, Sendable {
    /// The whole reply, trimmed, into one field.
    case text(field: String = "output")
    /// The reply is a label, into `field`; with `allowed`, it must name exactly one of them.
    case label(field: String = "label", allowed: [String]? = nil)
    /// The reply holds one JSON object checked against a simple schema.
    case json(JSONSchema)
    /// The reply is a dialogue of speaker-prefixed lines, read into chat `messages`.
    case dialogue(DialogueFormat)

    /// The spec for the language's `output: [...]` list of field names: `["label"]` is a label
    /// (constrained to `labels` when given), one other name the whole reply as that field,
    /// several names a JSON object with those string fields.
    ///
    /// ```swift
    /// try OutputSpec(fields: ["label"], labels: ["pos", "neg"])   // .label(field: "label", allowed: ["pos", "neg"])
    /// try OutputSpec(fields: ["question", "answer"])              // .json(question: string, answer: string)
    /// ```
    /// - Throws: `DatasetError` for an empty list or a repeated name.
    public init(fields: [String], labels: [String]? = nil) throws {
        guard !fields.isEmpty else { throw DatasetError("an output spec needs at least one field name") }
        guard Set(fields).count == fields.count else { throw DatasetError("repeated field name in the output spec: \(fields)") }
        if fields == ["label"] || (fields.count == 1 && labels != nil) {
            self = .label(field: fields[0], allowed: labels)
        } else if fields.count == 1 {
            self = .text(field: fields[0])
        } else {
            self = .json(JSONSchema(properties: fields.map { JSONSchema.Property($0, .string) }))
        }
    }

    /// The sentence added to the system message telling the teacher the format, or nil.
    public var instructions: String? {
        switch self {
        case .text: return nil
        case .label(_, let allowed?):
            return "Answer with exactly one of: \(allowed.joined(separator: ", ")). Reply with the label only."
        case .label: return "Reply with the label only."
        case .json(let schema): return schema.instructions
        case .dialogue(let f):
            let count =
                f.exchanges.map { $0 == 1 ? "one \(f.user) line and the \(f.bot)'s reply" : "\($0) exchanges" } ?? "the dialogue"
            return "Write \(count) as lines that start with \"\(f.user):\" and \"\(f.bot):\"."
        }
    }

    /// The fields a parsed reply will have (`messages` for a dialogue).
    public var fields: [String] {
        switch self {
        case .text(let f): return [f]
        case .label(let f, _): return [f]
        case .json(let s): return s.properties.map(\.name)
        case .dialogue: return ["messages"]
        }
    }
}

/// Speaker names of a dialogue reply (`User:` / `Bot:` by default) and how many exchanges to keep.
public struct DialogueFormat: Hashable, Sendable {
    /// The name before the user's lines.
    public var user: String
    /// The name before the bot's lines.
    public var bot: String
    /// Keep exactly this many user/bot exchanges (a reply with fewer is rejected, extra ones
    /// are cut, as a stop sequence would); nil keeps all.
    public var exchanges: Int?

    /// A format; defaults are `User`, `Bot`, all exchanges.
    public init(user: String = "User", bot: String = "Bot", exchanges: Int? = nil) {
        self.user = user
        self.bot = bot
        self.exchanges = exchanges
    }
}

/// A small JSON schema: an object's properties with types, the required ones, optional enums.
/// Reads either a JSON-schema object (`{"type": "object", "properties": {...}, "required": [...]}`)
/// or a shorthand record `{"name": "string", "age": "integer"}` (all required).
public struct JSONSchema: Hashable, Sendable {
    /// A JSON type.
    public enum PropertyType: String, Hashable, Sendable, CaseIterable {
        case string, number, integer, boolean, array, object
    }

    /// One property of the object.
    public struct Property: Hashable, Sendable {
        /// Its key.
        public var name: String
        /// Its type.
        public var type: PropertyType
        /// The values it may take (`enum`), or nil for any.
        public var allowed: [FieldValue]?

        /// A property.
        public init(_ name: String, _ type: PropertyType, allowed: [FieldValue]? = nil) {
            self.name = name
            self.type = type
            self.allowed = allowed
        }
    }

    /// The properties in order.
    public var properties: [Property]
    /// The keys a reply must have.
    public var required: [String]

    /// A schema from properties; `required` nil means all of them.
    public init(properties: [Property], required: [String]? = nil) {
        self.properties = properties
        self.required = required ?? properties.map(\.name)
    }

    /// A schema read from a JSON-schema object or the shorthand `{"field": "type"}`.
    /// - Throws: `DatasetError` saying which part is not understood.
    public init(_ value: FieldValue) throws {
        guard case .record(let r) = value else {
            throw DatasetError("a JSON schema must be an object, found \(DatasetCodec.kind(value))")
        }
        if r["type"]?.stringValue == "object" || r["properties"] != nil {
            guard case .record(let props)? = r["properties"] else {
                throw DatasetError("a JSON schema of type object needs \"properties\" as an object")
            }
            var properties: [Property] = []
            for (name, spec) in props.fields {
                guard case .record(let s) = spec, let t = s["type"]?.stringValue, let type = PropertyType(rawValue: t) else {
                    throw DatasetError(
                        "property '\(name)' needs a \"type\" of \(PropertyType.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                var allowed: [FieldValue]?
                if case .list(let values)? = s["enum"] { allowed = values }
                properties.append(Property(name, type, allowed: allowed))
            }
            var required: [String]?
            if case .list(let names)? = r["required"] { required = names.compactMap(\.stringValue) }
            self.init(properties: properties, required: required ?? [])
        } else {
            self.init(
                properties: try r.fields.map { name, t in
                    guard let ts = t.stringValue, let type = PropertyType(rawValue: ts) else {
                        throw DatasetError(
                            "property '\(name)': expected a type name (\(PropertyType.allCases.map(\.rawValue).joined(separator: ", "))), found \(t)"
                        )
                    }
                    return Property(name, type)
                })
        }
    }

    var instructions: String {
        let fields = properties.map { p in
            "\"\(p.name)\" (\(p.type.rawValue)\(p.allowed.map { ", one of " + $0.map(\.description).joined(separator: ", ") } ?? ""))"
        }
        return "Reply with one JSON object with the fields " + fields.joined(separator: ", ") + "."
    }

    /// Why `value` does not fit `property`, or nil when it does.
    func mismatch(_ value: FieldValue, _ property: Property) -> String? {
        let ok: Bool
        switch (property.type, value) {
        case (.string, .string), (.integer, .int), (.number, .int), (.number, .double), (.boolean, .bool),
            (.array, .list), (.object, .record):
            ok = true
        default: ok = false
        }
        if !ok { return "field '\(property.name)' should be \(property.type.rawValue), found \(DatasetCodec.kind(value))" }
        if let allowed = property.allowed, !allowed.contains(value) {
            return "field '\(property.name)' is \(value), expected one of \(allowed.map(\.description).joined(separator: ", "))"
        }
        return nil
    }
}
