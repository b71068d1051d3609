/// Reading and writing variables: locals by slot, captured variables by (depth, slot),
/// globals through their cell.
final class LocalGet: Node {
    let slot: Int
    init(slot: Int, range: SourceRange) {
        self.slot = slot
        super.init(range: range)
    }
    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value { f.slots[slot] }
}

final class UpvalueGet: Node {
    let depth: Int, slot: Int
    init(depth: Int, slot: Int, range: SourceRange) {
        self.depth = depth
        self.slot = slot
        super.init(range: range)
    }
    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value { f.ancestor(depth).slots[slot] }
}

final class GlobalGet: Node {
    let cell: GlobalCell
    /// Local names visible here, for "did you mean" when the global is undefined.
    let visibleLocals: [String]
    init(cell: GlobalCell, visibleLocals: [String], range: SourceRange) {
        self.cell = cell
        self.visibleLocals = visibleLocals
        super.init(range: range)
    }
    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value {
        if cell.isDefined { return cell.value }
        let hint =
            Suggestions.note(for: cell.name, in: visibleLocals + rt.definedGlobalNames)
            + Suggestions.slotNote(for: cell.name, at: range)
        throw RuntimeError("unknown name '\(cell.name)'\(hint)", at: range)
    }
}

/// Where an assignment stores its value.
enum Storage {
    case local(Int)
    case upvalue(depth: Int, slot: Int)
    case global(GlobalCell)

    /// Moves the value out (leaving nil) so that it is uniquely referenced while mutated in
    /// place; `put` stores it back.
    @inline(__always)
    func take(_ f: Frame) -> Value {
        switch self {
        case .local(let s):
            let v = (f.slots + s).move()
            (f.slots + s).initialize(to: .nil)
            return v
        case .upvalue(let d, let s):
            let p = f.ancestor(d).slots + s
            let v = p.move()
            p.initialize(to: .nil)
            return v
        case .global(let c):
            let v = c.value
            c.value = .nil
            return v
        }
    }

    @inline(__always)
    func put(_ v: Value, _ f: Frame) {
        switch self {
        case .local(let s): f.slots[s] = v
        case .upvalue(let d, let s): f.ancestor(d).slots[s] = v
        case .global(let c): c.value = v
        }
    }

    func get(_ f: Frame, name: String, range: SourceRange, rt: Runtime) throws -> Value {
        switch self {
        case .local(let s): return f.slots[s]
        case .upvalue(let d, let s): return f.ancestor(d).slots[s]
        case .global(let c):
            if c.isDefined { return c.value }
            let hint = Suggestions.note(for: name, in: rt.definedGlobalNames)
            throw RuntimeError("unknown name '\(name)'\(hint)", at: range)
        }
    }
}

final class LocalSet: Node {
    let slot: Int
    let value: Node
    init(slot: Int, value: Node, range: SourceRange) {
        self.slot = slot
        self.value = value
        super.init(range: range)
    }
    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value {
        f.slots[slot] = try value.eval(f, rt)
        return .nil
    }
}

/// `let`/`var`/`fn` at the top level: defines (or redefines) a global.
final class GlobalDefine: Node {
    let cell: GlobalCell
    let value: Node
    let constant: Bool
    init(cell: GlobalCell, value: Node, constant: Bool, range: SourceRange) {
        self.cell = cell
        self.value = value
        self.constant = constant
        super.init(range: range)
    }
    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value {
        cell.value = try value.eval(f, rt)
        cell.isDefined = true
        cell.isConstant = constant
        return .nil
    }
}

/// `x = v` for any storage, and `x += v` (in place for strings and lists, so a loop that
/// appends stays linear).
final class AssignNode: Node {
    let storage: Storage
    let name: String
    let op: AssignOp?
    let value: Node
    /// For `x += [item]`, the item's node.
    let appendedItem: Node?
    init(storage: Storage, name: String, op: AssignOp?, value: Node, range: SourceRange) {
        self.storage = storage
        self.name = name
        self.op = op
        self.value = value
        if let list = value as? ListNode, list.items.count == 1 { appendedItem = list.items[0] } else { appendedItem = nil }
        super.init(range: range)
    }
    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value {
        if op == .add, let single = appendedItem {
            // `xs += [item]`: append in place without building a one-element list.
            let item = try single.eval(f, rt)
            _ = try storage.get(f, name: name, range: range, rt: rt)
            var current = storage.take(f)
            if case .list(var xs) = current {
                current = .nil
                xs.append(item)
                storage.put(.list(xs), f)
                return .nil
            }
            defer { storage.put(current, f) }
            try Operators.compound(.add, &current, .list([item]), range: range)
            return .nil
        }
        let rhs = try value.eval(f, rt)
        guard let op else {
            if case .global(let c) = storage {
                guard c.isDefined else {
                    throw RuntimeError("cannot assign to '\(name)' before it is declared with 'var'", at: range)
                }
                if c.isConstant { throw RuntimeError("cannot assign to '\(name)': it is declared with 'let'", at: range) }
            }
            storage.put(rhs, f)
            return .nil
        }
        if try addInts(op, rhs, f, rt) { return .nil }
        var current = storage.take(f)
        defer { storage.put(current, f) }
        try Operators.compound(op, &current, rhs, range: range)
        return .nil
    }
}

