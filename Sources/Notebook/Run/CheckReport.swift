/// The result of `NotebookRunner.check`: for each code cell, whether its fresh outputs match
/// the recorded ones, and a readable diff where they do not.
///
///     let report = try runner.check(notebook)
///     if !report.passed { print(report.rendered(path: "nb.fsnb")) }
///     exit(report.exitCode)    // 0 when every cell matched, 1 otherwise
public struct CheckReport {
    /// One code cell's comparison.
    public struct CellResult: Hashable, Sendable {
        /// The cell's index in `Notebook.cells`.
        public var index: Int
        /// The cell's id.
        public var cellID: String
        /// The cell's number in the replay (`cell-N` in diagnostics).
        public var executionCount: Int
        /// The unified diff from recorded (`-`) to fresh (`+`) outputs, after normalisation;
        /// nil when they match.
        public var diff: String?

        /// Whether the fresh outputs matched the recorded ones.
        public var matched: Bool { diff == nil }
    }

    /// Every code cell, in order.
    public var cells: [CellResult]
    /// The notebook with the fresh outputs (what `fewshot run --save` would write).
    public var refreshed: Notebook

    /// The cells whose outputs differ.
    public var mismatches: [CellResult] { cells.filter { !$0.matched } }

    /// Whether every code cell matched.
    public var passed: Bool { cells.allSatisfy(\.matched) }

    /// The process exit status for `fewshot check`: 0 when every cell matched, 1 otherwise.
    public var exitCode: Int32 { passed ? 0 : 1 }

    /// A readable report: one block per mismatched cell with its diff, then a summary line.
    ///
    ///     cell 3 (id 9f2c01ab7d3e): outputs differ
    ///     --- recorded
    ///     +++ replayed
    ///     @@ -1,2 +1,2 @@
    ///      [stream stdout]
    ///     -accuracy 0.81
    ///     +accuracy 0.79
    ///
    ///     nb.fsnb: 1 of 12 code cells differ
    public func rendered(path: String = "notebook") -> String {
        var out = ""
        for cell in mismatches {
            out += "cell \(cell.executionCount) (id \(cell.cellID)): outputs differ\n--- recorded\n+++ replayed\n"
            out += cell.diff ?? ""
            out += "\n"
        }
        let count = mismatches.count
        out +=
            count == 0
            ? "\(path): all \(cells.count) code cells match\n"
            : "\(path): \(count) of \(cells.count) code cells differ\n"
        return out
    }
}

/// Outputs as lines of text for diffing: a `[kind]` line before each output's text.
/// Unrecognised outputs (from a newer fewshot) are left out: they are never compared.
enum OutputLines {
    static func render(_ outputs: [CellOutput]) -> [String] {
        var lines: [String] = []
        for output in outputs {
            switch output {
            case .stream(let stream, let text):
                lines.append("[stream \(stream.rawValue)]")
                lines += textLines(text)
            case .table(let text), .svg(let text):
                lines.append("[\(output.kindName)]")
                lines += textLines(text)
            case .png(let bytes):
                lines.append("[png \(bytes.count) bytes, fnv1a64 \(String(TeacherRecording.fnv1a64(bytes), radix: 16))]")
            case .error(let message, let diagnostic):
                lines.append("[error] \(visible(message))")
                lines += textLines(diagnostic)
            case .unrecognized:
                continue
            }
        }
        return lines
    }

    /// The lines of `text`, controls made visible, with git's marker for a missing final
    /// newline so that it shows in a diff.
    private static func textLines(_ text: String) -> [String] {
        guard !text.isEmpty else { return [] }
        var pieces = text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map {
            visible(String(decoding: $0, as: UTF8.self))
        }
        if pieces.last == "" { pieces.removeLast() } else { pieces.append("\\ No newline at end of output") }
        return pieces
    }

    /// `text` with control characters other than tab shown as `\r`, `\x1B`, ...
    private static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0D: out += "\\r"
            case 0x0A: out += "\\n"
            case 0x09: out.unicodeScalars.append(scalar)
            case 0..<0x20, 0x7F:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\x" + (hex.count < 2 ? "0" : "") + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
