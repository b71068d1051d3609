import Datasets
import Language
import OrderedCollections

/// Conversions between the language's values and the Datasets layer's field values.
///
/// The two are kept apart so `Datasets` stays a plain Swift library with no interpreter in it;
/// the built-ins convert at their boundary.
extension FieldValue {
    /// How deeply lists and records may nest inside a dataset field. Rows are walked
    /// recursively (hashing, JSON, tables), so a bound keeps every walk shallow.
    static let maxNesting = 100

    /// The field value for a language value; functions and host objects cannot be stored in a
    /// dataset, so they throw an error naming their type, as does nesting deeper than
    /// `maxNesting`.
    init(_ value: Value) throws { try self.init(value, depth: 0) }

    fileprivate init(_ value: Value, depth: Int) throws {
        if depth > FieldValue.maxNesting {
            throw RuntimeError("a value nested more than \(FieldValue.maxNesting) levels deep cannot be stored in a dataset row")
        }
        switch value {
        case .nil: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .float(let d): self = .double(d)
        case .string(let s): self = .string(s)
        case .list(let items): self = .list(try items.map { try FieldValue($0, depth: depth + 1) })
        case .record(let r): self = .record(try Row(r, depth: depth + 1))
        case .function, .host:
            throw RuntimeError("a \(value.typeName) cannot be stored in a dataset row")
        }
    }
}

extension Row {
    /// The dataset row for a language record.
    init(_ record: Record) throws { try self.init(record, depth: 0) }

    fileprivate init(_ record: Record, depth: Int) throws {
        var fields = OrderedDictionary<String, FieldValue>()
        for (name, value) in record.fields { fields[name] = try FieldValue(value, depth: depth) }
        self.init(fields)
    }
}

extension Value {
    /// The language value for a field value.
    init(_ field: FieldValue) {
        switch field {
        case .null: self = .nil
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .double(let d): self = .float(d)
        case .string(let s): self = .string(s)
        case .list(let items): self = .list(items.map(Value.init))
        case .record(let r): self = .record(Record(r))
        }
    }
}

extension Record {
    /// The language record for a dataset row.
    init(_ row: Row) {
        var fields = OrderedDictionary<String, Value>()
        for (name, value) in row.fields { fields[name] = Value(value) }
        self.init(fields)
    }
}
