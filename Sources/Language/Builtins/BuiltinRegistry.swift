/// Every native built-in of a session, in registration order. Used by `help`, completion
/// (names and parameter names) and to generate `docs/builtins.md`.
public final class BuiltinRegistry: @unchecked Sendable {
    public private(set) var all: [Builtin] = []
    private var byName: [String: Int] = [:]

    init() {}

    /// Adds a built-in, replacing one with the same name.
    func add(_ b: Builtin) {
        if let i = byName[b.name] { all[i] = b } else { byName[b.name] = all.count; all.append(b) }
    }

    /// The built-in with this name, if any.
    public subscript(name: String) -> Builtin? { byName[name].map { all[$0] } }

    /// Markdown reference of all built-ins, grouped by category.
    public func markdown(title: String = "Built-in functions") -> String {
        var out = "# \(title)\n\nGenerated from the doc strings registered with the interpreter.\n"
        var categories: [String] = []
        for b in all where !categories.contains(b.category) { categories.append(b.category) }
        for c in categories {
            out += "\n## \(c)\n"
            for b in all where b.category == c {
                out += "\n### `\(b.name)`\n\n```\n\(b.signature)\n```\n\n\(b.doc)\n"
            }
        }
        return out
    }
}
