#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns diagnostics into text:
/// ```
/// cell-3:2:13: error: expected ',' or ')' after argument
///  2 | print(add(1 2))
///    |             ^
/// cell-3:2:10: note: to match this '('
/// ```
public struct DiagnosticRenderer: Sendable {
    /// Whether to use ANSI colours.
    public let color: Bool

    public init(color: Bool) { self.color = color }

    /// Colour when `fd` is a terminal and `NO_COLOR` is not set.
    public static func forTerminal(fd: Int32 = 2) -> DiagnosticRenderer {
        let noColor = getenv("NO_COLOR").map { $0.pointee != 0 } ?? false
        return DiagnosticRenderer(color: isatty(fd) == 1 && !noColor)
    }

    /// Renders several diagnostics, each ending with a newline.
    public func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map(render).joined()
    }

    /// Renders one diagnostic: header, source excerpt with caret, notes, call stack.
    public func render(_ d: Diagnostic) -> String {
        var out = header(d.range, "error", d.message, red)
        out += excerpt(d.range)
        for note in d.notes {
            if let r = note.range {
                out += header(r, "note", note.message, cyan)
                out += excerpt(r)
            } else {
                out += paint("note: ", cyan) + note.message + "\n"
            }
        }
        // A runaway recursion has thousands of frames: show both ends.
        let stack = d.callStack
        for (i, frame) in stack.enumerated() {
            if stack.count > 16 && i == 10 { out += "  ... \(stack.count - 15) more calls ...\n" }
            if stack.count > 16 && i >= 10 && i < stack.count - 5 { continue }
            out += "  in \(frame.function) at \(frame.callSite)\n"
        }
        return out
    }

    private func header(_ r: SourceRange, _ label: String, _ message: String, _ code: String) -> String {
        paint("\(r):", bold) + " " + paint("\(label):", code) + " " + paint(message, bold) + "\n"
    }

    private func excerpt(_ r: SourceRange) -> String {
        let loc = r.location
        let line = r.file.lineText(loc.line)
        if line.unicodeScalars.count > 500 { return "" }  // a minified blob: skip the excerpt
        let gutter = " \(loc.line) | "
        let blank = String(repeating: " ", count: gutter.count - 2) + "| "
        // Keep tabs so the caret lines up under the same characters.
        var pad = ""
        for (i, s) in line.unicodeScalars.enumerated() where i < loc.column - 1 {
            pad += s == "\t" ? "\t" : " "
        }
        let endLoc = r.file.location(of: r.end)
        let width = endLoc.line == loc.line ? max(1, endLoc.column - loc.column) : 1
        let marks = "^" + String(repeating: "~", count: width - 1)
        return gutter + line + "\n" + blank + pad + paint(marks, green) + "\n"
    }

    private let red = "\u{1B}[31m", cyan = "\u{1B}[36m", green = "\u{1B}[32m", bold = "\u{1B}[1m"

    private func paint(_ s: String, _ code: String) -> String {
        color ? code + s + "\u{1B}[0m" : s
    }
}
