import JSONText
import OrderedCollections

/// One value in a record: the JSON data model with integers kept apart from doubles.
///
/// ```swift
/// let v: FieldValue = ["a", 1, 2.5, nil]   // .list([.string("a"), .int(1), .double(2.5), .null])
/// ```
public enum FieldValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([FieldValue])
    case record(Row)

    /// The string inside `.string`, or nil.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The number inside `.int` or `.double`, as a Double, or nil.
    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    /// True for `.null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The value as plain text: strings as they are, scalars as literals, lists and records as JSON.
    /// This is what a `{field}` slot inserts and what a label distribution counts.
    public var text: String {
        switch self {
        case .null: return ""
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return JSONWriter.number(d)
        case .string(let s): return s
        case .list, .record: return jsonText
        }
    }

    /// All the strings inside the value, depth first (lists and records flattened), for text
    /// rules. A chat message (`{role, content}`) gives only its content: the role names
    /// ("user", "assistant") are not text of the dialogue.
    public var strings: [String] {
        switch self {
        case .string(let s): return [s]
        case .list(let items): return items.flatMap(\.strings)
        case .record(let r) where r["role"]?.stringValue != nil && r["content"] != nil: return r["content"]!.strings
        case .record(let r): return r.fields.values.flatMap(\.strings)
        default: return []
        }
    }
}

extension FieldValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral, ExpressibleByNilLiteral,
    ExpressibleByArrayLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(arrayLiteral elements: FieldValue...) { self = .list(elements) }
}

extension FieldValue: CustomStringConvertible {
    /// JSON text of the value.
    public var description: String { jsonText }
}
