/// What `help` shows for a function written in fewshot: its signature as written and its
/// documentation, taken from the `##` (or `#`) comment lines right above `fn`, or from a string
/// the body starts with (when more statements follow it).
///
/// ```
/// ## Combines the elements from left to right.
/// fn reduce(xs, f, initial = nil) { ... }
///
/// fn shout(s) {
///     "The text in capitals, with an exclamation mark."
///     upper(s) + "!"
/// }
/// ```
enum FunctionDocumentation {
    /// `name(a, b = default)` with each default value as written.
    static func signature(of decl: FunctionDecl) -> String {
        let parameters = decl.parameters.map { p in
            p.defaultValue.map { "\(p.name) = \(decl.range.file.slice($0.range.start..<$0.range.end))" } ?? p.name
        }
        return "\(decl.name ?? "fn")(\(parameters.joined(separator: ", ")))"
    }

    /// The plain string literal a body starts with, when other statements follow it (a body
    /// that is only a string returns it: that is the function's value, not its documentation).
    static func docString(of decl: FunctionDecl) -> String? {
        guard decl.body.statements.count > 1, case .expression(let e) = decl.body.statements[0].kind,
            case .string(let segments) = e.kind
        else { return nil }
        var text = ""
        for segment in segments {
            guard case .text(let piece) = segment else { return nil }
            text += piece
        }
        return text
    }

    /// The comment block directly above the line where `range` starts: consecutive lines that
    /// start with `#`, markers and one following space removed; nil when there is none.
    static func comment(above range: SourceRange) -> String? {
        let line = range.file.location(of: range.start).line
        var lines: [String] = []
        var n = line - 1
        while n >= 1 {
            let text = range.file.lineText(n).drop(while: { $0 == " " || $0 == "\t" })
            guard text.hasPrefix("#") else { break }
            let body = text.drop(while: { $0 == "#" })
            lines.append(String(body.hasPrefix(" ") ? body.dropFirst() : body))
            n -= 1
        }
        return lines.isEmpty ? nil : lines.reversed().joined(separator: "\n")
    }
}

extension Function {
    /// What `help(f)` prints for a function written in fewshot: the signature, then its
    /// documentation (or a line saying it has none); nil for a built-in.
    public var documentation: String? {
        guard let code else { return nil }
        let doc = code.docString ?? FunctionDocumentation.comment(above: code.range)
        guard let doc, !doc.isEmpty else { return "\(code.signature)\n(no documentation: write ## lines above its fn)" }
        return "\(code.signature)\n\(doc)"
    }
}