extension AssignNode {
    /// `n += 1` and `n -= 1` on ints without taking the value out; false for anything else.
    /// (A separate function so the value read here is released before `eval` takes the
    /// variable's value to change it in place.)
    func addInts(_ op: AssignOp, _ rhs: Value, _ f: Frame, _ rt: Runtime) throws -> Bool {
        let old = try storage.get(f, name: name, range: range, rt: rt)  // reports unknown names
        guard case .int(let x) = old, case .int(let y) = rhs, op == .add || op == .subtract else { return false }
        let (r, o) = op == .add ? x.addingReportingOverflow(y) : x.subtractingReportingOverflow(y)
        if o { return false }
        storage.put(.int(r), f)
        return true
    }
}

/// `a.b.c = v`, `a[i] = v`, `a[i].x += v`: mutates the variable's value in place.
final class PathAssignNode: Node {
    enum Step { case field(String), index(Node) }
    let storage: Storage
    let rootName: String
    let path: [Step]
    let op: AssignOp?
    let value: Node
    init(storage: Storage, rootName: String, path: [Step], op: AssignOp?, value: Node, range: SourceRange) {
        self.storage = storage
        self.rootName = rootName
        self.path = path
        self.op = op
        self.value = value
        super.init(range: range)
    }
    override func eval(_ f: Frame, _ rt: Runtime) throws -> Value {
        let rhs = try value.eval(f, rt)
        // Evaluate index expressions before taking the container out of its variable.
        var keys: [Value] = []
        for step in path {
            if case .index(let n) = step { keys.append(try n.eval(f, rt)) }
        }
        _ = try storage.get(f, name: rootName, range: range, rt: rt)
        if case .global(let c) = storage, c.isConstant {
            throw RuntimeError("cannot change '\(rootName)': it is declared with 'let'", at: range)
        }
        var root = storage.take(f)
        defer { storage.put(root, f) }
        var k = 0
        try update(&root, 0, &k, keys, rhs)
        return .nil
    }

    private func update(_ v: inout Value, _ i: Int, _ k: inout Int, _ keys: [Value], _ rhs: Value) throws {
        if i == path.count {
            if let op { try Operators.compound(op, &v, rhs, range: range) } else { v = rhs }
            return
        }
        // The container is moved out of `v` (not copied) so it is uniquely held and changes
        // in place: setting keys or elements one by one in a loop stays linear.
        switch path[i] {
        case .field(let name):
            guard case .record = v else { throw RuntimeError("cannot set field '\(name)' on \(v.typeName)", at: range) }
            var r = PathAssignNode.takeRecord(&v)
            var inner = r[name] ?? .nil
            if r[name] == nil && (op != nil || i + 1 < path.count) {
                v = .record(r)
                throw RuntimeError("record has no field '\(name)'\(Suggestions.note(for: name, in: r.fields.keys))", at: range)
            }
            r[name] = Value.nil
            defer { r[name] = inner; v = .record(r) }
            try update(&inner, i + 1, &k, keys, rhs)
        case .index:
            let key = keys[k]
            k += 1
            // No pattern may bind the container here: a binding would be a second reference
            // and make the change below copy it.
            if case .list = v {
                guard case .int(let raw) = key else {
                    throw RuntimeError("list index must be an int, got \(key.typeName)", at: range)
                }
                var xs = PathAssignNode.takeList(&v)
                guard let idx = Operators.normalize(raw, count: xs.count) else {
                    let count = xs.count
                    v = .list(xs)
                    throw RuntimeError("index \(raw) out of range for list of length \(count)", at: range)
                }
                var inner = xs[idx]
                xs[idx] = Value.nil
                defer { xs[idx] = inner; v = .list(xs) }
                try update(&inner, i + 1, &k, keys, rhs)
            } else if case .record = v {
                guard case .string(let name) = key else {
                    throw RuntimeError("record key must be a string, got \(key.typeName)", at: range)
                }
                var r = PathAssignNode.takeRecord(&v)
                var inner = r[name] ?? .nil
                r[name] = Value.nil
                defer { r[name] = inner; v = .record(r) }
                try update(&inner, i + 1, &k, keys, rhs)
            } else {
                throw RuntimeError("cannot assign to an element of \(v.typeName)", at: range)
            }
        }
    }

    /// The record in `v` (which must hold one), leaving nil there; returned as the only reference.
    private static func takeRecord(_ v: inout Value) -> Record {
        guard case .record(let r) = move(&v) else { preconditionFailure("not a record") }
        return r
    }

    /// The list in `v` (which must hold one), leaving nil there; returned as the only reference.
    private static func takeList(_ v: inout Value) -> ValueList {
        guard case .list(let l) = move(&v) else { preconditionFailure("not a list") }
        return l
    }

    /// The value of `v`, leaving nil there, without an extra reference in between.
    private static func move(_ v: inout Value) -> Value {
        withUnsafeMutablePointer(to: &v) { p in
            let moved = p.move()
            p.initialize(to: .nil)
            return moved
        }
    }
}
