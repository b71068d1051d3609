import Foundation
import Language

/// A `:command` typed at the REPL prompt, such as `:save work.fsnb` or `:show 3`.
public struct ReplCommand: Equatable, Sendable {
    /// What a command does, for `:help` and completion.
    public struct Spec: Sendable {
        public let name: String
        public let arguments: String
        public let summary: String
    }

    /// Every command the REPL knows, in the order `:help` lists them.
    public static let all: [Spec] = [
        Spec(name: "help", arguments: "[name]", summary: "list commands and built-ins, or show one built-in's documentation"),
        Spec(name: "save", arguments: "[path]", summary: "save the session as a notebook (default: the current notebook)"),
        Spec(name: "load", arguments: "path", summary: "open a notebook and run its cells"),
        Spec(name: "cells", arguments: "", summary: "list the cells of this session"),
        Spec(name: "show", arguments: "N", summary: "show cell N with its outputs"),
        Spec(name: "rerun", arguments: "N", summary: "run cell N again"),
        Spec(name: "edit", arguments: "N", summary: "edit cell N in $EDITOR, then run it"),
        Spec(name: "reset", arguments: "", summary: "forget every variable (the cells stay in the notebook)"),
        Spec(name: "history", arguments: "", summary: "show the input history"),
        Spec(
            name: "plan", arguments: "generate(...)", summary: "show what a generate call would send and cost, without sending it"
        ),
        Spec(name: "usage", arguments: "", summary: "teacher tokens and cost of this session, per cell"),
        Spec(name: "quit", arguments: "", summary: "leave fewshot (Ctrl-D works too)"),
    ]

    /// The command's name, without the colon.
    public let name: String
    /// Everything after the name, trimmed.
    public let argument: String

    /// Parses a line starting with `:`; nil for anything else.
    public init?(line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix(":") else { return nil }
        let body = trimmed.dropFirst()
        let name = body.prefix { !$0.isWhitespace }
        self.name = String(name)
        self.argument = body.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
    }

    /// The known command this one names, matching unique prefixes (`:q` is `:quit`).
    public var spec: Spec? {
        if let exact = ReplCommand.all.first(where: { $0.name == name }) { return exact }
        let candidates = ReplCommand.all.filter { !name.isEmpty && $0.name.hasPrefix(name) }
        return candidates.count == 1 ? candidates[0] : nil
    }

    /// The nearest known command by edit distance, for "did you mean ':save'?".
    public var suggestion: String? { Suggestions.closest(to: name, in: ReplCommand.all.map(\.name)) }
}
