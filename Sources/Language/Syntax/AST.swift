/// The syntax tree. Every node carries the source range it was parsed from.
///
/// The tree is a plain value produced by `Parser`; `Compiler` turns it into executable nodes
/// with variables resolved to slots.

/// An expression and its source range.
public struct Expr: Sendable {
    public let kind: ExprKind
    public let range: SourceRange
    public init(_ kind: ExprKind, _ range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}

/// Binary operators, in the order of the grammar (see docs/language.md for precedence).
public enum BinaryOp: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", floorDivide = "//", remainder = "%"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case contains = "in", notContains = "not in"
}

/// Unary operators.
public enum UnaryOp: String, Sendable {
    case negate = "-", not = "not"
}

/// A piece of a string literal after parsing: literal text or an interpolated expression.
public enum StringSegment: Sendable {
    case text(String)
    case expr(Expr)
}

/// A call argument, positional or named (`n: 100`).
public struct CallArgument: Sendable {
    public let label: String?
    public let labelRange: SourceRange?
    public let value: Expr
}

/// A record literal field.
public struct FieldInit: Sendable {
    public let name: String
    public let nameRange: SourceRange
    public let value: Expr
}

/// A function parameter, with an optional default value.
public struct Parameter: Sendable {
    public let name: String
    public let range: SourceRange
    public let defaultValue: Expr?
}

/// A function definition, named (`fn f(x) { }`) or anonymous (`fn(x) => x + 1`).
public struct FunctionDecl: Sendable {
    public let name: String?
    public let parameters: [Parameter]
    public let body: Block
    public let range: SourceRange
}

/// A sequence of statements; its value is the value of the last expression statement.
public struct Block: Sendable {
    public let statements: [Stmt]
    public let range: SourceRange
}

/// The kinds of expression.
public indirect enum ExprKind: Sendable {
    case nilLiteral
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string([StringSegment])
    case name(String)
    case list([Expr])
    case record([FieldInit])
    case unary(UnaryOp, Expr)
    case binary(BinaryOp, Expr, Expr)
    case and(Expr, Expr)
    case or(Expr, Expr)
    case call(callee: Expr, arguments: [CallArgument])
    case index(Expr, Expr)
    case slice(Expr, Expr?, Expr?)
    case field(Expr, name: String, nameRange: SourceRange)
    case function(FunctionDecl)
    case ifElse(condition: Expr, then: Block, else: Block?)
    case forIn(variable: String, variableRange: SourceRange, sequence: Expr, body: Block)
    case whileLoop(condition: Expr, body: Block)
}

/// Compound assignment operators (`=` is `nil`).
public enum AssignOp: String, Sendable {
    case add = "+=", subtract = "-=", multiply = "*=", divide = "/="
}

/// A statement and its source range.
public struct Stmt: Sendable {
    public let kind: StmtKind
    public let range: SourceRange
    public init(_ kind: StmtKind, _ range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}

/// The kinds of statement.
public enum StmtKind: Sendable {
    /// `let x = e` (`mutable == false`) or `var x = e`.
    case binding(name: String, nameRange: SourceRange, value: Expr, mutable: Bool)
    case function(FunctionDecl)
    /// `target = value` or `target += value`.
    case assign(target: Expr, op: AssignOp?, value: Expr)
    case expression(Expr)
    case returnStmt(Expr?)
    case breakStmt
    case continueStmt
    /// `import "name"`.
    case importStmt(String)
}
