/// The type a built-in expects for a parameter; checked before the body runs.
public enum ValueType: Sendable, Equatable, CustomStringConvertible {
    case any, bool, int, float, string, list, record, function
    /// An int or a float.
    case number
    /// A host object of the given type name.
    case host(String)
    /// The wrapped type, or nil.
    indirect case optional(ValueType)

    /// Whether `value` has this type.
    public func accepts(_ value: Value) -> Bool {
        switch (self, value) {
        case (.any, _): return true
        case (.optional, .nil): return true
        case (.optional(let t), _): return t.accepts(value)
        case (.bool, .bool), (.int, .int), (.float, .float), (.float, .int), (.string, .string),
            (.list, .list), (.record, .record), (.function, .function), (.number, .int), (.number, .float):
            return true
        case (.host(let name), .host(let h)): return h.typeName == name
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .any: return "any"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .string: return "string"
        case .list: return "list"
        case .record: return "record"
        case .function: return "function"
        case .number: return "number"
        case .host(let n): return n
        case .optional(let t): return "\(t) or nil"
        }
    }
}

/// A parameter of a native built-in.
public struct BuiltinParameter: Sendable {
    public let name: String
    public let type: ValueType
    /// The value used when the caller leaves the argument out; nil means required.
    public let defaultValue: Value?
    /// Collects all remaining positional arguments into a list (e.g. `print(a, b, c)`).
    public let variadic: Bool
    /// The numbers accepted, for a numeric parameter: checked before the body runs and shown
    /// in the signature (`n: int ≥ 0 = 5`, `val: number in 0...1 = 0.1`).
    public let bounds: ValueBounds?

    public init(
        _ name: String, _ type: ValueType = .any, default defaultValue: Value? = nil, variadic: Bool = false,
        bounds: ValueBounds? = nil
    ) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.variadic = variadic
        self.bounds = bounds
    }

    /// The error for a value outside `bounds`, naming the valid range.
    func outOfBounds(_ value: Value, in builtin: String, at range: SourceRange) -> RuntimeError? {
        guard let bounds, !bounds.admits(value) else { return nil }
        return RuntimeError("argument '\(name)' to \(builtin) must be \(bounds), got \(value.repr)", at: range)
    }
}

/// A native function callable from fewshot code.
///
/// ```swift
/// session.register(Builtin(
///     "shout", [BuiltinParameter("text", .string), BuiltinParameter("times", .int, default: 1)],
///     doc: """
///     Upper-cases text and repeats it.
///     Example: shout("hi", times: 2)  # "HIHI"
///     """
/// ) { args, ctx in
///     .string(String(repeating: try args.string("text").uppercased(), count: try args.int("times")))
/// })
/// ```
public struct Builtin: @unchecked Sendable {
    public typealias Body = (Arguments, CallContext) throws -> Value

    public let name: String
    public let parameters: [BuiltinParameter]
    /// Shown by `help(name)`: first line a summary, then details and an `Example:` line.
    public let doc: String
    /// A group for generated docs and completion ("core", "strings", "ml", ...).
    public let category: String
    let body: Body
    /// No variadic parameter: positional arguments map one to one onto parameters.
    let isPositionalOnly: Bool

    public init(
        _ name: String, _ parameters: [BuiltinParameter] = [], category: String = "core", doc: String, body: @escaping Body
    ) {
        self.name = name
        self.parameters = parameters
        self.doc = doc
        self.category = category
        self.body = body
        self.isPositionalOnly = !parameters.contains { $0.variadic }
    }

    /// `name(a, b: type = default)` as shown in help.
    public var signature: String {
        let ps = parameters.map { p -> String in
            var s = p.variadic ? "\(p.name)..." : p.name
            if p.type != .any { s += ": \(p.type)" }
            if let b = p.bounds { s += " \(b)" }
            if let d = p.defaultValue { s += " = \(d.repr)" }
            return s
        }
        return "\(name)(\(ps.joined(separator: ", ")))"
    }

    /// The help text: signature, then the doc string.
    public var help: String { signature + "\n" + doc }
}

/// The arguments of a built-in call, already bound to parameters and type-checked.
///
/// Accessors take a parameter name (or index) and throw a `RuntimeError` pointing at the
/// argument when its value has the wrong type.
public struct Arguments {
    /// Values in parameter order (defaults filled in; a variadic parameter holds a list).
    public let values: [Value]
    let builtin: Builtin
    /// Source range of each argument as written (nil for defaults).
    let ranges: [SourceRange?]

