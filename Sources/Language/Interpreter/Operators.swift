import Foundation

/// Arithmetic, comparison and membership on values, shared by the operator nodes and the
/// built-ins. Ints overflow into an error rather than wrapping.
enum Operators {
    static func typeError(_ op: String, _ a: Value, _ b: Value, _ range: SourceRange) -> RuntimeError {
        RuntimeError("cannot apply '\(op)' to \(a.typeName) and \(b.typeName)", at: range)
    }

    static func overflow(_ range: SourceRange) -> RuntimeError {
        RuntimeError("integer overflow", at: range)
    }

    /// The longest string `+` and `+=` build (as `*` for repetition): a loop that doubles a
    /// string fails with an error long before it exhausts memory.
    static let maxStringBytes = 100_000_000
    /// The longest list `+` and `+=` build (as `*` for repetition).
    static let maxListCount = 10_000_000

    static func checkConcatenation(_ a: String, _ b: String, _ range: SourceRange) throws {
        if a.utf8.count + b.utf8.count > maxStringBytes {
            throw RuntimeError("string too large (more than \(maxStringBytes) bytes)", at: range)
        }
    }

    static func checkConcatenation(_ a: ValueList, _ b: ValueList, _ range: SourceRange) throws {
        if a.count + b.count > maxListCount {
            throw RuntimeError("list too large (more than \(maxListCount) elements)", at: range)
        }
    }

