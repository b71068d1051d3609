/// An executable node: the compiler turns the syntax tree into a tree of these, with
/// variables already resolved to frame slots or global cells. `eval` runs the node in the
/// frame of the current call.
class Node {
    let range: SourceRange
    init(range: SourceRange) { self.range = range }

    func eval(_ f: Frame, _ rt: Runtime) throws -> Value {
        preconditionFailure("\(type(of: self)) must override eval")
    }
}

final class Literal: Node {
    let value: Value
    init(_ value: Value, range: SourceRange) {
        self.value = value
        super.init(range: range)
    }
    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value { value }
}

/// A sequence of statements; its value is the last statement's value. Stops early when a
/// `break`, `continue` or `return` is unwinding.
final class BlockNode: Node {
    let statements: [Node]
    init(_ statements: [Node], range: SourceRange) {
        self.statements = statements
        super.init(range: range)
    }
    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value {
        var last = Value.nil
        for s in statements {
            last = try s.eval(f, rt)
            if rt.unwind != .none { return .nil }
        }
        return last
    }
}

/// Wraps a statement whose value is not the block's value (a binding, an assignment).
final class DiscardNode: Node {
    let inner: Node
    init(_ inner: Node) {
        self.inner = inner
        super.init(range: inner.range)
    }
    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value {
        _ = try inner.eval(f, rt)
        return .nil
    }
}

final class InterpolationNode: Node {
    enum Part { case text(String), expr(Node) }
    let parts: [Part]
    init(_ parts: [Part], range: SourceRange) {
        self.parts = parts
        super.init(range: range)
    }
    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value {
        var s = ""
        s.reserveCapacity(32)
        for p in parts {
            switch p {
            case .text(let t): s += t
            case .expr(let e):
                switch try e.eval(f, rt) {
                case .string(let v): s += v
                case .int(let i): s += String(i)
                case let v: s += v.description
                }
            }
        }
        return .string(s)
    }
}

final class ListNode: Node {
    let items: [Node]
    init(_ items: [Node], range: SourceRange) {
        self.items = items
        super.init(range: range)
    }
    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value {
        var out: [Value] = []
        out.reserveCapacity(items.count)
        for i in items { out.append(try i.eval(f, rt)) }
        return .list(out)
    }
}

final class RecordNode: Node {
    let names: [String]
    let values: [Node]
    init(names: [String], values: [Node], range: SourceRange) {
        self.names = names
        self.values = values
        super.init(range: range)
    }
    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value {
        var vals: [Value] = []
        vals.reserveCapacity(values.count)
        for v in values { vals.append(try v.eval(f, rt)) }
        return .record(Record(.init(uncheckedUniqueKeys: names, values: vals)))
    }
}

final class FunctionNode: Node {
    let code: FunctionCode
    init(_ code: FunctionCode, range: SourceRange) {
        self.code = code
        super.init(range: range)
    }
    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value {
        .function(Function(code: code, env: f))
    }
}
