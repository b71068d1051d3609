/// Expressions, from the lowest precedence to the highest:
/// `|>`, `or`, `and`, `not`, comparisons and `in`, `+ -`, `* / // %`, unary `-`,
/// postfix (call, index, slice, field), primary.
extension Parser {
    mutating func parseExpression() throws -> Expr {
        try enter()
        defer { depth -= 1 }
        return try parsePipe()
    }

    /// `x |> f(a)` is `f(x, a)`; `x |> f` is `f(x)`. A `|>` may start the next line.
    mutating func parsePipe() throws -> Expr {
        var left = try parseOr()
        while check(.pipe) || (atNewline && nextAfterNewlines(is: .pipe)) {
            skipNewlines()
            let op = advance()
            skipNewlines()
            let right = try parseOr()
            let r = left.range.union(right.range)
            switch right.kind {
            case .call(let callee, let args):
                let piped = CallArgument(label: nil, labelRange: nil, value: left)
                left = Expr(.call(callee: callee, arguments: [piped] + args), r)
            case .name, .field, .function:
                left = Expr(.call(callee: right, arguments: [CallArgument(label: nil, labelRange: nil, value: left)]), r)
            default:
                throw fail(
                    "the right side of '|>' must be a function or a call", at: right.range,
                    notes: [DiagnosticNote("pipe is here", at: range(op))])
            }
        }
        return left
    }

    mutating func parseOr() throws -> Expr {
        var left = try parseAnd()
        while match(.or) {
            skipNewlines()
            let right = try parseAnd()
            left = Expr(.or(left, right), left.range.union(right.range))
        }
        return left
    }

    mutating func parseAnd() throws -> Expr {
        var left = try parseNot()
        while match(.and) {
            skipNewlines()
            let right = try parseNot()
            left = Expr(.and(left, right), left.range.union(right.range))
        }
        return left
    }

    mutating func parseNot() throws -> Expr {
        if check(.not) {
            let start = advance().start
            try enter()
            defer { depth -= 1 }
            let operand = try parseNot()
            return Expr(.unary(.not, operand), range(from: start))
        }
        return try parseComparison()
    }

    mutating func parseComparison() throws -> Expr {
        var left = try parseAdditive()
        while true {
            let op: BinaryOp
            switch current.kind {
            case .symbol(.equalEqual): op = .equal
            case .symbol(.bangEqual): op = .notEqual
            case .symbol(.less): op = .less
            case .symbol(.lessEqual): op = .lessEqual
            case .symbol(.greater): op = .greater
            case .symbol(.greaterEqual): op = .greaterEqual
            case .keyword(.in): op = .contains
            case .keyword(.not):
                guard case .keyword(.in) = tokens[index + 1].kind else { return left }
                _ = advance()
                op = .notContains
            default: return left
            }
            _ = advance()
            skipNewlines()
            let right = try parseAdditive()
            left = Expr(.binary(op, left, right), left.range.union(right.range))
        }
    }

    mutating func parseAdditive() throws -> Expr {
        var left = try parseMultiplicative()
        while true {
            let op: BinaryOp
            if check(.plus) { op = .add } else if check(.minus) { op = .subtract } else { return left }
            _ = advance()
            skipNewlines()
            let right = try parseMultiplicative()
            left = Expr(.binary(op, left, right), left.range.union(right.range))
        }
    }

    mutating func parseMultiplicative() throws -> Expr {
        var left = try parseUnary()
        while true {
            let op: BinaryOp
            switch current.kind {
            case .symbol(.star): op = .multiply
            case .symbol(.slash): op = .divide
            case .symbol(.slashSlash): op = .floorDivide
            case .symbol(.percent): op = .remainder
            default: return left
            }
            _ = advance()
            skipNewlines()
            let right = try parseUnary()
            left = Expr(.binary(op, left, right), left.range.union(right.range))
        }
    }