    @inline(__always)
    static func add(_ a: Value, _ b: Value, _ range: SourceRange) throws -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            let (r, o) = x.addingReportingOverflow(y)
            if o { throw overflow(range) }
            return .int(r)
        case (.float(let x), .float(let y)): return .float(x + y)
        case (.int(let x), .float(let y)): return .float(Double(x) + y)
        case (.float(let x), .int(let y)): return .float(x + Double(y))
        case (.string(let x), .string(let y)):
            try checkConcatenation(x, y, range)
            return .string(x + y)
        case (.list(let x), .list(let y)):
            try checkConcatenation(x, y, range)
            return .list(x + y)
        case (.record(var x), .record(let y)):
            for (k, v) in y.fields { x[k] = v }
            return .record(x)
        default: throw typeError("+", a, b, range)
        }
    }

    @inline(__always)
    static func subtract(_ a: Value, _ b: Value, _ range: SourceRange) throws -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            let (r, o) = x.subtractingReportingOverflow(y)
            if o { throw overflow(range) }
            return .int(r)
        case (.float(let x), .float(let y)): return .float(x - y)
        case (.int(let x), .float(let y)): return .float(Double(x) - y)
        case (.float(let x), .int(let y)): return .float(x - Double(y))
        default: throw typeError("-", a, b, range)
        }
    }

    static func multiply(_ a: Value, _ b: Value, _ range: SourceRange) throws -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            let (r, o) = x.multipliedReportingOverflow(by: y)
            if o { throw overflow(range) }
            return .int(r)
        case (.float(let x), .float(let y)): return .float(x * y)
        case (.int(let x), .float(let y)): return .float(Double(x) * y)
        case (.float(let x), .int(let y)): return .float(x * Double(y))
        case (.string(let s), .int(let n)), (.int(let n), .string(let s)):
            guard n <= 100_000_000 / max(1, s.utf8.count) else {
                throw RuntimeError("string repetition too large (more than 100000000 bytes)", at: range)
            }
            return .string(String(repeating: s, count: max(0, n)))
        case (.list(let xs), .int(let n)), (.int(let n), .list(let xs)):
            guard n <= 10_000_000 / max(1, xs.count) else {
                throw RuntimeError("list repetition too large (more than 10000000 elements)", at: range)
            }
            var out: [Value] = []
            for _ in 0..<max(0, n) { out += xs }
            return .list(out)
        default: throw typeError("*", a, b, range)
        }
    }

    static func divide(_ a: Value, _ b: Value, _ range: SourceRange) throws -> Value {
        guard let x = a.asDouble, let y = b.asDouble else { throw typeError("/", a, b, range) }
        if y == 0 { throw RuntimeError("division by zero", at: range) }
        return .float(x / y)
    }

    static func floorDivide(_ a: Value, _ b: Value, _ range: SourceRange) throws -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            if y == 0 { throw RuntimeError("division by zero", at: range) }
            if x == .min && y == -1 { throw overflow(range) }
            let q = x / y
            return .int((x % y != 0 && (x < 0) != (y < 0)) ? q - 1 : q)
        default:
            guard let x = a.asDouble, let y = b.asDouble else { throw typeError("//", a, b, range) }
            if y == 0 { throw RuntimeError("division by zero", at: range) }
            return .float((x / y).rounded(.down))
        }
    }

    /// Remainder with the sign of the divisor (so `-7 % 3 == 2`).
    static func remainder(_ a: Value, _ b: Value, _ range: SourceRange) throws -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            if y == 0 { throw RuntimeError("division by zero", at: range) }
            if y == -1 { return .int(0) }
            let r = x % y
            return .int(r != 0 && (r < 0) != (y < 0) ? r + y : r)
        default:
            guard let x = a.asDouble, let y = b.asDouble else { throw typeError("%", a, b, range) }
            if y == 0 { throw RuntimeError("division by zero", at: range) }
            let r = fmod(x, y)
            return .float(r != 0 && (r < 0) != (y < 0) ? r + y : r)
        }
    }

    static func compare(_ op: String, _ a: Value, _ b: Value, _ range: SourceRange) throws -> Int {
        guard let c = Value.compare(a, b) else {
            throw RuntimeError("cannot compare \(a.typeName) and \(b.typeName) with '\(op)'", at: range)
        }
        return c
    }

    /// `x in xs`: element of a list, substring of a string, key of a record.
    static func contains(_ container: Value, _ item: Value, _ range: SourceRange) throws -> Bool {
        switch (container, item) {
        case (.list(let xs), _): return xs.contains(item)
        case (.string(let s), .string(let sub)): return sub.isEmpty || s.contains(sub)
        case (.record(let r), .string(let k)): return r[k] != nil
        case (.host(let h), .string(let k)): return h.field(k) != nil
        default:
            throw RuntimeError("cannot use 'in' with \(item.typeName) and \(container.typeName)", at: range)
        }
    }

    /// `v op= rhs` in place: appending to a uniquely held string or list is amortised O(1).
    static func compound(_ op: AssignOp, _ v: inout Value, _ rhs: Value, range: SourceRange) throws {
        // The left side is moved out of `v` before it changes, never bound by a pattern while
        // `v` still holds it: a second reference would make every append copy.
        switch (op, rhs) {
        case (.add, .list(let ys)) where v.isList:
            guard case .list(var xs) = take(&v) else { return }
            defer { v = .list(xs) }
            try checkConcatenation(xs, ys, range)
            xs.append(contentsOf: ys)
            return
        case (.add, .string(let t)) where v.isString:
            guard case .string(var s) = take(&v) else { return }
            defer { v = .string(s) }
            try checkConcatenation(s, t, range)
            s += t
            return
        case (.add, .record(let y)) where v.isRecord:
            guard case .record(var x) = take(&v) else { return }
            defer { v = .record(x) }
            for (k, value) in y.fields { x[k] = value }
            return
        default: break
        }
        switch op {
        case .add: v = try add(v, rhs, range)
        case .subtract: v = try subtract(v, rhs, range)
        case .multiply: v = try multiply(v, rhs, range)
        case .divide: v = try divide(v, rhs, range)
        }
    }

    /// The value of `v`, leaving nil there, with no copy in between.
    static func take(_ v: inout Value) -> Value {
        withUnsafeMutablePointer(to: &v) { p in
            let moved = p.move()
            p.initialize(to: .nil)
            return moved
        }
    }

    /// A Python-style index (negative counts from the end), or nil when out of range.
    @inline(__always)
    static func normalize(_ i: Int, count: Int) -> Int? {
        let j = i < 0 ? i + count : i
        return j >= 0 && j < count ? j : nil
    }

    /// Clamps slice bounds like Python.
    static func sliceBounds(_ lo: Int?, _ hi: Int?, count: Int) -> Range<Int> {
        func clamp(_ i: Int) -> Int { i < 0 ? max(0, i + count) : min(i, count) }
        let l = lo.map(clamp) ?? 0
        let h = hi.map(clamp) ?? count
        return l..<max(l, h)
    }
}

extension Value {
    /// The number as a Double, for ints and floats.
    public var asDouble: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .float(let d): return d
        default: return nil
        }
    }
}
