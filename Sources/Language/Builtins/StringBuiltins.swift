import Foundation

/// Built-ins on strings.
enum StringBuiltins {
    typealias P = BuiltinParameter

    static let all: [Builtin] = [
        Builtin(
            "join", [P("xs", .list), P("sep", .string, default: "")], category: "strings",
            doc: """
                Joins the elements (converted like `str`) with a separator.
                Example: join(["a", "b", "c"], ", ")  # "a, b, c"
                """
        ) { args, _ in
            .string(try args.list("xs").map(\.description).joined(separator: try args.string("sep")))
        },
        Builtin(
            "split", [P("s", .string), P("sep", .optional(.string), default: .nil)], category: "strings",
            doc: """
                Splits on a separator, or on runs of whitespace when none is given.
                Example: split("a,b,c", ",")  # ["a", "b", "c"]
                """
        ) { args, _ in
            let s = try args.string("s")
            guard case .string(let sep) = args["sep"] else {
                return .list(s.split(whereSeparator: { $0.isWhitespace }).map { .string(String($0)) })
            }
            if sep.isEmpty { throw args.error("sep", "separator must not be empty") }
            return .list(s.components(separatedBy: sep).map { .string($0) })
        },
        Builtin(
            "lines", [P("s", .string)], category: "strings",
            doc: """
                Splits text into lines (without the line breaks; `\\r\\n` counts as one).
                Example: lines("a\\nb")  # ["a", "b"]
                """
        ) { args, _ in
            .list(
                try args.string("s").split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map {
                    .string(String($0))
                })
        },
        Builtin(
            "upper", [P("s", .string)], category: "strings",
            doc: """
                Upper-case copy.
                Example: upper("hi")  # "HI"
                """
        ) { args, _ in .string(try args.string("s").uppercased()) },
        Builtin(
            "lower", [P("s", .string)], category: "strings",
            doc: """
                Lower-case copy.
                Example: lower("Hi")  # "hi"
                """
        ) { args, _ in .string(try args.string("s").lowercased()) },
        Builtin(
            "trim", [P("s", .string)], category: "strings",
            doc: """
                Removes whitespace and line breaks at both ends.
                Example: trim("  hi \\n")  # "hi"
                """
        ) { args, _ in .string(try args.string("s").trimmingCharacters(in: .whitespacesAndNewlines)) },
        Builtin(
            "contains", [P("haystack"), P("needle")], category: "strings",
            doc: """
                Whether a string contains a substring, a list an element, or a record a key (same as `in`).
                Example: contains("great film", "film")  # true
                """
        ) { args, ctx in
            .bool(try Operators.contains(args[0], args[1], args.range(of: "haystack") ?? ctx.callRange))
        },
        Builtin(
            "replace", [P("s", .string), P("old", .string), P("new", .string)], category: "strings",
            doc: """
                Replaces every occurrence of `old` with `new`.
                Example: replace("a-b-c", "-", "+")  # "a+b+c"
                """
        ) { args, _ in
            let old = try args.string("old")
            if old.isEmpty { throw args.error("old", "the text to replace must not be empty") }
            return .string(try args.string("s").replacingOccurrences(of: old, with: try args.string("new")))
        },
        Builtin(
            "starts_with", [P("s", .string), P("prefix", .string)], category: "strings",
            doc: """
                Whether the string starts with the prefix.
                Example: starts_with("fewshot", "few")  # true
                """
        ) { args, _ in .bool(try args.string("s").hasPrefix(try args.string("prefix"))) },
        Builtin(
            "ends_with", [P("s", .string), P("suffix", .string)], category: "strings",
            doc: """
                Whether the string ends with the suffix.
                Example: ends_with("data.csv", ".csv")  # true
                """
        ) { args, _ in .bool(try args.string("s").hasSuffix(try args.string("suffix"))) },
        Builtin(
            "find", [P("s", .string), P("sub", .string)], category: "strings",
            doc: """
                The character position of the first occurrence of `sub`, or -1.
                Example: find("hello", "l")  # 2
                """
        ) { args, _ in
            let s = try args.string("s"), sub = try args.string("sub")
            guard let r = s.range(of: sub) else { return .int(-1) }
            return .int(s.distance(from: s.startIndex, to: r.lowerBound))
        },
        Builtin(
            "chars", [P("s", .string)], category: "strings",
            doc: """
                The characters of a string as a list.
                Example: chars("abc")  # ["a", "b", "c"]
                """
        ) { args, _ in .list(try args.string("s").map { .string(String($0)) }) },
        Builtin(
            "pad", [P("s"), P("width", .int, bounds: .between(0, 10_000)), P("right", .bool, default: false)],
            category: "strings",
            doc: """
                Pads a value's text with spaces to a width (on the left, or on the right with `right: true`).
                Example: pad("ab", 4)  # "  ab"
                """
        ) { args, _ in
            let s = args[0].description, w = min(try args.int("width"), 10_000)
            let fill = String(repeating: " ", count: max(0, w - s.count))
            return .string(try args.bool("right") ? s + fill : fill + s)
        },
    ]
}
