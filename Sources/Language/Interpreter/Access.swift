/// Calls, field access, indexing and slicing.
final class CallNode: Node {
    let callee: Node
    let args: [Node]
    let labels: [String?]
    /// Where each argument is written, label included.
    var argRanges: [SourceRange?]
    let hasLabels: Bool
    /// Set when the callee is the plain name `range` (for `ForNode`'s counting loop).
    var rangeCell: GlobalCell?

    init(callee: Node, args: [Node], labels: [String?], range: SourceRange) {
        self.callee = callee
        self.args = args
        self.labels = labels
        self.argRanges = args.map { $0.range }
        self.hasLabels = labels.contains { $0 != nil }
        super.init(range: range)
    }

    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value {
        let cv = try callee.eval(f, rt)
        guard case .function(let fn) = cv else {
            throw RuntimeError("cannot call \(cv.typeName): it is not a function", at: callee.range)
        }
        if let code = fn.code, !hasLabels, args.count == code.parameterNames.count {
            // Fast path: positional arguments straight into the callee's slots.
            let frame = Frame.make(count: code.slotCount, parent: fn.env)
            for i in 0..<args.count { frame.slots[i] = try args[i].eval(f, rt) }
            return try rt.invoke(code, frame, callSite: range)
        }
        if let b = fn.builtin, !hasLabels, b.isPositionalOnly, args.count <= b.parameters.count {
            // Fast path for built-ins called with plain positional arguments.
            var values: [Value] = []
            values.reserveCapacity(b.parameters.count)
            for a in args { values.append(try a.eval(f, rt)) }
            return try rt.callBuiltin(b, positional: values, ranges: argRanges, at: range)
        }
        var values: [Value?] = []
        values.reserveCapacity(args.count)
        for a in args { values.append(try a.eval(f, rt)) }
        if let code = fn.code { return try callClosure(fn, code, values, rt) }
        return try rt.callBuiltin(fn.builtin!, values: values, labels: labels, ranges: argRanges, at: range)
    }

    private func callClosure(_ fn: Function, _ code: FunctionCode, _ values: [Value?], _ rt: Runtime) throws -> Value {
        let names = code.parameterNames
        let frame = Frame.make(count: code.slotCount, parent: fn.env)
        var bound = [Bool](repeating: false, count: names.count)
        var next = 0
        for (i, v) in values.enumerated() {
            let p: Int
            if let label = labels[i] {
                guard let q = names.firstIndex(of: label) else {
                    throw RuntimeError(
                        "\(code.name) has no parameter named '\(label)'\(Suggestions.note(for: label, in: names))",
                        at: argRanges[i] ?? range)
                }
                if bound[q] { throw RuntimeError("argument '\(label)' given twice to \(code.name)", at: argRanges[i] ?? range) }
                p = q
            } else {
                while next < names.count && bound[next] { next += 1 }
                guard next < names.count else {
                    throw RuntimeError(
                        "\(code.name) takes \(Runtime.arity(code)) but was given \(values.count)", at: argRanges[i] ?? range)
                }
                p = next
            }
            frame.slots[p] = v!
            bound[p] = true
        }
        for (i, isBound) in bound.enumerated() where !isBound {
            guard let d = code.defaults[i] else {
                throw RuntimeError("missing argument '\(names[i])' in call to \(code.name)", at: range)
            }
            frame.slots[i] = try rt.evalDefault(d, frame, callSite: range)
        }
        return try rt.invoke(code, frame, callSite: range)
    }

    /// For `for i in range(...)`: the bounds, if the callee is still the built-in `range` and
    /// the arguments are plain ints; nil means "evaluate normally".
    func rangeBounds(_ f: Frame, _ rt: Runtime) throws -> (start: Int, end: Int, step: Int)? {
        guard let cell = rangeCell, !hasLabels, (1...3).contains(args.count),
            case .function(let fn) = cell.value, fn.builtin?.name == "range", fn === rt.rangeFunction
        else { return nil }
        var ints: [Int] = []
        for a in args {
            let v = try a.eval(f, rt)
            guard case .int(let i) = v else {
                throw RuntimeError("arguments to range must be ints, got \(v.typeName)", at: a.range)
            }
            ints.append(i)
        }
        if ints.count == 1 { return (0, ints[0], 1) }
        let step = ints.count == 3 ? ints[2] : 1
        if step == 0 { throw RuntimeError("range step must not be zero", at: range) }
        return (ints[0], ints[1], step)
    }
}

