/// Equality and ordering.
///
/// `==` is structural for lists and records and compares ints with floats numerically;
/// functions and host objects are equal only to themselves. Ordering (`<`, `sort`) is defined
/// for numbers, strings, and lists of those (lexicographically).
///
/// Both walk nested lists and records with an explicit stack, so comparing values nested
/// 100,000 deep takes no native stack.
extension Value: Equatable {
    public static func == (a: Value, b: Value) -> Bool {
        var pending: [(Value, Value)] = [(a, b)]
        while let (x, y) = pending.popLast() {
            switch (x, y) {
            case (.list(let p), .list(let q)):
                if p.storage === q.storage { continue }
                guard p.count == q.count else { return false }
                for i in p.indices.reversed() { pending.append((p[i], q[i])) }
            case (.record(let p), .record(let q)):
                if p.storage === q.storage { continue }
                guard p.count == q.count, p.fields.keys == q.fields.keys else { return false }
                for (u, v) in zip(p.fields.values, q.fields.values).reversed() { pending.append((u, v)) }
            default:
                if !scalarEqual(x, y) { return false }
            }
        }
        return true
    }

    /// Equality of two values that are not both lists or both records.
    private static func scalarEqual(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.nil, .nil): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.float(let x), .float(let y)): return x == y
        case (.int(let x), .float(let y)): return Double(x) == y
        case (.float(let x), .int(let y)): return x == Double(y)
        case (.string(let x), .string(let y)): return x == y
        case (.function(let x), .function(let y)): return x === y
        case (.host(let x), .host(let y)): return x === y
        default: return false
        }
    }

    /// Orders two values, or returns nil when they cannot be compared.
    public static func compare(_ a: Value, _ b: Value) -> Int? {
        // Lists compare element by element; `pending` holds the lists being walked and the
        // next position in each, so nesting needs no recursion.
        var pending: [(ValueList, ValueList, Int)] = []
        var x = a, y = b
        while true {
            if case .list(let p) = x, case .list(let q) = y {
                pending.append((p, q, 0))
            } else {
                guard let c = scalarCompare(x, y) else { return nil }
                if c != 0 { return c }
            }
            // Find the next pair of elements to compare, finishing exhausted lists.
            while true {
                guard let (p, q, i) = pending.popLast() else { return 0 }
                if i < p.count && i < q.count {
                    pending.append((p, q, i + 1))
                    x = p[i]
                    y = q[i]
                    break
                }
                if p.count != q.count { return p.count < q.count ? -1 : 1 }
            }
        }
    }

    /// Ordering of two values that are not both lists.
    private static func scalarCompare(_ a: Value, _ b: Value) -> Int? {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x < y ? -1 : x == y ? 0 : 1
        case (.float(let x), .float(let y)): return x < y ? -1 : x == y ? 0 : 1
        case (.int(let x), .float(let y)): let d = Double(x); return d < y ? -1 : d == y ? 0 : 1
        case (.float(let x), .int(let y)): let d = Double(y); return x < d ? -1 : x == d ? 0 : 1
        case (.string(let x), .string(let y)): return x < y ? -1 : x == y ? 0 : 1
        case (.bool(let x), .bool(let y)): return x == y ? 0 : (!x ? -1 : 1)
        default: return nil
        }
    }
}
