import JSONText
import OrderedCollections

/// `json` and `parse_json`: the language's values through the product's one JSON codec.
enum JSONBuiltins {
    typealias P = BuiltinParameter

    static let all: [Builtin] = [
        Builtin(
            "json", [P("value"), P("indent", .int, default: 0, bounds: .between(0, 16))], category: "files",
            doc: """
                Encodes a value as JSON text (records keep their field order); `indent` > 0 pretty-prints.
                Example: json({a: [1, true, nil]})  # "{\\"a\\":[1,true,null]}"
                """
        ) { args, _ in
            .string(JSONWriter.string(try JSONValues.json(args[0]), indent: try args.int("indent")))
        },
        Builtin(
            "parse_json", [P("text", .string)], category: "files",
            doc: """
                Decodes JSON text into values (objects become records, null becomes nil).
                Example: parse_json("[1, 2.5, \\"x\\"]")  # [1, 2.5, "x"]
                """
        ) { args, _ in
            do {
                return JSONValues.value(try JSONReader.parse(try args.string("text"), maxDepth: JSONValues.maxDepth))
            } catch let e as JSONSyntaxError {
                throw args.error("text", "invalid JSON at \(JSONValues.position(e)): \(JSONValues.message(e))")
            }
        },
    ]
}

/// The language's values as JSON and back, and how a JSON error reads in a message.
enum JSONValues {
    /// How deep lists and records may nest in JSON, both ways.
    static let maxDepth = 200

    /// The value as JSON (records keep their field order).
    /// - Throws: `RuntimeError` for a function, a host object, a non-finite float, or nesting
    ///   deeper than `maxDepth`.
    static func json(_ v: Value, depth: Int = 0) throws -> JSON {
        if depth > maxDepth { throw RuntimeError("value is nested too deeply for JSON") }
        switch v {
        case .nil: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .float(let d):
            guard d.isFinite else { throw RuntimeError("cannot encode \(Value.formatFloat(d)) as JSON") }
            // The language prints negative zero as 0.0, and so does its JSON.
            return .double(d == 0 ? 0 : d)
        case .string(let s): return .string(s)
        case .list(let xs): return .array(try xs.map { try json($0, depth: depth + 1) })
        case .record(let r):
            var members = OrderedDictionary<String, JSON>()
            for (k, x) in r.fields { members[k] = try json(x, depth: depth + 1) }
            return .object(members)
        case .function, .host:
            throw RuntimeError("cannot encode \(v.typeName) as JSON")
        }
    }

    /// The JSON value as a language value: objects become records, null becomes nil.
    static func value(_ json: JSON) -> Value {
        switch json {
        case .null: return .nil
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .float(d)
        case .string(let s): return .string(s)
        case .array(let items): return .list(items.map(value))
        case .object(let members):
            var r = Record()
            for (k, x) in members { r[k] = value(x) }
            return .record(r)
        }
    }

    /// Where a JSON error is: `character N` in one-line text, `line L, column C` otherwise.
    static func position(_ e: JSONSyntaxError) -> String {
        e.line == 1 ? "character \(e.offset + 1)" : "line \(e.line), column \(e.column)"
    }

    /// The error's message, with text that ended early said plainly.
    static func message(_ e: JSONSyntaxError) -> String {
        e.atEndOfInput ? "unexpected end of JSON" : e.message
    }
}