final class FieldNode: Node {
    let base: Node
    let name: String
    /// Position of the field in the last record seen here (see `Record.lookup`).
    var hint = 0
    init(base: Node, name: String, range: SourceRange) {
        self.base = base
        self.name = name
        super.init(range: range)
    }
    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value {
        let v = try base.eval(f, rt)
        switch v {
        case .record(let r):
            if let x = r.lookup(name, hint: &hint) { return x }
            throw RuntimeError("record has no field '\(name)'\(Suggestions.note(for: name, in: r.fields.keys))", at: range)
        case .host(let h):
            if let x = h.field(name) { return x }
            throw RuntimeError("\(h.typeName) has no field '\(name)'\(Suggestions.note(for: name, in: h.fieldNames))", at: range)
        default:
            throw RuntimeError("cannot read field '\(name)' of \(v.typeName)", at: range)
        }
    }
}

final class IndexNode: Node {
    let base: Node, index: Node
    init(base: Node, index: Node, range: SourceRange) {
        self.base = base
        self.index = index
        super.init(range: range)
    }
    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value {
        try IndexNode.get(try base.eval(f, rt), try index.eval(f, rt), range)
    }

    static func get(_ v: Value, _ key: Value, _ range: SourceRange) throws -> Value {
        switch (v, key) {
        case (.list(let xs), .int(let i)):
            guard let j = Operators.normalize(i, count: xs.count) else {
                throw RuntimeError("index \(i) out of range for list of length \(xs.count)", at: range)
            }
            return xs[j]
        case (.string(let s), .int(let i)):
            let count = s.count
            guard let j = Operators.normalize(i, count: count) else {
                throw RuntimeError("index \(i) out of range for string of length \(count)", at: range)
            }
            return .string(String(s[s.index(s.startIndex, offsetBy: j)]))
        case (.record(let r), .string(let k)):
            if let x = r[k] { return x }
            throw RuntimeError("record has no field '\(k)'\(Suggestions.note(for: k, in: r.fields.keys))", at: range)
        case (.host(let h), .string(let k)):
            if let x = h.field(k) { return x }
            throw RuntimeError("\(h.typeName) has no field '\(k)'", at: range)
        case (.list, _), (.string, _):
            throw RuntimeError("\(v.typeName) index must be an int, got \(key.typeName)", at: range)
        case (.record, _):
            throw RuntimeError("record key must be a string, got \(key.typeName)", at: range)
        default:
            throw RuntimeError("cannot index \(v.typeName)", at: range)
        }
    }
}

final class SliceNode: Node {
    let base: Node
    let lower: Node?, upper: Node?
    init(base: Node, lower: Node?, upper: Node?, range: SourceRange) {
        self.base = base
        self.lower = lower
        self.upper = upper
        super.init(range: range)
    }
    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value {
        let v = try base.eval(f, rt)
        let lo = try bound(lower, f, rt), hi = try bound(upper, f, rt)
        switch v {
        case .list(let xs):
            return .list(Array(xs[Operators.sliceBounds(lo, hi, count: xs.count)]))
        case .string(let s):
            let chars = Array(s)
            return .string(String(chars[Operators.sliceBounds(lo, hi, count: chars.count)]))
        default:
            throw RuntimeError("cannot slice \(v.typeName)", at: range)
        }
    }
    private func bound(_ n: Node?, _ f: Frame, _ rt: Runtime) throws -> Int? {
        guard let n else { return nil }
        switch try n.eval(f, rt) {
        case .int(let i): return i
        case .nil: return nil
        case let v: throw RuntimeError("slice bounds must be ints, got \(v.typeName)", at: n.range)
        }
    }
}