    mutating func parseUnary() throws -> Expr {
        if check(.minus) {
            let start = advance().start
            try enter()
            defer { depth -= 1 }
            let operand = try parseUnary()
            // Fold negative literals so `-9223372036854775808` style limits and `-1` stay literals.
            switch operand.kind {
            case .int(let v): return Expr(.int(-v), range(from: start))
            case .float(let v): return Expr(.float(-v), range(from: start))
            default: return Expr(.unary(.negate, operand), range(from: start))
            }
        }
        return try parsePostfix()
    }

    mutating func parsePostfix() throws -> Expr {
        var e = try parsePrimary()
        while true {
            if check(.lparen) {
                e = try parseCall(e)
            } else if check(.lbracket) {
                e = try parseIndex(e)
            } else if check(.dot) || (atNewline && nextAfterNewlines(is: .dot)) {
                skipNewlines()
                _ = advance()
                guard case .identifier(let name) = current.kind else {
                    throw fail("expected a field name after '.', found \(current.quoted)")
                }
                let nr = range(advance())
                e = Expr(.field(e, name: name, nameRange: nr), e.range.union(nr))
            } else {
                return e
            }
        }
    }

    mutating func parseCall(_ callee: Expr) throws -> Expr {
        let open = advance()
        var args: [CallArgument] = []
        var sawLabel = false
        while !check(.rparen) {
            var label: String?
            var labelRange: SourceRange?
            if case .identifier(let l) = current.kind, case .symbol(.colon) = tokens[index + 1].kind {
                label = l
                labelRange = range(advance())
                _ = advance()
                sawLabel = true
            } else if sawLabel {
                let value = try parseExpression()
                throw fail("positional argument after a named argument", at: value.range)
            }
            args.append(CallArgument(label: label, labelRange: labelRange, value: try parseExpression()))
            if !match(.comma) { break }
        }
        try expect(.rparen, "expected ',' or ')' after argument", opener: open)
        return Expr(.call(callee: callee, arguments: args), callee.range.union(range(from: open.start)))
    }

    /// `x[i]`, `x[a:b]`, `x[:b]`, `x[a:]`.
    mutating func parseIndex(_ base: Expr) throws -> Expr {
        let open = advance()
        var lower: Expr?
        if !check(.colon) { lower = try parseExpression() }
        if match(.colon) {
            var upper: Expr?
            if !check(.rbracket) { upper = try parseExpression() }
            try expect(.rbracket, "expected ']' after slice", opener: open)
            return Expr(.slice(base, lower, upper), base.range.union(range(from: open.start)))
        }
        try expect(.rbracket, "expected ']' after index", opener: open)
        guard let lower else { throw fail("expected an index", at: range(open)) }
        return Expr(.index(base, lower), base.range.union(range(from: open.start)))
    }

    mutating func parsePrimary() throws -> Expr {
        let t = current
        switch t.kind {
        case .int(let v): _ = advance(); return Expr(.int(v), range(t))
        case .float(let v): _ = advance(); return Expr(.float(v), range(t))
        case .keyword(.true): _ = advance(); return Expr(.bool(true), range(t))
        case .keyword(.false): _ = advance(); return Expr(.bool(false), range(t))
        case .keyword(.nil): _ = advance(); return Expr(.nilLiteral, range(t))
        case .identifier(let n): _ = advance(); return Expr(.name(n), range(t))
        case .string(let parts):
            _ = advance()
            return Expr(.string(try parseInterpolations(parts)), range(t))
        case .symbol(.lparen):
            _ = advance()
            let inner = try parseExpression()
            try expect(.rparen, "expected ')' after expression", opener: t)
            return Expr(inner.kind, range(from: t.start))
        case .symbol(.lbracket):
            return try parseList()
        case .symbol(.lbrace):
            return try parseRecord()
        case .keyword(.fn):
            let f = try parseFunction()
            return Expr(.function(f), f.range)
        case .keyword(.if):
            return try parseIf()
        case .keyword(.for):
            _ = advance()
            guard case .identifier(let v) = current.kind else {
                throw fail("expected a loop variable after 'for', found \(current.quoted)")
            }
            let vr = range(advance())
            if !match(.in) { throw fail("expected 'in' after the loop variable, found \(current.quoted)") }
            let seq = try parseExpression()
            let body = try parseBlock()
            return Expr(.forIn(variable: v, variableRange: vr, sequence: seq, body: body), range(from: t.start))
        case .keyword(.while):
            _ = advance()
            let cond = try parseExpression()
            let body = try parseBlock()
            return Expr(.whileLoop(condition: cond, body: body), range(from: t.start))
        case .keyword(let k) where [.return, .break, .continue, .let, .var, .import].contains(k):
            throw fail("'\(k.rawValue)' cannot be used inside an expression")
        case .symbol(.rparen), .symbol(.rbracket), .symbol(.rbrace):
            throw fail("unexpected \(t.quoted): there is no matching opening bracket")
        default:
            throw fail("expected an expression, found \(t.quoted)")
        }
    }

