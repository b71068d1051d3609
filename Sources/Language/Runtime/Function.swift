/// A function value: a closure written in fewshot, or a native built-in.
public final class Function: @unchecked Sendable {
    /// The name shown in call stacks (`<anonymous>` for lambdas).
    public let name: String
    let code: FunctionCode?
    /// The frame the closure was defined in (nil for built-ins, and once taken apart).
    private(set) var env: Frame?
    /// The native implementation, for built-ins.
    public let builtin: Builtin?

    init(code: FunctionCode, env: Frame?) {
        self.name = code.name
        self.code = code
        self.env = env
        self.builtin = nil
    }

    /// Wraps a native built-in as a value.
    public init(builtin: Builtin) {
        self.name = builtin.name
        self.code = nil
        self.env = nil
        self.builtin = builtin
    }

    /// Detaches the captured frame (for `ValueTeardown`, when this function is being freed).
    func takeEnvironment() -> Frame? {
        defer { env = nil }
        return env
    }

    /// Parameter names, in order.
    public var parameterNames: [String] {
        code?.parameterNames ?? builtin?.parameters.map(\.name) ?? []
    }
}

/// The compiled form of a `fn`: parameter slots, default values and the body.
final class FunctionCode {
    let name: String
    let parameterNames: [String]
    /// Default value expressions, evaluated in the callee's frame (so they may use earlier
    /// parameters); nil for required parameters.
    var defaults: [Node?] = []
    var slotCount = 0
    var body: Node
    let range: SourceRange
    /// `name(a, b = 1)` as written, for `help`.
    var signature = ""
    /// The string a body starts with (`fn f() { "Does x." ... }`), for `help`.
    var docString: String?

    init(name: String, parameterNames: [String], range: SourceRange) {
        self.name = name
        self.parameterNames = parameterNames
        self.range = range
        self.body = Literal(.nil, range: range)
    }

    var requiredCount: Int { defaults.prefix { $0 == nil }.count }
}
