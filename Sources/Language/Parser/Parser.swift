/// Recursive-descent parser with error recovery.
///
/// A syntax error is recorded as a diagnostic and unwinds (by throwing `Abort`) to the
/// innermost statement list, which skips to the next statement boundary and goes on. So one
/// mistake gives one error, and independent mistakes on later lines are reported too.
public struct Parser {
    /// The deepest nesting of brackets, blocks and operators accepted; deeper input gets an
    /// error instead of exhausting the native stack.
    public static let maxDepth = 200

    let file: SourceFile
    var tokens: [Token]
    var index = 0
    var depth = 0
    /// Everything found so far (lexer errors first).
    public internal(set) var diagnostics: [Diagnostic] = []
    /// Whether the lexer reported errors (then errors at the end of input are cascades).
    private var lexerFailed: Bool
    /// The innermost bracket left open at the end of input, for "'(' is never closed".
    private let unclosedBracket: (UInt8, Int)?
    /// Whether running out of tokens means the input is unfinished (false for the code inside
    /// a string's `{...}`, whose end is a real `}`).
    private let endIsIncomplete: Bool

    struct Abort: Error {}

    /// Prepares to parse `file` (or a byte range of it).
    public init(file: SourceFile, range: Range<Int>? = nil) {
        self.file = file
        var lexer = Lexer(file: file, range: range)
        self.tokens = lexer.tokenize()
        self.diagnostics = lexer.diagnostics
        self.lexerFailed = !lexer.diagnostics.isEmpty
        self.unclosedBracket = lexer.unclosedBracket
        self.endIsIncomplete = range == nil
    }

    /// Parses a whole program: statements until the end of input.
    public mutating func parseProgram() -> [Stmt] {
        var statements: [Stmt] = []
        parseStatements(into: &statements, untilBrace: false)
        return statements
    }

    /// Parses source text; returns statements and diagnostics (empty when it parsed cleanly).
    public static func parse(_ file: SourceFile) -> (statements: [Stmt], diagnostics: [Diagnostic]) {
        var p = Parser(file: file)
        let stmts = p.parseProgram()
        return (stmts, p.diagnostics)
    }

    // MARK: Tokens

    var current: Token { tokens[index] }

    func range(_ t: Token) -> SourceRange { SourceRange(file: file, start: t.start, end: t.end) }
    func range(from start: Int) -> SourceRange {
        let end = index > 0 ? tokens[index - 1].end : current.start
        return SourceRange(file: file, start: start, end: max(start, end))
    }

    mutating func advance() -> Token {
        let t = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return t
    }

    func check(_ s: Symbol) -> Bool {
        if case .symbol(let x) = current.kind { return x == s }
        return false
    }
    func check(_ k: Keyword) -> Bool {
        if case .keyword(let x) = current.kind { return x == k }
        return false
    }
    var atNewline: Bool { if case .newline = current.kind { return true }; return false }
    var atEnd: Bool { if case .endOfInput = current.kind { return true }; return false }

    mutating func match(_ s: Symbol) -> Bool {
        if check(s) { _ = advance(); return true }
        return false
    }
    mutating func match(_ k: Keyword) -> Bool {
        if check(k) { _ = advance(); return true }
        return false
    }
    mutating func skipNewlines() {
        while atNewline { _ = advance() }
    }
    /// True if, after any newlines, the next token is `s` (used for `|>` and `else` on a new line).
    func nextAfterNewlines(is s: Symbol? = nil, keyword k: Keyword? = nil) -> Bool {
        var i = index
        while i < tokens.count - 1, case .newline = tokens[i].kind { i += 1 }
        if let s, case .symbol(let x) = tokens[i].kind { return x == s }
        if let k, case .keyword(let x) = tokens[i].kind { return x == k }
        return false
    }

    // MARK: Errors

    /// Records an error at the current token and aborts the current statement.
    mutating func fail(_ message: String, notes: [DiagnosticNote] = []) -> Abort {
        fail(message, at: range(current), notes: notes)
    }

