import Foundation
import Language

/// What `:help` and `help` show: with a name, that built-in's or documented function's help;
/// without one, the REPL's commands and the built-ins by category. The Jupyter kernel's
/// inspect request shows the same text.
public enum HelpText {
    /// The help for `name` (empty: the overview) in `session`.
    ///
    ///     HelpText.text(for: "head", in: session)   // "head(d, n: 5) -> dataset ..."
    public static func text(for name: String, in session: Session) -> String {
        if !name.isEmpty {
            if let builtin = session.builtins[name] { return builtin.help }
            if case .function(let f)? = session.global(name), let documentation = f.documentation {
                return documentation
            }
            return "no function named '\(name)'"
        }
        var lines = ["Commands:"]
        for spec in ReplCommand.all {
            lines.append(
                "  :\(spec.name)\(spec.arguments.isEmpty ? "" : " " + spec.arguments)".padding(
                    toLength: 20, withPad: " ", startingAt: 0) + spec.summary)
        }
        let byCategory = Dictionary(grouping: session.builtins.all, by: \.category)
        lines.append("Built-ins (help(\"name\") or :help name for one):")
        for category in byCategory.keys.sorted() {
            lines.append("  \(category): " + byCategory[category]!.map(\.name).joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}
