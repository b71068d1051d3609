/// One metadata value of a GGUF file. Arrays hold values of one element type.
public enum GGUFValue: Equatable, Sendable {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
    case uint64(UInt64), int64(Int64), float32(Float), float64(Double), bool(Bool)
    case string(String)
    case array([GGUFValue])

    /// The value as an Int, for any integer type (nil for other types or out of range).
    public var int: Int? {
        switch self {
        case .uint8(let v): Int(v)
        case .int8(let v): Int(v)
        case .uint16(let v): Int(v)
        case .int16(let v): Int(v)
        case .uint32(let v): Int(v)
        case .int32(let v): Int(v)
        case .uint64(let v): Int(exactly: v)
        case .int64(let v): Int(v)
        default: nil
        }
    }

    /// The value as a Double, for any numeric type.
    public var double: Double? {
        switch self {
        case .float32(let v): Double(v)
        case .float64(let v): v
        default: int.map(Double.init)
        }
    }

    /// The value as a Bool.
    public var bool: Bool? {
        if case .bool(let v) = self { return v }
        return nil
    }

    /// The value as a String.
    public var string: String? {
        if case .string(let v) = self { return v }
        return nil
    }

    /// The elements of an array value.
    public var array: [GGUFValue]? {
        if case .array(let v) = self { return v }
        return nil
    }

    /// A short rendering for summaries: arrays show their length, long strings are cut.
    public var summary: String {
        switch self {
        case .string(let s): s.count > 60 ? "\"\(s.prefix(57))...\"" : "\"\(s)\""
        case .array(let a): "[\(a.count) values]"
        case .bool(let b): String(b)
        case .float32(let f): String(f)
        case .float64(let f): String(f)
        default: int.map(String.init) ?? "?"
        }
    }
}