    mutating func fail(_ message: String, at r: SourceRange, notes: [DiagnosticNote] = []) -> Abort {
        if atEnd && endIsIncomplete {
            // Input ended in the middle of something: a REPL should ask for more.
            if lexerFailed { return Abort() }
            if let (byte, offset) = unclosedBracket {
                let ch = String(UnicodeScalar(byte))
                let note = DiagnosticNote("to match this '\(ch)'", at: SourceRange(file: file, start: offset, end: offset + 1))
                diagnostics.append(
                    Diagnostic(.incomplete, "unexpected end of input: '\(ch)' is never closed", at: r, notes: [note]))
            } else {
                diagnostics.append(Diagnostic(.incomplete, message, at: r, notes: notes))
            }
        } else if atEnd && lexerFailed {
            // A cascade of the lexer's error.
        } else if case .invalid = current.kind, r.start == current.start {
            // The lexer already reported this token.
        } else {
            diagnostics.append(Diagnostic(.syntax, message, at: r, notes: notes))
        }
        return Abort()
    }

    mutating func expect(_ s: Symbol, _ message: String, opener: Token? = nil) throws {
        if match(s) { return }
        var notes: [DiagnosticNote] = []
        if let o = opener { notes.append(DiagnosticNote("to match this \(o.quoted)", at: range(o))) }
        throw fail("\(message), found \(current.quoted)", notes: notes)
    }

    mutating func enter() throws {
        depth += 1
        if depth > Parser.maxDepth {
            throw fail("expression is nested too deeply")
        }
    }

    /// Skips to the next statement boundary: a newline or `;` outside brackets, or the `}` that
    /// closes the current block (left in place).
    mutating func synchronize(from start: Int) {
        // Brackets opened since the statement began must close before the statement ends.
        var nesting = 0
        for t in tokens[min(start, index)..<index] {
            switch t.kind {
            case .symbol(.lparen), .symbol(.lbracket), .symbol(.lbrace): nesting += 1
            case .symbol(.rparen), .symbol(.rbracket), .symbol(.rbrace): nesting = max(0, nesting - 1)
            default: break
            }
        }
        while !atEnd {
            switch current.kind {
            case .newline where nesting == 0, .symbol(.semicolon) where nesting == 0:
                _ = advance()
                return
            case .symbol(.lparen), .symbol(.lbracket), .symbol(.lbrace):
                nesting += 1
            case .symbol(.rparen), .symbol(.rbracket), .symbol(.rbrace):
                if nesting == 0 { if check(.rbrace) { return } } else { nesting -= 1 }
            default: break
            }
            _ = advance()
        }
    }

    // MARK: Statements

    /// Parses statements until `}` (when `untilBrace`) or the end of input.
    mutating func parseStatements(into statements: inout [Stmt], untilBrace: Bool) {
        while true {
            while atNewline || check(.semicolon) { _ = advance() }
            if atEnd || (untilBrace && check(.rbrace)) { return }
            if !untilBrace && check(.rbrace) {
                diagnostics.append(Diagnostic(.syntax, "unexpected '}' with no block to close", at: range(current)))
                _ = advance()
                continue
            }
            let savedDepth = depth
            let startIndex = index
            do {
                statements.append(try parseStatement())
                if !(atNewline || atEnd || check(.semicolon) || (untilBrace && check(.rbrace))) {
                    throw fail("expected end of line after statement, found \(current.quoted)")
                }
            } catch {
                depth = savedDepth
                synchronize(from: startIndex)
            }
        }
    }

