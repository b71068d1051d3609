/// `if`, loops, and the statements that leave them.
@inline(__always)
func condition(_ n: Node, _ f: Frame, _ rt: Runtime, _ what: String) throws -> Bool {
    let v = try n.eval(f, rt)
    if case .bool(let b) = v { return b }
    throw RuntimeError("\(what) must be a bool, got \(v.typeName)", at: n.range)
}

final class IfNode: Node {
    let cond: Node, then: Node
    let otherwise: Node?
    init(_ cond: Node, _ then: Node, _ otherwise: Node?, range: SourceRange) {
        self.cond = cond
        self.then = then
        self.otherwise = otherwise
        super.init(range: range)
    }
    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value {
        if try condition(cond, f, rt, "the condition of 'if'") { return try then.eval(f, rt) }
        return try otherwise?.eval(f, rt) ?? .nil
    }
}

final class WhileNode: Node {
    let cond: Node, body: Node
    init(_ cond: Node, _ body: Node, range: SourceRange) {
        self.cond = cond
        self.body = body
        super.init(range: range)
    }
    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value {
        while try condition(cond, f, rt, "the condition of 'while'") {
            _ = try body.eval(f, rt)
            if rt.unwind != .none {
                if rt.unwind == .returnValue { break }
                let stop = rt.unwind == .breakLoop
                rt.unwind = .none
                if stop { break }
            }
            try rt.tick()
        }
        return .nil
    }
}

/// `for x in seq`: lists, strings (characters), records (keys), and `range(...)` without
/// building the list.
final class ForNode: Node {
    let slot: Int
    let sequence: Node
    let body: Node
    /// When the sequence is a call `range(a, b, step)`, its argument nodes: if `range` is still
    /// the built-in at run time, the loop counts instead of allocating a list.
    let rangeCall: CallNode?
    init(slot: Int, sequence: Node, body: Node, range: SourceRange) {
        self.slot = slot
        self.sequence = sequence
        self.body = body
        self.rangeCall = sequence as? CallNode
        super.init(range: range)
    }

    /// Runs the body once; returns false when the loop must stop.
    @inline(__always)
    private func step(_ v: Value, _ f: Frame, _ rt: Runtime) throws -> Bool {
        f.slots[slot] = v
        _ = try body.eval(f, rt)
        if rt.unwind != .none {
            if rt.unwind == .returnValue { return false }
            let stop = rt.unwind == .breakLoop
            rt.unwind = .none
            if stop { return false }
        }
        try rt.tick()
        return true
    }

    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value {
        if let call = rangeCall, let bounds = try call.rangeBounds(f, rt) {
            var i = bounds.start
            while bounds.step > 0 ? i < bounds.end : i > bounds.end {
                if try !step(.int(i), f, rt) { break }
                let (next, overflow) = i.addingReportingOverflow(bounds.step)
                if overflow { break }
                i = next
            }
            return .nil
        }
        switch try sequence.eval(f, rt) {
        case .list(let xs):
            for x in xs where try !step(x, f, rt) { break }
        case .string(let s):
            for ch in s where try !step(.string(String(ch)), f, rt) { break }
        case .record(let r):
            for k in r.fields.keys where try !step(.string(k), f, rt) { break }
        case let v:
            throw RuntimeError("cannot loop over \(v.typeName)", at: sequence.range)
        }
        return .nil
    }
}

final class ReturnNode: Node {
    let value: Node?
    init(_ value: Node?, range: SourceRange) {
        self.value = value
        super.init(range: range)
    }
    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value {
        rt.returnValue = try value?.eval(f, rt) ?? .nil
        rt.unwind = .returnValue
        return .nil
    }
}

final class LoopExitNode: Node {
    let kind: Unwind
    init(_ kind: Unwind, range: SourceRange) {
        self.kind = kind
        super.init(range: range)
    }
    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value {
        rt.unwind = kind
        return .nil
    }
}

/// `import "name"`: the session loads the module once.
final class ImportNode: Node {
    let path: String
    init(path: String, range: SourceRange) {
        self.path = path
        super.init(range: range)
    }
    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value {
        guard let load = rt.importModule else { throw RuntimeError("import is not available here", at: range) }
        try load(path, range)
        return .nil
    }
}
