/// Equality and ordering.
///
/// `==` is structural for lists and records and compares ints with floats numerically;
/// functions and host objects are equal only to themselves. Ordering (`<`, `sort`) is defined
/// for numbers, strings, and lists of those (lexicographically).
extension Value: Equatable {
    public static func == (a: Value, b: Value) -> Bool {
        switch (a, b) {
        case (.nil, .nil): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.float(let x), .float(let y)): return x == y
        case (.int(let x), .float(let y)): return Double(x) == y
        case (.float(let x), .int(let y)): return x == Double(y)
        case (.string(let x), .string(let y)): return x == y
        case (.list(let x), .list(let y)): return x == y
        case (.record(let x), .record(let y)): return x == y
        case (.function(let x), .function(let y)): return x === y
        case (.host(let x), .host(let y)): return x === y
        default: return false
        }
    }

    /// Orders two values, or returns nil when they cannot be compared.
    public static func compare(_ a: Value, _ b: Value) -> Int? {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x < y ? -1 : x == y ? 0 : 1
        case (.float(let x), .float(let y)): return x < y ? -1 : x == y ? 0 : 1
        case (.int(let x), .float(let y)): let d = Double(x); return d < y ? -1 : d == y ? 0 : 1
        case (.float(let x), .int(let y)): let d = Double(y); return x < d ? -1 : x == d ? 0 : 1
        case (.string(let x), .string(let y)): return x < y ? -1 : x == y ? 0 : 1
        case (.bool(let x), .bool(let y)): return x == y ? 0 : (!x ? -1 : 1)
        case (.list(let x), .list(let y)):
            for (p, q) in zip(x, y) {
                guard let c = compare(p, q) else { return nil }
                if c != 0 { return c }
            }
            return x.count < y.count ? -1 : x.count == y.count ? 0 : 1
        default: return nil
        }
    }
}