    mutating func parseStatement() throws -> Stmt {
        let start = current.start
        switch current.kind {
        case .keyword(.let), .keyword(.var):
            let mutable = check(.var)
            _ = advance()
            guard case .identifier(let name) = current.kind else {
                throw fail("expected a name after '\(mutable ? "var" : "let")', found \(current.quoted)")
            }
            let nameRange = range(advance())
            try expect(.equal, "expected '=' after '\(name)'")
            skipNewlines()
            let value = try parseExpression()
            return Stmt(.binding(name: name, nameRange: nameRange, value: value, mutable: mutable), range(from: start))
        case .keyword(.fn):
            if case .identifier = tokens[index + 1].kind {
                return Stmt(.function(try parseFunction()), range(from: start))
            }
        case .keyword(.return):
            _ = advance()
            if atNewline || atEnd || check(.rbrace) || check(.semicolon) {
                return Stmt(.returnStmt(nil), range(from: start))
            }
            return Stmt(.returnStmt(try parseExpression()), range(from: start))
        case .keyword(.break):
            _ = advance()
            return Stmt(.breakStmt, range(from: start))
        case .keyword(.continue):
            _ = advance()
            return Stmt(.continueStmt, range(from: start))
        case .keyword(.import):
            _ = advance()
            guard case .string(let parts) = current.kind else {
                throw fail("expected a module name in quotes after 'import', found \(current.quoted)")
            }
            guard parts.count <= 1, case .text(let path)? = parts.first ?? .text("") else {
                throw fail("the module name after 'import' must be a plain string")
            }
            _ = advance()
            return Stmt(.importStmt(path), range(from: start))
        default:
            break
        }
        let expr = try parseExpression()
        if case .symbol(let s) = current.kind {
            let op: AssignOp?? =
                switch s {
                case .equal: .some(nil)
                case .plusEqual: .add
                case .minusEqual: .subtract
                case .starEqual: .multiply
                case .slashEqual: .divide
                default: nil
                }
            if let op {
                switch expr.kind {
                case .name, .field, .index: break
                default: throw fail("cannot assign to this expression", at: expr.range)
                }
                _ = advance()
                skipNewlines()
                let value = try parseExpression()
                return Stmt(.assign(target: expr, op: op, value: value), range(from: start))
            }
        }
        return Stmt(.expression(expr), range(from: start))
    }

    /// `fn name(params) { body }`, `fn name(params) => expr`, or the same without a name.
    mutating func parseFunction() throws -> FunctionDecl {
        let start = advance().start  // 'fn'
        var name: String?
        if case .identifier(let n) = current.kind { name = n; _ = advance() }
        let open = current
        try expect(.lparen, "expected '(' to start the parameter list")
        var params: [Parameter] = []
        var seen = Set<String>()
        while !check(.rparen) {
            guard case .identifier(let p) = current.kind else {
                throw fail("expected a parameter name, found \(current.quoted)")
            }
            let pr = range(advance())
            if !seen.insert(p).inserted {
                diagnostics.append(Diagnostic(.syntax, "duplicate parameter '\(p)'", at: pr))
            }
            var def: Expr?
            if match(.equal) {
                def = try parseExpression()
            } else if params.last?.defaultValue != nil {
                throw fail("parameter '\(p)' needs a default value because the one before it has one", at: pr)
            }
            params.append(Parameter(name: p, range: pr, defaultValue: def))
            if !match(.comma) { break }
        }
        try expect(.rparen, "expected ',' or ')' after parameter", opener: open)
        let body: Block
        if match(.arrow) {
            skipNewlines()
            let e = try parseExpression()
            body = Block(statements: [Stmt(.expression(e), e.range)], range: e.range)
        } else if check(.lbrace) {
            body = try parseBlock()
        } else {
            throw fail("expected '{' or '=>' to start the function body, found \(current.quoted)")
        }
        return FunctionDecl(name: name, parameters: params, body: body, range: range(from: start))
    }

    /// `{ statements }`.
    mutating func parseBlock() throws -> Block {
        let open = current
        try expect(.lbrace, "expected '{'")
        try enter()
        defer { depth -= 1 }
        var statements: [Stmt] = []
        parseStatements(into: &statements, untilBrace: true)
        if !match(.rbrace) {
            throw fail(
                "expected '}' to close the block, found \(current.quoted)",
                notes: [DiagnosticNote("to match this '{'", at: range(open))])
        }
        return Block(statements: statements, range: range(from: open.start))
    }
}
