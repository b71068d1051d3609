/// Turns the syntax tree into executable nodes: resolves every name to a local slot, a
/// captured variable (frames up, slot) or a global cell, and checks what can be checked
/// before running (assignments to `let`, `break` outside a loop, ...).
final class Compiler {
    struct Local {
        let slot: Int
        let mutable: Bool
        let range: SourceRange
    }

    /// The variables of one function (or of the top level of one evaluation).
    final class Scope {
        let parent: Scope?
        let isTopLevel: Bool
        var blocks: [[String: Local]] = [[:]]
        var slotCount = 0
        var loopDepth = 0
        init(parent: Scope?, isTopLevel: Bool) {
            self.parent = parent
            self.isTopLevel = isTopLevel
        }
        func declare(_ name: String, mutable: Bool, range: SourceRange) -> Int {
            let slot = slotCount
            slotCount += 1
            blocks[blocks.count - 1][name] = Local(slot: slot, mutable: mutable, range: range)
            return slot
        }
        /// Top-level `let` and `fn` become globals; nested blocks hold locals.
        var declaresGlobals: Bool { isTopLevel && blocks.count == 1 }
    }

    enum Resolved {
        case local(Local)
        case upvalue(Int, Local)
        case global(GlobalCell)
    }

    let runtime: Runtime
    var scope: Scope
    var diagnostics: [Diagnostic] = []
    /// False inside an expression whose value is used: `return`, `break` and `continue` are
    /// only allowed where they end the enclosing statement (so nothing runs between them and
    /// the function or loop they leave).
    var returnAllowed = true
    var loopExitAllowed = true
    /// Globals declared by `let` in the code being compiled (for assignment checks).
    var constantGlobals: [String: SourceRange] = [:]

    init(runtime: Runtime) {
        self.runtime = runtime
        self.scope = Scope(parent: nil, isTopLevel: true)
    }

    func error(_ message: String, _ range: SourceRange, notes: [DiagnosticNote] = []) {
        diagnostics.append(Diagnostic(.semantic, message, at: range, notes: notes))
    }

    /// Compiles a program; returns the top-level node and the slot count its frame needs.
    func compileProgram(_ statements: [Stmt], range: SourceRange) -> (Node, Int) {
        for s in statements {
            if case .binding(let name, let r, _, false) = s.kind { constantGlobals[name] = r }
            if case .function(let d) = s.kind, let name = d.name { constantGlobals[name] = d.range }
        }
        let body = BlockNode(statements.map(compileStatement), range: range)
        return (body, scope.slotCount)
    }

    func resolve(_ name: String) -> Resolved {
        var depth = 0
        var s: Scope? = scope
        while let sc = s {
            let first = sc.isTopLevel ? 1 : 0
            if sc.blocks.count > first {
                for block in sc.blocks[first...].reversed() {
                    if let l = block[name] { return depth == 0 ? .local(l) : .upvalue(depth, l) }
                }
            }
            s = sc.parent
            depth += 1
        }
        return .global(runtime.global(name))
    }

    var visibleLocalNames: [String] {
        var names: [String] = []
        var s: Scope? = scope
        while let sc = s {
            for b in sc.blocks { names += b.keys }
            s = sc.parent
        }
        return names
    }

    func withBlock<T>(_ body: () -> T) -> T {
        scope.blocks.append([:])
        defer { scope.blocks.removeLast() }
        return body()
    }

    func compileBlock(_ b: Block) -> Node {
        withBlock { block(b.statements.map(compileStatement), range: b.range) }
    }

    /// A block of one statement is that statement (saves a node per call in small functions).
    func block(_ nodes: [Node], range: SourceRange) -> Node {
        nodes.count == 1 ? nodes[0] : BlockNode(nodes, range: range)
    }

    // MARK: Statements

