/// Built-ins on lists and records.
enum CollectionBuiltins {
    typealias P = BuiltinParameter

    /// Sorts by the keys `keyOf` produces (computed once per element), stably; fails on
    /// keys that cannot be compared.
    static func sorted(_ xs: [Value], reverse: Bool, range: SourceRange?, keyOf: (Value) throws -> Value) throws -> [Value] {
        let keys = try xs.map(keyOf)
        var order = Array(xs.indices)
        var failure: RuntimeError?
        order.sort { i, j in
            guard failure == nil else { return false }
            guard let c = Value.compare(keys[i], keys[j]) else {
                failure = RuntimeError("cannot compare \(keys[i].typeName) and \(keys[j].typeName) while sorting", at: range)
                return false
            }
            if c == 0 { return i < j }
            return reverse ? c > 0 : c < 0
        }
        if let failure { throw failure }
        return order.map { xs[$0] }
    }

    static let all: [Builtin] = [
        Builtin(
            "len", [P("x")], category: "collections",
            doc: """
                The number of elements of a list, characters of a string, fields of a record, or
                items of an object with a size (a dataset's rows, a shots set's shots).
                Example: len([1, 2, 3])  # 3
                """
        ) { args, _ in
            switch args[0] {
            case .list(let xs): return .int(xs.count)
            case .string(let s): return .int(characterCount(s))
            case .record(let r): return .int(r.count)
            case .host(let object) where object.length != nil: return .int(object.length!)
            case let v:
                throw args.error("x", "len expects a list, string, record or an object with a size, got \(v.typeName)")
            }
        },
        Builtin(
            "range", [P("start", .int), P("stop", .optional(.int), default: .nil), P("step", .int, default: 1)],
            category: "collections",
            doc: """
                The ints from start (inclusive) to stop (exclusive); `range(n)` counts from 0.
                Example: range(1, 7, 2)  # [1, 3, 5]
                """
        ) { args, _ in
            var lo = try args.int("start"), hi: Int
            if let stop = args.optional("stop"), case .int(let s) = stop { hi = s } else { hi = lo; lo = 0 }
            let step = try args.int("step")
            if step == 0 { throw args.error("step", "range step must not be zero") }
            // Count in Double: the bounds may be anywhere in Int's range.
            let count = max(0, ((Double(hi) - Double(lo)) / Double(step)).rounded(.up))
            if count > 50_000_000 { throw RuntimeError("range is too large (more than 50000000 elements)") }
            return .list(Swift.stride(from: lo, to: hi, by: step).map { .int($0) })
        },
        Builtin(
            "map", [P("xs", .list), P("f", .function)], category: "collections",
            doc: """
                Applies f to every element and returns the list of results.
                Example: map([1, 2, 3], fn(x) => x * 10)  # [10, 20, 30]
                """
        ) { args, ctx in
            let f = try args.function("f")
            var out: [Value] = []
            let xs = try args.list("xs")
            out.reserveCapacity(xs.count)
            for x in xs { out.append(try ctx.call(f, [x])) }
            return .list(out)
        },
        Builtin(
            "filter", [P("xs", .list), P("where", .function)], category: "collections",
            doc: """
                The elements for which `where` returns true.
                Example: filter([1, 2, 3, 4], where: fn(x) => x % 2 == 0)  # [2, 4]
                """
        ) { args, ctx in
            let f = try args.function("where")
            var out: [Value] = []
            for x in try args.list("xs") {
                let keep = try ctx.call(f, [x])
                guard case .bool(let b) = keep else {
                    throw args.error("where", "the 'where' function must return a bool, got \(keep.typeName)")
                }
                if b { out.append(x) }
            }
            return .list(out)
        },
        Builtin(
            "sort", [P("xs", .list), P("key", .optional(.function), default: .nil), P("reverse", .bool, default: false)],
            category: "collections",
            doc: """
                A sorted copy (stable), ordered by `key(x)` when a key function is given.
                Example: sort([{n: 2}, {n: 1}], key: fn(r) => r.n)  # [{n: 1}, {n: 2}]
                """
        ) { args, ctx in
            let xs = try args.list("xs"), reverse = try args.bool("reverse")
            if case .function(let f) = args["key"] {
                return .list(try sorted(xs, reverse: reverse, range: args.range(of: "key")) { try ctx.call(f, [$0]) })
            }
            return .list(try sorted(xs, reverse: reverse, range: args.range(of: "xs")) { $0 })
        },
        Builtin(
            "reversed", [P("xs")], category: "collections",
            doc: """
                A list (or string) in reverse order.
                Example: reversed([1, 2, 3])  # [3, 2, 1]
                """
        ) { args, _ in
            switch args[0] {
            case .list(let xs): return .list(xs.reversed())
            case .string(let s): return .string(String(s.reversed()))
            case let v: throw args.error("xs", "reversed expects a list or string, got \(v.typeName)")
            }
        },
        Builtin(
            "append", [P("xs", .list), P("item")], category: "collections",
            doc: """
                A new list with the item added at the end (lists are values; use `xs += [item]` to grow a variable in place).
                Example: append([1, 2], 3)  # [1, 2, 3]
                """
        ) { args, _ in .list(try args.list("xs") + [args[1]]) },
        Builtin(
            "sum", [P("xs", .list)], category: "collections",
            doc: """
                The sum of a list of numbers (0 for an empty list).
                Example: sum([1, 2, 3.5])  # 6.5
                """
        ) { args, _ in
            var total: Value = .int(0)
            let r = args.range(of: "xs") ?? SourceRange(file: SourceFile(name: "<sum>", text: ""), start: 0, end: 0)
            for x in try args.list("xs") {
                guard x.asDouble != nil else { throw args.error("xs", "sum expects numbers, found \(x.typeName)") }
                total = try Operators.add(total, x, r)
            }
            return total
        },
        Builtin(
            "min", [P("xs", .list), P("key", .optional(.function), default: .nil)], category: "collections",
            doc: """
                The smallest element (by `key(x)` when given); error on an empty list.
                Example: min([3, 1, 2])  # 1
                """
        ) { args, ctx in try extreme(args, ctx, largest: false) },
        Builtin(
            "max", [P("xs", .list), P("key", .optional(.function), default: .nil)], category: "collections",
            doc: """
                The largest element (by `key(x)` when given); error on an empty list.
                Example: max(["b", "c", "a"])  # "c"
                """
        ) { args, ctx in try extreme(args, ctx, largest: true) },
        Builtin(
            "enumerate", [P("xs", .list)], category: "collections",
            doc: """
                Pairs each element with its position: a list of `{index, value}` records.
                Example: enumerate(["a", "b"])  # [{index: 0, value: "a"}, {index: 1, value: "b"}]
                """
        ) { args, _ in
            .list(try args.list("xs").enumerated().map { .record(Record(["index": .int($0.offset), "value": $0.element])) })
        },
        Builtin(
            "zip", [P("a", .list), P("b", .list)], category: "collections",
            doc: """
                Pairs elements of two lists (as two-element lists), stopping at the shorter.
                Example: zip([1, 2], ["a", "b"])  # [[1, "a"], [2, "b"]]
                """
        ) { args, _ in
            .list(Swift.zip(try args.list("a"), try args.list("b")).map { .list([$0.0, $0.1]) })
        },
        Builtin(
            "keys", [P("r", .record)], category: "collections",
            doc: """
                The field names of a record, in order.
                Example: keys({text: "hi", label: "pos"})  # ["text", "label"]
                """
        ) { args, _ in .list(try args.record("r").fields.keys.map { .string($0) }) },
        Builtin(
            "values", [P("r", .record)], category: "collections",
            doc: """
                The field values of a record, in order.
                Example: values({a: 1, b: 2})  # [1, 2]
                """
        ) { args, _ in .list(Array(try args.record("r").fields.values)) },
        Builtin(
            "get", [P("r", .record), P("key", .string), P("default", default: .nil)], category: "collections",
            doc: """
                A record's field by name, or `default` when it is missing.
                Example: get({a: 1}, "b", default: 0)  # 0
                """
        ) { args, _ in try args.record("r")[try args.string("key")] ?? args["default"] },
        Builtin(
            "has", [P("r", .record), P("key", .string)], category: "collections",
            doc: """
                Whether a record has a field.
                Example: has({a: 1}, "a")  # true
                """
        ) { args, _ in .bool(try args.record("r")[try args.string("key")] != nil) },
        Builtin(
            "with", [P("r", .record), P("key", .string), P("value")], category: "collections",
            doc: """
                A copy of the record with one field set (added at the end if new).
                Example: with({a: 1}, "b", 2)  # {a: 1, b: 2}
                """
        ) { args, _ in
            var r = try args.record("r")
            r[try args.string("key")] = args["value"]
            return .record(r)
        },
        Builtin(
            "without", [P("r", .record), P("key", .string)], category: "collections",
            doc: """
                A copy of the record without a field.
                Example: without({a: 1, b: 2}, "a")  # {b: 2}
                """
        ) { args, _ in
            var r = try args.record("r")
            r.removeField(try args.string("key"))
            return .record(r)
        },
    ]

    /// Characters in a string; ASCII text is counted by bytes, skipping grapheme breaking.
    static func characterCount(_ s: String) -> Int {
        let utf8 = s.utf8
        if utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0D }) { return utf8.count }  // "\r\n" is one character
        return s.count
    }

    static func extreme(_ args: Arguments, _ ctx: CallContext, largest: Bool) throws -> Value {
        let xs = try args.list("xs")
        guard !xs.isEmpty else { throw args.error("xs", "\(largest ? "max" : "min") of an empty list") }
        var key: (Value) throws -> Value = { $0 }
        if case .function(let f) = args["key"] { key = { try ctx.call(f, [$0]) } }
        var best = xs[0], bestKey = try key(xs[0])
        for x in xs.dropFirst() {
            let k = try key(x)
            guard let c = Value.compare(k, bestKey) else {
                throw args.error("xs", "cannot compare \(k.typeName) and \(bestKey.typeName)")
            }
            if largest ? c > 0 : c < 0 { best = x; bestKey = k }
        }
        return best
    }
}
