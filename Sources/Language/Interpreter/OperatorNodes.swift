/// Operator nodes. Each binary operator has its own class so the common int case runs
/// without a switch on the operator.
class BinaryNode: Node {
    let left: Node, right: Node
    init(_ left: Node, _ right: Node, range: SourceRange) {
        self.left = left
        self.right = right
        super.init(range: range)
    }
}

final class AddNode: BinaryNode {
    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value {
        let a = try left.eval(f, rt), b = try right.eval(f, rt)
        if case .int(let x) = a, case .int(let y) = b {
            let (r, o) = x.addingReportingOverflow(y)
            if !o { return .int(r) }
        }
        return try Operators.add(a, b, range)
    }
}

final class SubtractNode: BinaryNode {
    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value {
        let a = try left.eval(f, rt), b = try right.eval(f, rt)
        if case .int(let x) = a, case .int(let y) = b {
            let (r, o) = x.subtractingReportingOverflow(y)
            if !o { return .int(r) }
        }
        return try Operators.subtract(a, b, range)
    }
}

final class MultiplyNode: BinaryNode {
    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value {
        try Operators.multiply(try left.eval(f, rt), try right.eval(f, rt), range)
    }
}

final class DivideNode: BinaryNode {
    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value {
        try Operators.divide(try left.eval(f, rt), try right.eval(f, rt), range)
    }
}

final class FloorDivideNode: BinaryNode {
    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value {
        try Operators.floorDivide(try left.eval(f, rt), try right.eval(f, rt), range)
    }
}

final class RemainderNode: BinaryNode {
    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value {
        let a = try left.eval(f, rt), b = try right.eval(f, rt)
        if case .int(let x) = a, case .int(let y) = b, y > 0 {
            let r = x % y
            return .int(r < 0 ? r + y : r)
        }
        return try Operators.remainder(a, b, range)
    }
}

final class EqualNode: BinaryNode {
    let negate: Bool
    init(_ left: Node, _ right: Node, negate: Bool, range: SourceRange) {
        self.negate = negate
        super.init(left, right, range: range)
    }
    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value {
        .bool((try left.eval(f, rt) == (try right.eval(f, rt))) != negate)
    }
}

/// `<`, `<=`, `>`, `>=`: `accept` says which orderings (-1, 0, 1) make it true.
final class CompareNode: BinaryNode {
    let op: String
    let lt: Bool, eq: Bool, gt: Bool
    init(_ left: Node, _ right: Node, op: BinaryOp, range: SourceRange) {
        self.op = op.rawValue
        lt = op == .less || op == .lessEqual
        eq = op == .lessEqual || op == .greaterEqual
        gt = op == .greater || op == .greaterEqual
        super.init(left, right, range: range)
    }
    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value {
        let a = try left.eval(f, rt), b = try right.eval(f, rt)
        if case .int(let x) = a, case .int(let y) = b {
            return .bool(x < y ? lt : x == y ? eq : gt)
        }
        let c = try Operators.compare(op, a, b, range)
        return .bool(c < 0 ? lt : c == 0 ? eq : gt)
    }
}

final class ContainsNode: BinaryNode {
    let negate: Bool
    init(_ left: Node, _ right: Node, negate: Bool, range: SourceRange) {
        self.negate = negate
        super.init(left, right, range: range)
    }
    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value {
        let item = try left.eval(f, rt), container = try right.eval(f, rt)
        return .bool(try Operators.contains(container, item, range) != negate)
    }
}

/// `and` / `or`: operands must be bools; the right side runs only when needed.
final class LogicalNode: BinaryNode {
    let isAnd: Bool
    init(_ left: Node, _ right: Node, isAnd: Bool, range: SourceRange) {
        self.isAnd = isAnd
        super.init(left, right, range: range)
    }
    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value {
        let a = try left.eval(f, rt)
        guard case .bool(let x) = a else { throw operandError(a, left) }
        if x != isAnd { return a }
        let b = try right.eval(f, rt)
        guard case .bool = b else { throw operandError(b, right) }
        return b
    }
    private func operandError(_ v: Value, _ n: Node) -> RuntimeError {
        RuntimeError("operands of '\(isAnd ? "and" : "or")' must be bools, got \(v.typeName)", at: n.range)
    }
}

final class NegateNode: Node {
    let operand: Node
    init(_ operand: Node, range: SourceRange) {
        self.operand = operand
        super.init(range: range)
    }
    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value {
        switch try operand.eval(f, rt) {
        case .int(let i):
            if i == .min { throw Operators.overflow(range) }
            return .int(-i)
        case .float(let d): return .float(-d)
        case let v: throw RuntimeError("cannot negate \(v.typeName)", at: range)
        }
    }
}

final class NotNode: Node {
    let operand: Node
    init(_ operand: Node, range: SourceRange) {
        self.operand = operand
        super.init(range: range)
    }
    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value {
        let v = try operand.eval(f, rt)
        guard case .bool(let b) = v else {
            throw RuntimeError("operand of 'not' must be a bool, got \(v.typeName)", at: operand.range)
        }
        return .bool(!b)
    }
}
