/// The type of a column, unified over all rows.
public enum ColumnType: String, Hashable, Sendable {
    case null, bool, int, double, string, list, record
    /// Rows disagree (say strings and numbers).
    case mixed

    /// The type of one value.
    public init(of value: FieldValue) {
        switch value {
        case .null: self = .null
        case .bool: self = .bool
        case .int: self = .int
        case .double: self = .double
        case .string: self = .string
        case .list: self = .list
        case .record: self = .record
        }
    }

    /// The type that covers both: null gives way to anything, int widens to double.
    public func unified(with other: ColumnType) -> ColumnType {
        if self == other { return self }
        if self == .null { return other }
        if other == .null { return self }
        if Set([self, other]) == [.int, .double] { return .double }
        return .mixed
    }
}

/// One column of a dataset's schema.
public struct Column: Hashable, Sendable {
    /// The field name.
    public var name: String
    /// The unified type of its non-null values.
    public var type: ColumnType
    /// True when some row lacks the field or holds null.
    public var optional: Bool

    /// The type as shown in a table header: `string`, `int?`...
    public var typeName: String { type.rawValue + (optional ? "?" : "") }
}

/// Column names and types, inferred from rows (columns in order of first appearance).
public struct Schema: Hashable, Sendable {
    /// The columns, in order.
    public var columns: [Column]

    /// Infers the schema of `rows`.
    public init(inferringFrom rows: [Row]) {
        var order: [String] = []
        var types: [String: ColumnType] = [:]
        var present: [String: Int] = [:]
        for row in rows {
            for (name, value) in row.fields {
                if types[name] == nil { order.append(name); types[name] = .null }
                types[name] = types[name]!.unified(with: ColumnType(of: value))
                if !value.isNull { present[name, default: 0] += 1 }
            }
        }
        columns = order.map { Column(name: $0, type: types[$0]!, optional: present[$0, default: 0] < rows.count) }
    }

    /// Column names in order.
    public var names: [String] { columns.map(\.name) }

    /// The column named `name`, if any.
    public func column(_ name: String) -> Column? { columns.first { $0.name == name } }
}
