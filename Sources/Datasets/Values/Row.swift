import OrderedCollections

/// A row: named fields in the order they were written.
///
/// ```swift
/// var r: Row = ["text": "great phone", "label": "positive"]
/// r["source"] = "review"
/// r.names   // ["text", "label", "source"]
/// ```
public struct Row: Hashable, Sendable {
    /// The fields, in order.
    public var fields: OrderedDictionary<String, FieldValue>

    /// An empty record.
    public init() { fields = [:] }

    /// A record from ordered fields.
    public init(_ fields: OrderedDictionary<String, FieldValue>) { self.fields = fields }

    /// A record from name/value pairs; a later pair with the same name replaces an earlier one.
    public init(_ pairs: [(String, FieldValue)]) {
        var f = OrderedDictionary<String, FieldValue>()
        for (k, v) in pairs { f[k] = v }
        fields = f
    }

    /// The field's value, or nil when the record has no such field. Setting nil removes it.
    public subscript(name: String) -> FieldValue? {
        get { fields[name] }
        set { fields[name] = newValue }
    }

    /// Field names in order.
    public var names: [String] { Array(fields.keys) }

    /// Number of fields.
    public var count: Int { fields.count }

    /// This record with `other`'s fields added; a field in both takes `other`'s value in place.
    /// (An input row plus the fields a teacher's reply was parsed into.)
    public func merging(_ other: Row) -> Row {
        var r = self
        for (k, v) in other.fields { r.fields[k] = v }
        return r
    }

    /// The strings of the fields, joined by newlines, skipping `excluding` names.
    /// Nested lists and records (such as chat `messages`) contribute their strings.
    public func text(excluding: Set<String> = []) -> String {
        var parts: [String] = []
        for (k, v) in fields where !excluding.contains(k) { parts.append(contentsOf: v.strings) }
        return parts.joined(separator: "\n")
    }
}

extension Row: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, FieldValue)...) { self.init(elements) }
}

extension Row: CustomStringConvertible {
    /// JSON text of the record.
    public var description: String { jsonText }
}
