/// A fewshot value.
///
/// Lists and records have **value semantics**: `let b = a` copies (cheaply, copy-on-write),
/// and changing `b[0]` or `b.x` never changes `a`. Functions and host objects are references.
///
/// ```swift
/// let v: Value = .record(["text": "great film", "label": "positive"])
/// print(v)  // {text: "great film", label: "positive"}
/// ```
public enum Value: @unchecked Sendable {
    case `nil`
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case list(ValueList)
    case record(Record)
    case function(Function)
    case host(any HostObject)

    /// The type name shown in messages and returned by `type(x)`.
    public var typeName: String {
        switch self {
        case .nil: return "nil"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .string: return "string"
        case .list: return "list"
        case .record: return "record"
        case .function: return "function"
        case .host(let h): return h.typeName
        }
    }

    public var isNil: Bool { if case .nil = self { return true }; return false }
    var isList: Bool { if case .list = self { return true }; return false }
    var isString: Bool { if case .string = self { return true }; return false }
    var isRecord: Bool { if case .record = self { return true }; return false }
}

extension Value: ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .float(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: Value...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, Value)...) {
        var r = Record()
        for (k, v) in elements { r[k] = v }
        self = .record(r)
    }
}

/// An opaque object owned by the host (a dataset, a model, a teacher).
///
/// ```swift
/// final class Dataset: HostObject {
///     var typeName: String { "dataset" }
///     var summary: String { "dataset(120 rows: text, label)" }
///     func field(_ name: String) -> Value? { name == "count" ? .int(120) : nil }
///     var fieldNames: [String] { ["count"] }
/// }
/// ```
public protocol HostObject: AnyObject {
    /// The type name: `type(x)` returns it and messages use it ("expected dataset").
    var typeName: String { get }
    /// One line shown when the object is printed or is the result of a cell.
    var summary: String { get }
    /// An optional multi-line view (e.g. the first rows of a dataset), shown by `show(x)`.
    var display: String? { get }
    /// The value of `object.name`, or nil when there is no such field.
    func field(_ name: String) -> Value?
    /// The names `field` answers, for completion and "did you mean" suggestions.
    var fieldNames: [String] { get }
    /// What `len(x)` gives (a dataset's rows, say); nil for an object without a size.
    var length: Int? { get }
}

extension HostObject {
    public var display: String? { nil }
    public var length: Int? { nil }
    public func field(_ name: String) -> Value? { nil }
    public var fieldNames: [String] { [] }
}