    mutating func parseInterpolations(_ parts: [StringPart]) throws -> [StringSegment] {
        var segments: [StringSegment] = []
        for part in parts {
            switch part {
            case .text(let s): segments.append(.text(s))
            case .code(let r):
                var sub = Parser(file: file, range: r)
                sub.depth = depth
                sub.skipNewlines()
                if sub.atEnd {
                    throw fail(
                        "empty interpolation '{}' in string (write '\\{' for a literal brace)",
                        at: SourceRange(file: file, start: r.lowerBound - 1, end: r.upperBound + 1))
                }
                var e: Expr?
                do {
                    e = try sub.parseExpression()
                    sub.skipNewlines()
                    if !sub.atEnd { throw sub.fail("expected '}' to end the interpolation, found \(sub.current.quoted)") }
                } catch {}
                diagnostics += sub.diagnostics
                guard let e, sub.diagnostics.isEmpty else { throw Abort() }
                segments.append(.expr(e))
            }
        }
        return segments
    }

    mutating func parseList() throws -> Expr {
        let open = advance()
        try enter()
        defer { depth -= 1 }
        var items: [Expr] = []
        while !check(.rbracket) {
            items.append(try parseExpression())
            if !match(.comma) { break }
        }
        try expect(.rbracket, "expected ',' or ']' after list element", opener: open)
        return Expr(.list(items), range(from: open.start))
    }

    /// `{name: value, "any key": value}`; newlines are allowed between fields.
    mutating func parseRecord() throws -> Expr {
        let open = advance()
        try enter()
        defer { depth -= 1 }
        var fields: [FieldInit] = []
        var seen = Set<String>()
        skipNewlines()
        while !check(.rbrace) {
            let key: String
            switch current.kind {
            case .identifier(let n): key = n
            case .keyword(let k): key = k.rawValue
            case .string(let parts) where parts.count <= 1:
                if case .text(let s)? = parts.first { key = s } else { key = "" }
            default:
                throw fail("expected a field name in record, found \(current.quoted)")
            }
            let kr = range(advance())
            if !seen.insert(key).inserted {
                diagnostics.append(Diagnostic(.syntax, "duplicate field '\(key)' in record", at: kr))
            }
            try expect(.colon, "expected ':' after field name '\(key)'")
            skipNewlines()
            fields.append(FieldInit(name: key, nameRange: kr, value: try parseExpression()))
            skipNewlines()
            if !match(.comma) { break }
            skipNewlines()
        }
        try expect(.rbrace, "expected ',' or '}' after record field", opener: open)
        return Expr(.record(fields), range(from: open.start))
    }

    /// `if c { } else if d { } else { }`; `else` may start a new line.
    mutating func parseIf() throws -> Expr {
        let start = advance().start
        try enter()
        defer { depth -= 1 }
        let cond = try parseExpression()
        let then = try parseBlock()
        var elseBlock: Block?
        if check(.else) || (atNewline && nextAfterNewlines(keyword: .else)) {
            skipNewlines()
            _ = advance()
            if check(.if) {
                let nested = try parseIf()
                elseBlock = Block(statements: [Stmt(.expression(nested), nested.range)], range: nested.range)
            } else {
                elseBlock = try parseBlock()
            }
        }
        return Expr(.ifElse(condition: cond, then: then, else: elseBlock), range(from: start))
    }
}
