import OrderedCollections

/// A JSON value: the one data model that every JSON text of fewshot is read into and written
/// from (datasets, the language's `json` and `parse_json`, the Jupyter export).
///
/// Integers stay apart from doubles, and objects keep their keys in the order they were read
/// or built (a writer may sort them).
///
/// ```swift
/// let v: JSON = .object(["b": .int(1), "a": .array([.bool(true), .null])])
/// JSONWriter.string(v)   // {"b":1,"a":[true,null]}
/// ```
public indirect enum JSON: Hashable, Sendable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number written without a fraction or exponent that fits an `Int`.
    case int(Int)
    /// Any other number.
    case double(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSON])
    /// An object, keys in order.
    case object(OrderedDictionary<String, JSON>)
}
