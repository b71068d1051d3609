import Foundation
import PortableMath

/// The core built-ins every session has. Each doc string's `Example:` line is checked by the
/// test suite.
enum CoreBuiltins {
    static func p(
        _ name: String, _ type: ValueType = .any, default d: Value? = nil, variadic: Bool = false, bounds: ValueBounds? = nil
    ) -> BuiltinParameter {
        BuiltinParameter(name, type, default: d, variadic: variadic, bounds: bounds)
    }

    static var all: [Builtin] { general + CollectionBuiltins.all + StringBuiltins.all + IOBuiltins.all + JSONBuiltins.all }

    static let general: [Builtin] = [
        Builtin(
            "print", [p("values", variadic: true), p("sep", .string, default: " "), p("end", .string, default: "\n")],
            doc: """
                Writes values separated by `sep` and followed by `end`; strings are written without quotes.
                Example: print("total:", 3)  # total: 3
                """
        ) { args, ctx in
            let parts = try args.list("values").map(\.description)
            ctx.write(parts.joined(separator: try args.string("sep")) + (try args.string("end")))
            return .nil
        },
        Builtin(
            "warn", [p("values", variadic: true), p("sep", .string, default: " ")],
            doc: """
                Writes values to standard error, like `print` (a newline added): a warning or a note
                kept apart from the results (a notebook keeps it as the cell's stderr output).
                Example: warn("only", 12, "rows left")  # only 12 rows left
                """
        ) { args, ctx in
            let parts = try args.list("values").map(\.description)
            ctx.emit(.warning(parts.joined(separator: try args.string("sep")) + "\n"))
            return .nil
        },
        Builtin(
            "type", [p("value")],
            doc: """
                The type name of a value: nil, bool, int, float, string, list, record, function, or a host type.
                Example: type(1.5)  # "float"
                """
        ) { args, _ in .string(args[0].typeName) },
        Builtin(
            "str", [p("value")],
            doc: """
                Converts a value to the text `print` would show.
                Example: str(42) + "!"  # "42!"
                """
        ) { args, _ in .string(args[0].description) },
        Builtin(
            "repr", [p("value")],
            doc: """
                The value as it would be written in code (strings quoted).
                Example: repr("hi")  # "\\"hi\\""
                """
        ) { args, _ in .string(args[0].repr) },
        Builtin(
            "int", [p("value")],
            doc: """
                Converts a float (truncating), a bool or a numeric string to an int.
                Example: int("42") + 1  # 43
                """
        ) { args, _ in
            switch args[0] {
            case .int: return args[0]
            case .float(let d):
                guard d.isFinite, abs(d) < 9.2e18 else {
                    throw args.error("value", "cannot convert \(Value.formatFloat(d)) to int")
                }
                return .int(Int(d))
            case .bool(let b): return .int(b ? 1 : 0)
            case .string(let s):
                if let i = Int(s.trimmingCharacters(in: .whitespaces)) { return .int(i) }
                throw args.error("value", "cannot convert \(Value.quoted(s)) to int")
            case let v: throw args.error("value", "cannot convert \(v.typeName) to int")
            }
        },
        Builtin(
            "float", [p("value")],
            doc: """
                Converts an int or a numeric string to a float.
                Example: float("2.5") * 2  # 5.0
                """
        ) { args, _ in
            switch args[0] {
            case .float: return args[0]
            case .int(let i): return .float(Double(i))
            case .string(let s):
                if let d = Double(s.trimmingCharacters(in: .whitespaces)) { return .float(d) }
                throw args.error("value", "cannot convert \(Value.quoted(s)) to float")
            case let v: throw args.error("value", "cannot convert \(v.typeName) to float")
            }
        },
        Builtin(
            "assert", [p("condition", .bool), p("message", .string, default: "assertion failed")],
            doc: """
                Stops with an error when the condition is false.
                Example: assert(1 + 1 == 2, "arithmetic is broken")
                """
        ) { args, _ in
            if try !args.bool("condition") { throw RuntimeError(try args.string("message")) }
            return .nil
        },
        Builtin(
            "error", [p("message", .string)],
            doc: """
                Stops with an error carrying the message (and the call stack).
                Example: if false { error("unreachable") }
                """
        ) { args, _ in throw RuntimeError(try args.string("message")) },
        Builtin(
            "help", [p("name", .optional(.any), default: .nil)],
            doc: """
                Shows the documentation of a function (by name or by value): a built-in's, or the
                signature and `##` comment of one written in fewshot (the prelude's, or your own).
                With no argument, lists all built-ins.
                Example: help("len")
                """
        ) { args, ctx in
            var name: String?
            switch args[0] {
            case .string(let s): name = s
            case .function(let f):
                if let documentation = f.documentation {
                    ctx.write(documentation + "\n")
                    return .nil
                }
                name = f.name
            case .nil: name = nil
            case let v: throw args.error("name", "help expects a name or a function, got \(v.typeName)")
            }
            guard let name else {
                ctx.write("Built-in functions (help(\"name\") for details):\n")
                for b in ctx.builtins.all { ctx.write("  \(b.signature)\n") }
                return .nil
            }
            guard let b = ctx.builtins[name] else {
                if case .function(let f)? = ctx.global(name), let documentation = f.documentation {
                    ctx.write(documentation + "\n")
                    return .nil
                }
                let hint = Suggestions.note(for: name, in: ctx.builtins.all.map(\.name) + ctx.functionNames)
                throw args.error("name", "no function named '\(name)'\(hint)")
            }
            ctx.write(b.help + "\n")
            return .nil
        },
        Builtin(
            "show", [p("value")],
            doc: """
                Prints a value's detailed view: a host object's multi-line display, or the value itself.
                Example: show({a: 1})  # {a: 1}
                """
        ) { args, ctx in
            if case .host(let h) = args[0], let d = h.display {
                ctx.write(d.hasSuffix("\n") ? d : d + "\n")
            } else {
                ctx.write(args[0].description + "\n")
            }
            return .nil
        },
        Builtin(
            "abs", [p("x", .number)],
            doc: """
                The absolute value of a number.
                Example: abs(-3)  # 3
                """
        ) { args, _ in
            if case .int(let i) = args[0] {
                if i == .min { throw RuntimeError("integer overflow") }
                return .int(abs(i))
            }
            return .float(abs(try args.double("x")))
        },
        Builtin(
            "round", [p("x", .number), p("digits", .int, default: 0, bounds: .between(-300, 300))],
            doc: """
                Rounds to `digits` decimal places (half away from zero); with no digits, returns an int.
                Example: round(3.14159, digits: 2)  # 3.14
                """
        ) { args, _ in
            let x = try args.double("x"), d = try args.int("digits")
            if d == 0 {
                let r = x.rounded()
                guard r.isFinite, abs(r) < 9.2e18 else { throw args.error("x", "cannot round \(Value.formatFloat(x)) to an int") }
                return .int(Int(r))
            }
            let scale = powerOfTen(max(-300, min(300, d)))
            return .float((x * scale).rounded() / scale)
        },
        Builtin(
            "sqrt", [p("x", .number)],
            doc: """
                The square root.
                Example: sqrt(16)  # 4.0
                """
        ) { args, _ in
            let x = try args.double("x")
            if x < 0 { throw args.error("x", "square root of a negative number") }
            return .float(x.squareRoot())
        },
        Builtin(
            "floor", [p("x", .number)],
            doc: """
                The largest int not above x.
                Example: floor(2.7)  # 2
                """
        ) { args, _ in try toInt((try args.double("x")).rounded(.down), args) },
        Builtin(
            "ceil", [p("x", .number)],
            doc: """
                The smallest int not below x.
                Example: ceil(2.1)  # 3
                """
        ) { args, _ in try toInt((try args.double("x")).rounded(.up), args) },
        Builtin(
            "exp", [p("x", .number)],
            doc: """
                e raised to x.
                Example: exp(0)  # 1.0
                """
        ) { args, _ in .float(Reproducible.exp(try args.double("x"))) },
        Builtin(
            "log", [p("x", .number)],
            doc: """
                The natural logarithm.
                Example: log(1)  # 0.0
                """
        ) { args, _ in
            let x = try args.double("x")
            if x <= 0 { throw args.error("x", "logarithm of a number that is not positive") }
            return .float(Reproducible.log(x))
        },
        Builtin(
            "format",
            [
                p("x", .number), p("digits", .optional(.int), default: .nil, bounds: .between(0, 20)),
                p("width", .int, default: 0, bounds: .between(0, 1000)),
            ],
            doc: """
                Formats a number: `digits` decimal places (fixed), padded on the left to `width`.
                Example: format(3.14159, digits: 2)  # "3.14"
                """
        ) { args, _ in
            var s: String
            if let d = args.optional("digits") {
                guard case .int(let n) = d, (0...20).contains(n) else {
                    throw args.error("digits", "digits must be between 0 and 20")
                }
                s = String(format: "%.\(n)f", try args.double("x"))
            } else {
                s = args[0].description
            }
            let w = min(try args.int("width"), 1000)
            if s.count < w { s = String(repeating: " ", count: w - s.count) + s }
            return .string(s)
        },
        Builtin(
            "clock", [],
            doc: """
                Seconds since an arbitrary moment, as a float; subtract two readings to time code.
                Example: let t = clock()
                """
        ) { _, _ in .float(Double(DispatchTime.now().uptimeNanoseconds) / 1e9) },
    ]

    /// `10^d` for the rounding built-ins: exact by multiplication up to 10^22 (the largest power
    /// of ten a Double holds exactly), PortableMath's `pow` (the same bits everywhere) beyond.
    static func powerOfTen(_ d: Int) -> Double {
        guard (0...22).contains(d) else { return Reproducible.pow(10, Double(d)) }
        var p = 1.0
        for _ in 0..<d { p *= 10 }
        return p
    }

    static func toInt(_ d: Double, _ args: Arguments) throws -> Value {
        guard d.isFinite, abs(d) < 9.2e18 else { throw args.error("x", "result does not fit in an int") }
        return .int(Int(d))
    }
}
