/// The innermost call still open before the cursor, as far as tab completion needs it: the
/// callee's name and which arguments the line already gives.
///
/// In `generate(p, s, n: 3, te` the open call is `generate`, with 2 positional arguments and
/// `n` given by name; `te` is the argument being typed and is not counted.
struct OpenCall: Equatable {
    /// The name before the open parenthesis.
    var callee: String
    /// How many complete arguments are given without a name.
    var positional: Int
    /// The names of complete arguments given as `name: value`.
    var named: Set<String>
}

extension OpenCall {
    /// The open call at the end of `text`, or nil when the text ends outside every call (or
    /// the parenthesis follows no name).
    init?(before text: String) {
        // Keep a stack of the open brackets and, for each `(`, where its arguments start.
        var opens: [(bracket: Character, argumentsStart: String.Index)] = []
        let ended = OpenCall.forEachCodeCharacter(in: text[...]) { c, index in
            if "([{".contains(c) {
                opens.append((c, text.index(after: index)))
            } else if ")]}".contains(c) {
                _ = opens.popLast()
            }
        }
        guard ended else { return nil }  // a comment runs to the end of the line
        guard let call = opens.last, call.bracket == "(" else { return nil }
        let parenthesis = text.index(before: call.argumentsStart)
        let name = text[..<parenthesis].reversed().prefix(while: OpenCall.isNameCharacter)
        guard !name.isEmpty else { return nil }
        self.init(callee: String(name.reversed()), positional: 0, named: [])
        let arguments = OpenCall.topLevelArguments(text[call.argumentsStart...])
        for argument in arguments.dropLast() {  // the last one is being typed
            if let label = OpenCall.label(of: argument) {
                named.insert(label)
            } else if !argument.allSatisfy(\.isWhitespace) {
                positional += 1
            }
        }
    }

    /// The parameter names (in declaration order) the call has not been given yet: the first
    /// `positional` parameters not given by name are taken by the positional arguments.
    func remaining(of parameters: [String]) -> [String] {
        var unnamed = parameters.filter { !named.contains($0) }
        unnamed.removeFirst(min(positional, unnamed.count))
        return unnamed
    }

    static func isNameCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }

    /// The arguments of a call's text split at commas outside brackets and strings.
    private static func topLevelArguments(_ text: Substring) -> [Substring] {
        var parts: [Substring] = []
        var depth = 0
        var start = text.startIndex
        _ = forEachCodeCharacter(in: text) { c, index in
            if "([{".contains(c) {
                depth += 1
            } else if ")]}".contains(c) {
                depth -= 1
            } else if c == ",", depth == 0 {
                parts.append(text[start..<index])
                start = text.index(after: index)
            }
        }
        parts.append(text[start...])
        return parts
    }

    /// Calls `visit` with each character outside string literals (and their quotes), in order.
    /// Returns false when it stops at a `#` comment, true at the end of the text.
    private static func forEachCodeCharacter(in text: Substring, _ visit: (Character, String.Index) -> Void) -> Bool {
        var inString = false
        var index = text.startIndex
        while index < text.endIndex {
            let c = text[index]
            if inString {
                if c == "\\" {
                    index = text.index(after: index)
                    if index == text.endIndex { break }
                } else if c == "\"" {
                    inString = false
                }
            } else if c == "\"" {
                inString = true
            } else if c == "#" {
                return false
            } else {
                visit(c, index)
            }
            index = text.index(after: index)
        }
        return true
    }

    /// `n` for an argument written `n: value`, nil for a positional one.
    private static func label(of argument: Substring) -> String? {
        let trimmed = argument.drop(while: \.isWhitespace)
        let name = trimmed.prefix(while: isNameCharacter)
        guard !name.isEmpty, let first = name.first, !first.isNumber else { return nil }
        let rest = trimmed.dropFirst(name.count).drop(while: \.isWhitespace)
        return rest.first == ":" ? String(name) : nil
    }
}
