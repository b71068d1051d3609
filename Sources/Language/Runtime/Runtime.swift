import Foundation

/// How a `break`, `continue` or `return` is travelling up through the nodes.
enum Unwind: UInt8 { case none, breakLoop, continueLoop, returnValue }

/// A thread-safe flag a host sets (e.g. on Ctrl-C) to stop a running evaluation.
final class CancelFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false
    func raise() { lock.lock(); raised = true; lock.unlock() }
    /// Whether the flag is raised, leaving it raised.
    var isRaised: Bool { lock.lock(); defer { lock.unlock() }; return raised }
    /// Returns whether the flag was raised, and lowers it.
    func take() -> Bool {
        lock.lock(); defer { lock.unlock() }
        let r = raised
        raised = false
        return r
    }
}

/// The state shared by all code of one session: globals, built-ins, output, limits, and the
/// control-flow and call-depth bookkeeping of the evaluation in progress.
final class Runtime {
    var globals: [String: GlobalCell] = [:]
    let builtins = BuiltinRegistry()
    var output: OutputSink = StandardOutputSink()
    var fileAccess = FileAccessPolicy()

    /// The deepest nesting of fewshot calls before "stack depth exceeded".
    var maxCallDepth = 2_000
    var callDepth = 0
    var unwind = Unwind.none
    var returnValue = Value.nil

    /// Counts calls and loop iterations; every 1024 ticks the cancel flag and step limit are
    /// checked.
    var ticks = 0
    var stepLimit = Int.max
    let cancelFlag = CancelFlag()

    /// Directories of files loaded from disk, by source name (for relative paths).
    var fileDirectories: [String: String] = [:]
    /// The built-in `range`, recognised by `for` loops so they need not build a list.
    var rangeFunction: Function?
    /// Loads and runs a module for `import` (set by the session).
    var importModule: ((String, SourceRange) throws -> Void)?

    /// The cell for a global name, created (undefined) on first mention.
    func global(_ name: String) -> GlobalCell {
        if let c = globals[name] { return c }
        let c = GlobalCell(name: name)
        globals[name] = c
        return c
    }

    /// Names of defined globals (for "did you mean").
    var definedGlobalNames: [String] { globals.values.filter(\.isDefined).map(\.name) }

    func directory(of file: SourceFile) -> String {
        fileDirectories[file.name] ?? FileManager.default.currentDirectoryPath
    }

    /// Counts one step; checks cancellation and the step limit now and then.
    @inline(__always)
    func tick() throws {
        ticks &+= 1
        if ticks & 1023 == 0 { try poll() }
    }

    func poll() throws {
        if cancelFlag.take() { throw RuntimeError.interrupted() }
        if ticks >= stepLimit { throw RuntimeError("step limit exceeded (\(stepLimit) steps)") }
    }

    /// Throws "stack depth exceeded" when the calls now running are more than `maxCallDepth`
    /// or the native stack is nearly used up.
    @inline(__always)
    func checkDepth(at site: SourceRange) throws {
        if callDepth > maxCallDepth {
            throw RuntimeError("stack depth exceeded (more than \(maxCallDepth) nested calls)", at: site)
        }
        if NativeStack.current() < NativeStack.floor {
            throw RuntimeError("stack depth exceeded (the native stack is nearly full)", at: site)
        }
    }

    /// Evaluates a parameter's default value in the callee's frame. It counts as a call: a
    /// default may call the function itself (`fn f(n, x = f(n + 1))`).
    func evalDefault(_ node: Node, _ frame: Frame, callSite: SourceRange) throws -> Value {
        callDepth += 1
        defer { callDepth -= 1 }
        try checkDepth(at: callSite)
        return try node.eval(frame, self)
    }

    /// Runs a fewshot function whose parameters are already in `frame`.
    @inline(__always)
    func invoke(_ code: FunctionCode, _ frame: Frame, callSite: SourceRange) throws -> Value {
        callDepth += 1
        defer { callDepth -= 1 }
        try checkDepth(at: callSite)
        try tick()
        do {
            var result = try code.body.eval(frame, self)
            if unwind != .none {  // only `return` can get here: the compiler rejects stray break/continue
                result = returnValue
                returnValue = .nil
                unwind = .none
            }
            return result
        } catch var e as RuntimeError {
            unwind = .none
            if e.range == nil { e.range = callSite }
            if e.callStack.count < 10_000 { e.callStack.append(StackFrame(function: code.name, callSite: callSite)) }
            throw e
        }
    }

    /// Calls any function value with positional arguments (used by built-ins like `map`).
    func call(_ function: Function, _ arguments: [Value], at site: SourceRange) throws -> Value {
        if let code = function.code {
            let n = code.parameterNames.count
            guard arguments.count <= n, arguments.count >= code.requiredCount else {
                throw RuntimeError(
                    "\(code.name) takes \(Runtime.arity(code)) but was given \(arguments.count)", at: site)
            }
            let frame = Frame.make(count: code.slotCount, parent: function.env)
            for (i, a) in arguments.enumerated() { frame.slots[i] = a }
            for i in arguments.count..<n { frame.slots[i] = try evalDefault(code.defaults[i]!, frame, callSite: site) }
            return try invoke(code, frame, callSite: site)
        }
        let b = function.builtin!
        let values = arguments.map { Optional($0) }
        return try callBuiltin(
            b, values: values, labels: Array(repeating: nil, count: values.count),
            ranges: Array(repeating: nil, count: values.count), at: site)
    }