    func compileStatement(_ s: Stmt) -> Node {
        switch s.kind {
        case .expression(let e):
            return compileExpression(e, statement: true)
        case .binding(let name, let nameRange, let value, let mutable):
            let v = compileValue(value)
            if scope.declaresGlobals {
                let cell = runtime.global(name)
                return GlobalDefine(cell: cell, value: v, constant: !mutable, range: s.range)
            }
            let slot = scope.declare(name, mutable: mutable, range: nameRange)
            return LocalSet(slot: slot, value: v, range: s.range)
        case .function(let decl):
            let name = decl.name ?? "<anonymous>"
            if scope.declaresGlobals {
                let cell = runtime.global(name)
                return GlobalDefine(cell: cell, value: compileFunction(decl), constant: true, range: s.range)
            }
            // Declared before the body is compiled, so the function can call itself.
            let slot = scope.declare(name, mutable: false, range: decl.range)
            return LocalSet(slot: slot, value: compileFunction(decl), range: s.range)
        case .assign(let target, let op, let value):
            return compileAssignment(target, op, value, s.range)
        case .returnStmt(let value):
            if scope.isTopLevel {
                error("'return' outside a function", s.range)
            } else if !returnAllowed {
                error("'return' cannot be used inside an expression", s.range)
            }
            return ReturnNode(value.map(compileValue), range: s.range)
        case .breakStmt, .continueStmt:
            let isBreak: Bool = if case .breakStmt = s.kind { true } else { false }
            let word = isBreak ? "break" : "continue"
            if scope.loopDepth == 0 {
                error("'\(word)' outside a loop", s.range)
            } else if !loopExitAllowed {
                error("'\(word)' cannot be used inside an expression", s.range)
            }
            return LoopExitNode(isBreak ? .breakLoop : .continueLoop, range: s.range)
        case .importStmt(let path):
            if !scope.isTopLevel || scope.blocks.count > 1 { error("'import' is only allowed at the top level", s.range) }
            return ImportNode(path: path, range: s.range)
        }
    }

    func compileAssignment(_ target: Expr, _ op: AssignOp?, _ value: Expr, _ range: SourceRange) -> Node {
        let v = compileValue(value)
        // Walk down to the variable at the root of `a.b[c].d`.
        var path: [PathAssignNode.Step] = []
        var root = target
        while true {
            switch root.kind {
            case .field(let base, let name, _):
                path.insert(.field(name), at: 0)
                root = base
                continue
            case .index(let base, let idx):
                path.insert(.index(compileValue(idx)), at: 0)
                root = base
                continue
            default: break
            }
            break
        }
        guard case .name(let name) = root.kind else {
            error("cannot assign to a part of a temporary value; assign it to a variable first", root.range)
            return Literal(.nil, range: range)
        }
        let storage: Storage
        switch resolve(name) {
        case .local(let l):
            if !l.mutable && path.isEmpty { constantError(name, l.range, range) }
            if !l.mutable && !path.isEmpty { constantError(name, l.range, range) }
            storage = .local(l.slot)
        case .upvalue(let d, let l):
            if !l.mutable { constantError(name, l.range, range) }
            storage = .upvalue(depth: d, slot: l.slot)
        case .global(let cell):
            if let declared = constantGlobals[name] {
                constantError(name, declared, range)
            } else if cell.isDefined && cell.isConstant {
                error("cannot assign to '\(name)': it is declared with 'let'", range)
            }
            storage = .global(cell)
        }
        if path.isEmpty { return AssignNode(storage: storage, name: name, op: op, value: v, range: range) }
        return PathAssignNode(storage: storage, rootName: name, path: path, op: op, value: v, range: range)
    }

    func constantError(_ name: String, _ declared: SourceRange, _ range: SourceRange) {
        error(
            "cannot assign to '\(name)': it is declared with 'let' (use 'var' to allow changes)", range,
            notes: [DiagnosticNote("'\(name)' is declared here", at: declared)])
    }

    // MARK: Functions

    func compileFunction(_ decl: FunctionDecl) -> Node {
        let code = FunctionCode(name: decl.name ?? "<anonymous>", parameterNames: decl.parameters.map(\.name), range: decl.range)
        let outer = scope
        let outerControl = (returnAllowed, loopExitAllowed)
        scope = Scope(parent: outer, isTopLevel: false)
        (returnAllowed, loopExitAllowed) = (true, true)
        defer {
            scope = outer
            (returnAllowed, loopExitAllowed) = outerControl
        }
        for p in decl.parameters { _ = scope.declare(p.name, mutable: true, range: p.range) }
        code.defaults = decl.parameters.map { p in p.defaultValue.map { compileValue($0) } }
        code.body = withBlock { block(decl.body.statements.map(compileStatement), range: decl.body.range) }
        code.slotCount = scope.slotCount
        code.signature = FunctionDocumentation.signature(of: decl)
        code.docString = FunctionDocumentation.docString(of: decl)
        return FunctionNode(code, range: decl.range)
    }

    // MARK: Expressions

    /// An expression whose value is used: control statements inside it are not allowed.
    func compileValue(_ e: Expr) -> Node {
        compileExpression(e, statement: false)
    }

