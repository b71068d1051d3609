import JSONText
import OrderedCollections

// Datasets read and write JSON through the product's one codec (`JSONText`); these are the
// two conversions and the error wording, which names the column after the message
// ("expected ',' or '}' in the object, found end of input (column 8)") with the line apart.

extension FieldValue {
    /// The JSON value read into a field value (objects become records, keys in order).
    public init(json: JSON) {
        switch json {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .double(let d): self = .double(d)
        case .string(let s): self = .string(s)
        case .array(let items): self = .list(items.map(FieldValue.init(json:)))
        case .object(let members): self = .record(Row(members.mapValues(FieldValue.init(json:))))
        }
    }

    /// The value as JSON (records keep their field order).
    public var json: JSON {
        switch self {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .list(let items): return .array(items.map(\.json))
        case .record(let r): return .object(r.fields.mapValues(\.json))
        }
    }

    /// Parses JSON text filling the whole of `text` (see `JSONReader.parse`).
    /// - Throws: `DatasetError` with the line (counted from `firstLine`) and the column.
    static func parseJSON(_ text: String, firstLine: Int = 1) throws -> FieldValue {
        do { return FieldValue(json: try JSONReader.parse(text, firstLine: firstLine)) } catch let e as JSONSyntaxError {
            throw DatasetError(e)
        }
    }

    /// The first JSON object in `text`, prose around it ignored; nil when there is no `{`.
    static func parseEmbeddedJSONObject(_ text: String) throws -> FieldValue? {
        do { return try JSONReader.parseEmbeddedObject(text).map(FieldValue.init(json:)) } catch let e as JSONSyntaxError {
            throw DatasetError(e)
        }
    }

    /// Compact JSON text of the value, on one line.
    var jsonText: String { JSONWriter.string(json) }
}

extension Row {
    /// Compact JSON text of the row as an object, on one line (a JSONL line).
    var jsonText: String { JSONWriter.string(FieldValue.record(self).json) }
}

extension DatasetError {
    /// A JSON syntax error as a dataset error: the line apart, the column after the message.
    init(_ e: JSONSyntaxError) {
        self.init("\(e.message) (column \(e.column))", line: e.line)
    }
}
