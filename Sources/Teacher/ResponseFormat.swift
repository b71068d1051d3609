/// The shape the teacher must answer in: free text, any JSON object, or JSON matching a schema.
///
/// ```swift
/// let schema: JSONValue = .object(["type": .string("object"),
///     "properties": .object(["label": .object(["type": .string("string")])])])
/// var request = ChatRequest(model: "gpt-4o-mini", messages: messages)
/// request.responseFormat = .jsonSchema(name: "label", schema: schema, strict: true)
/// ```
public enum ResponseFormat: Codable, Hashable, Sendable {
    /// Plain text (the API default).
    case text
    /// JSON mode: the answer is one JSON object.
    case jsonObject
    /// Structured output: the answer conforms to `schema`.
    case jsonSchema(name: String, schema: JSONValue, strict: Bool?)

    private enum CodingKeys: String, CodingKey {
        case type
        case jsonSchema = "json_schema"
    }

    private struct SchemaSpec: Codable {
        var name: String
        var schema: JSONValue
        var strict: Bool?
    }

    /// Decodes the API's own spelling, e.g. `{"type": "json_object"}`.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "text": self = .text
        case "json_object": self = .jsonObject
        case "json_schema":
            let spec = try container.decode(SchemaSpec.self, forKey: .jsonSchema)
            self = .jsonSchema(name: spec.name, schema: spec.schema, strict: spec.strict)
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "unknown response_format type \"\(type)\"")
        }
    }

    /// Encodes the API's own spelling.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .text:
            try container.encode("text", forKey: .type)
        case .jsonObject:
            try container.encode("json_object", forKey: .type)
        case .jsonSchema(let name, let schema, let strict):
            try container.encode("json_schema", forKey: .type)
            try container.encode(SchemaSpec(name: name, schema: schema, strict: strict), forKey: .jsonSchema)
        }
    }
}