    static func arity(_ code: FunctionCode) -> String {
        let n = code.parameterNames.count, r = code.requiredCount
        let count = r == n ? "\(n)" : "\(r) to \(n)"
        return "\(count) argument\(n == 1 && r == n ? "" : "s")"
    }

    /// Binds arguments to a built-in's parameters, checks their types and runs it.
    func callBuiltin(
        _ b: Builtin, values: [Value?], labels: [String?], ranges: [SourceRange?], at site: SourceRange
    ) throws -> Value {
        try checkDepth(at: site)
        let params = b.parameters
        var bound = [Value?](repeating: nil, count: params.count)
        var boundRanges = [SourceRange?](repeating: nil, count: params.count)
        var next = 0
        var rest: [Value] = []
        for (i, v) in values.enumerated() {
            if let label = labels[i] {
                guard let p = params.firstIndex(where: { $0.name == label }) else {
                    let hint = Suggestions.note(for: label, in: params.map(\.name))
                    throw RuntimeError("\(b.name) has no parameter named '\(label)'\(hint)", at: ranges[i] ?? site)
                }
                if bound[p] != nil {
                    throw RuntimeError("argument '\(label)' given twice to \(b.name)", at: ranges[i] ?? site)
                }
                bound[p] = v
                boundRanges[p] = ranges[i]
            } else if next < params.count && params[next].variadic {
                rest.append(v!)
                boundRanges[next] = boundRanges[next] ?? ranges[i]
            } else {
                while next < params.count && bound[next] != nil { next += 1 }
                guard next < params.count else {
                    throw RuntimeError(
                        "\(b.name) takes at most \(params.count) argument\(params.count == 1 ? "" : "s") but was given \(values.count)",
                        at: ranges[i] ?? site)
                }
                if params[next].variadic {
                    rest.append(v!)
                    boundRanges[next] = ranges[i]
                } else {
                    bound[next] = v
                    boundRanges[next] = ranges[i]
                    next += 1
                }
            }
        }
        var final: [Value] = []
        final.reserveCapacity(params.count)
        for (i, p) in params.enumerated() {
            if p.variadic {
                final.append(bound[i] ?? .list(rest))
                continue
            }
            guard let v = bound[i] ?? p.defaultValue else {
                throw RuntimeError(
                    "missing argument '\(p.name)' in call to \(b.name)", at: site,
                    notes: [DiagnosticNote("usage: \(b.signature)", at: nil)])
            }
            if !p.type.accepts(v) {
                throw RuntimeError(
                    "argument '\(p.name)' to \(b.name) must be \(Runtime.article(p.type)), got \(v.typeName)",
                    at: boundRanges[i] ?? site)
            }
            if let e = p.outOfBounds(v, in: b.name, at: boundRanges[i] ?? site) { throw e }
            final.append(v)
        }
        do {
            return try b.body(
                Arguments(values: final, builtin: b, ranges: boundRanges), CallContext(runtime: self, callRange: site))
        } catch let e as DiagnosticError {
            throw e  // code the built-in evaluated, already located in its own source
        } catch {
            throw RuntimeError(locating: error, at: site)
        }
    }

    /// `callBuiltin` for positional arguments only (no labels, no variadic parameter):
    /// fills defaults, checks types and runs the body without the general binding work.
    func callBuiltin(_ b: Builtin, positional: [Value], ranges: [SourceRange?], at site: SourceRange) throws -> Value {
        try checkDepth(at: site)
        var values = positional
        var argRanges = ranges
        let params = b.parameters
        for i in 0..<params.count {
            if i >= values.count {
                guard let d = params[i].defaultValue else {
                    throw RuntimeError(
                        "missing argument '\(params[i].name)' in call to \(b.name)", at: site,
                        notes: [DiagnosticNote("usage: \(b.signature)", at: nil)])
                }
                values.append(d)
                argRanges.append(nil)
            } else if !params[i].type.accepts(values[i]) {
                throw RuntimeError(
                    "argument '\(params[i].name)' to \(b.name) must be \(Runtime.article(params[i].type)), got \(values[i].typeName)",
                    at: argRanges[i] ?? site)
            } else if let e = params[i].outOfBounds(values[i], in: b.name, at: argRanges[i] ?? site) {
                throw e
            }
        }
        do {
            return try b.body(
                Arguments(values: values, builtin: b, ranges: argRanges), CallContext(runtime: self, callRange: site))
        } catch let e as DiagnosticError {
            throw e  // code the built-in evaluated, already located in its own source
        } catch {
            throw RuntimeError(locating: error, at: site)
        }
    }

    static func article(_ t: ValueType) -> String {
        let s = t.description
        return ["a", "e", "i", "o", "u"].contains(s.first.map(String.init) ?? "") ? "an \(s)" : "a \(s)"
    }
}
