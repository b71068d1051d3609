import Foundation
import Notebook

/// The guided tour's lesson as it is written: `tour.fsnb`, a notebook read from the REPL's
/// resources, so the lesson reads (and diffs) as cells rather than Swift string literals.
///
/// The notebook's cells, in order:
/// - `welcome` and `farewell` (text): shown when the tour starts and after the last step.
/// - Code cells that do not end in `-answer` (`reviews`, `test`, ...): data the tour runs for
///   the learner before the next step (its `setup`).
/// - One group per step, named by an id `ID`: the text cell `ID` (`# Title`, a blank line, the
///   lesson), the code cell `ID-answer` (the cell the step expects), and the text cells
///   `ID-hint`, `ID-checks` and `ID-explanation`. `ID-checks` holds one check per two lines:
///   `holds: EXPRESSION` or `shows: TEXT`, then the message, indented by two spaces.
struct TourFile {
    /// The steps, in order.
    var steps: [TourStep] = []
    /// Shown when the tour starts.
    var welcome = ""
    /// Shown after the last step.
    var farewell = ""
    /// Every code cell's source by id (the recording runs some of them).
    var code: [String: String] = [:]

    /// Why `tour.fsnb` cannot be read as a lesson.
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// Reads the lesson from `notebook`.
    init(_ notebook: Notebook) throws {
        var setup: [String] = []
        var byID: [String: Cell] = [:]
        for cell in notebook.cells { byID[cell.id] = cell }
        func text(_ id: String) throws -> String {
            guard let cell = byID[id], cell.kind == .text else { throw Problem(description: "no text cell '\(id)'") }
            return cell.source
        }
        let parts = ["-answer", "-hint", "-checks", "-explanation"]
        for cell in notebook.cells {
            if cell.kind == .code {
                code[cell.id] = cell.source
                if !cell.id.hasSuffix("-answer") { setup.append(cell.source) }
                continue
            }
            if ["welcome", "farewell"].contains(cell.id) || parts.contains(where: { cell.id.hasSuffix($0) }) { continue }
            guard cell.source.hasPrefix("# "), let heading = cell.source.range(of: "\n\n") else {
                throw Problem(description: "cell '\(cell.id)' should start with '# Title' and a blank line")
            }
            guard let answer = byID[cell.id + "-answer"], answer.kind == .code else {
                throw Problem(description: "step '\(cell.id)' has no code cell '\(cell.id)-answer'")
            }
            steps.append(
                TourStep(
                    title: String(cell.source[cell.source.index(cell.source.startIndex, offsetBy: 2)..<heading.lowerBound]),
                    setup: setup, lesson: String(cell.source[heading.upperBound...]), expected: answer.source,
                    hint: try text(cell.id + "-hint"), checks: try Self.checks(try text(cell.id + "-checks"), step: cell.id),
                    explanation: try text(cell.id + "-explanation")))
            setup = []
        }
        welcome = try text("welcome")
        farewell = try text("farewell")
    }

    /// The checks of a step: `holds: EXPRESSION` or `shows: TEXT`, each followed by its message
    /// indented by two spaces.
    static func checks(_ text: String, step: String) throws -> [TourCheck] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count % 2 == 0 else {
            throw Problem(description: "'\(step)-checks' should hold pairs of lines (a check, then its message)")
        }
        return try stride(from: 0, to: lines.count, by: 2).map { k in
            let (check, message) = (lines[k], lines[k + 1])
            guard message.hasPrefix("  ") else {
                throw Problem(description: "'\(step)-checks' line \(k + 2): a check's message is indented by two spaces")
            }
            if check.hasPrefix("holds: ") { return .holds(String(check.dropFirst(7)), message: String(message.dropFirst(2))) }
            if check.hasPrefix("shows: ") { return .shows(String(check.dropFirst(7)), message: String(message.dropFirst(2))) }
            throw Problem(description: "'\(step)-checks' line \(k + 1): a check starts with 'holds: ' or 'shows: '")
        }
    }

    /// The lesson in the REPL's resources.
    static func bundled() throws -> TourFile {
        guard let url = Bundle.module.url(forResource: "tour", withExtension: "fsnb") else {
            throw Problem(description: "tour.fsnb is missing from fewshot's resources")
        }
        return try TourFile(Notebook.load(from: url.path))
    }
}