    func compileExpression(_ e: Expr, statement: Bool) -> Node {
        let saved = (returnAllowed, loopExitAllowed)
        if !statement { (returnAllowed, loopExitAllowed) = (false, false) }
        defer { (returnAllowed, loopExitAllowed) = saved }
        let r = e.range
        switch e.kind {
        case .nilLiteral: return Literal(.nil, range: r)
        case .bool(let b): return Literal(.bool(b), range: r)
        case .int(let i): return Literal(.int(i), range: r)
        case .float(let d): return Literal(.float(d), range: r)
        case .string(let segments):
            if segments.isEmpty { return Literal(.string(""), range: r) }
            if segments.count == 1, case .text(let t) = segments[0] { return Literal(.string(t), range: r) }
            return InterpolationNode(
                segments.map { seg in
                    switch seg {
                    case .text(let t): return .text(t)
                    case .expr(let x): return .expr(compileValue(x))
                    }
                }, range: r)
        case .name(let name):
            switch resolve(name) {
            case .local(let l): return LocalGet(slot: l.slot, range: r)
            case .upvalue(let d, let l): return UpvalueGet(depth: d, slot: l.slot, range: r)
            case .global(let cell): return GlobalGet(cell: cell, visibleLocals: cell.isDefined ? [] : visibleLocalNames, range: r)
            }
        case .list(let items): return ListNode(items.map(compileValue), range: r)
        case .record(let fields):
            return RecordNode(names: fields.map(\.name), values: fields.map { compileValue($0.value) }, range: r)
        case .unary(.negate, let x): return NegateNode(compileValue(x), range: r)
        case .unary(.not, let x): return NotNode(compileValue(x), range: r)
        case .binary(let op, let a, let b): return compileBinary(op, compileValue(a), compileValue(b), r)
        case .and(let a, let b): return LogicalNode(compileValue(a), compileValue(b), isAnd: true, range: r)
        case .or(let a, let b): return LogicalNode(compileValue(a), compileValue(b), isAnd: false, range: r)
        case .call(let callee, let arguments):
            let call = CallNode(
                callee: compileValue(callee), args: arguments.map { compileValue($0.value) },
                labels: arguments.map(\.label), range: r)
            call.argRanges = arguments.map { a in a.labelRange.map { $0.union(a.value.range) } ?? a.value.range }
            if case .name("range") = callee.kind, case .global(let cell) = resolve("range") { call.rangeCell = cell }
            return call
        case .index(let base, let idx): return IndexNode(base: compileValue(base), index: compileValue(idx), range: r)
        case .slice(let base, let lo, let hi):
            return SliceNode(base: compileValue(base), lower: lo.map(compileValue), upper: hi.map(compileValue), range: r)
        case .field(let base, let name, _): return FieldNode(base: compileValue(base), name: name, range: r)
        case .function(let decl): return compileFunction(decl)
        case .ifElse(let cond, let then, let otherwise):
            let c = compileValue(cond)
            (returnAllowed, loopExitAllowed) = (saved.0 && statement, saved.1 && statement)
            return IfNode(c, compileBlock(then), otherwise.map(compileBlock), range: r)
        case .whileLoop(let cond, let body):
            let c = compileValue(cond)
            returnAllowed = saved.0 && statement
            scope.loopDepth += 1
            defer { scope.loopDepth -= 1 }
            return WhileNode(c, compileLoopBody(body), range: r)
        case .forIn(let variable, let vr, let sequence, let body):
            let seq = compileValue(sequence)
            returnAllowed = saved.0 && statement
            return withBlock {
                let slot = scope.declare(variable, mutable: true, range: vr)
                scope.loopDepth += 1
                defer { scope.loopDepth -= 1 }
                return ForNode(slot: slot, sequence: seq, body: compileLoopBody(body), range: r)
            }
        }
    }

    /// A loop body: `break`/`continue` at its statement level belong to this loop even when
    /// the loop itself is a value (they do not leave the expression).
    func compileLoopBody(_ body: Block) -> Node {
        let saved = loopExitAllowed
        loopExitAllowed = true
        defer { loopExitAllowed = saved }
        return compileBlock(body)
    }

    func compileBinary(_ op: BinaryOp, _ a: Node, _ b: Node, _ r: SourceRange) -> Node {
        switch op {
        case .add: return AddNode(a, b, range: r)
        case .subtract: return SubtractNode(a, b, range: r)
        case .multiply: return MultiplyNode(a, b, range: r)
        case .divide: return DivideNode(a, b, range: r)
        case .floorDivide: return FloorDivideNode(a, b, range: r)
        case .remainder: return RemainderNode(a, b, range: r)
        case .equal: return EqualNode(a, b, negate: false, range: r)
        case .notEqual: return EqualNode(a, b, negate: true, range: r)
        case .less, .lessEqual, .greater, .greaterEqual: return CompareNode(a, b, op: op, range: r)
        case .contains: return ContainsNode(a, b, negate: false, range: r)
        case .notContains: return ContainsNode(a, b, negate: true, range: r)
        }
    }
}