    /// The value of a parameter by position.
    public subscript(index: Int) -> Value { values[index] }

    /// The value of a parameter by name.
    public subscript(name: String) -> Value { values[position(of: name)] }

    func position(of name: String) -> Int {
        guard let i = builtin.parameters.firstIndex(where: { $0.name == name }) else {
            preconditionFailure("built-in \(builtin.name) has no parameter '\(name)'")
        }
        return i
    }

    /// Where the argument for a parameter was written (nil if defaulted).
    public func range(of name: String) -> SourceRange? { ranges[position(of: name)] }

    /// An error pointing at the argument for `name`.
    public func error(_ name: String, _ message: String) -> RuntimeError {
        RuntimeError(message, at: range(of: name))
    }

    private func mismatch(_ name: String, _ expected: String) -> RuntimeError {
        error(name, "argument '\(name)' to \(builtin.name) must be \(expected), got \(self[name].typeName)")
    }

    public func string(_ name: String) throws -> String {
        if case .string(let s) = self[name] { return s }
        throw mismatch(name, "a string")
    }
    public func int(_ name: String) throws -> Int {
        if case .int(let v) = self[name] { return v }
        throw mismatch(name, "an int")
    }
    /// An int or a float, as a Double.
    public func double(_ name: String) throws -> Double {
        switch self[name] {
        case .int(let v): return Double(v)
        case .float(let v): return v
        default: throw mismatch(name, "a number")
        }
    }
    public func bool(_ name: String) throws -> Bool {
        if case .bool(let v) = self[name] { return v }
        throw mismatch(name, "a bool")
    }
    public func list(_ name: String) throws -> [Value] {
        if case .list(let v) = self[name] { return v.array }
        throw mismatch(name, "a list")
    }
    public func record(_ name: String) throws -> Record {
        if case .record(let v) = self[name] { return v }
        throw mismatch(name, "a record")
    }
    public func function(_ name: String) throws -> Function {
        if case .function(let v) = self[name] { return v }
        throw mismatch(name, "a function")
    }
    /// A host object of a given Swift class.
    public func host<T: HostObject>(_ name: String, as type: T.Type) throws -> T {
        if case .host(let h) = self[name], let t = h as? T { return t }
        throw mismatch(name, "a \(String(describing: T.self))")
    }
    /// Nil when the argument is nil, else the value.
    public func optional(_ name: String) -> Value? {
        let v = self[name]
        if v.isNil { return Optional<Value>.none }
        return v
    }
}

/// What a built-in can do besides computing a value: write output, read files through the
/// session's policy, call back a fewshot function, and notice cancellation.
public struct CallContext {
    let runtime: Runtime
    /// Where the call is written.
    public let callRange: SourceRange

    /// Sends an output item to the session's sink.
    public func emit(_ item: OutputItem) { runtime.output.emit(item) }

    /// Writes text (no newline added).
    public func write(_ text: String) { runtime.output.emit(.text(text)) }

    /// Calls a fewshot function (e.g. a `where: fn(r) => ...` argument) with positional arguments.
    public func call(_ function: Function, _ arguments: [Value]) throws -> Value {
        try runtime.call(function, arguments, at: callRange)
    }

    /// Throws an "interrupted" `RuntimeError` if the host asked to stop (call this in long loops).
    public func checkCancellation() throws { try runtime.poll() }

    /// Whether the host asked to stop, without consuming the request: for native loops that
    /// hand a cancellation check to a library (training, generation), then call
    /// `checkCancellation()` to stop with the usual "interrupted" error.
    public var isCancellationRequested: Bool { runtime.cancelFlag.isRaised }

    /// The session's file policy.
    public var fileAccess: FileAccessPolicy { runtime.fileAccess }

    /// The directory relative paths are resolved against (the script's directory, or the
    /// working directory).
    public var directory: String { runtime.directory(of: callRange.file) }

    /// The value of a defined global, or nil.
    public func global(_ name: String) -> Value? {
        guard let cell = runtime.globals[name], cell.isDefined else { return nil }
        return cell.value
    }

    /// The names of the functions defined as globals (the prelude's and the user's).
    public var functionNames: [String] {
        runtime.globals.values.filter { cell in
            guard cell.isDefined, case .function = cell.value else { return false }
            return true
        }.map(\.name)
    }

    /// Every registered built-in (for `help`).
    public var builtins: BuiltinRegistry { runtime.builtins }
}
