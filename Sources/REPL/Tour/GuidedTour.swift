import Foundation
import Language
import Notebook
import Teacher
import Workbench

/// How one step of the tour ended.
public enum TourOutcome: Equatable, Sendable {
    /// The learner's cell passed the step's checks, after this many tries (cells run).
    case passed(attempts: Int)
    /// The learner typed `:skip`; the tour ran the expected cell instead.
    case skipped
}

/// `fewshot tour`: an interactive lesson that walks through the loop one cell at a time.
///
/// Each step explains an idea, asks for a cell, runs what the learner types in a real workspace
/// and checks the result (names it defined, what it printed), then explains the output. The
/// teacher answers from a recording made for the lesson (`TourRecording`), so the tour is
/// offline and quick.
///
/// ```swift
/// let tour = try GuidedTour(reader: PlainLineReader()) { print($0, terminator: "") }
/// let outcomes = tour.run()   // one `TourOutcome` per step reached
/// ```
public final class GuidedTour {
    /// The workspace the learner's cells run in.
    public let workspace: Workspace
    private let reader: LineReader
    private let steps: [TourStep]
    private let write: (String) -> Void
    private let live: Bool
    private var cellCount = 0

    /// A tour over `steps` reading cells from `reader` and writing its text with `write`.
    /// With a `terminal`, cell outputs are shown there live (progress bars included);
    /// without one they are captured and written with `write` once the cell ends.
    public init(
        reader: LineReader, steps: [TourStep] = TourLesson.steps, terminal: FileHandle? = nil,
        write: @escaping (String) -> Void
    ) throws {
        self.workspace = try Workspace(terminal: terminal, recording: try TourRecording.make(), mode: .replay)
        self.reader = reader
        self.steps = steps
        self.write = write
        self.live = terminal != nil
    }

    /// Runs the lesson until its end, `:quit` or the end of input; returns how each step
    /// reached ended (fewer than the steps when the learner left early).
    public func run() -> [TourOutcome] {
        say(TourLesson.welcome + "\n")
        var outcomes: [TourOutcome] = []
        for (index, step) in steps.enumerated() {
            say("\n── Step \(index + 1) of \(steps.count): \(step.title) ──\n")
            for cell in step.setup {
                say(
                    cell.split(separator: "\n", omittingEmptySubsequences: false).map { "  tour> " + $0 }.joined(separator: "\n")
                        + "\n")
                if let failure = errorText(execute(cell)) {
                    say("the tour's own cell failed, which is a bug in the tour: \(failure)\n")
                    return outcomes
                }
            }
            say(step.lesson + "\n")
            guard let outcome = teach(step, number: index + 1) else {
                say("\nTour stopped. Run `fewshot tour` to start again.\n")
                return outcomes
            }
            outcomes.append(outcome)
        }
        say("\n" + TourLesson.farewell + "\n")
        return outcomes
    }

    // MARK: One step

    /// Reads cells until one passes or the learner skips; nil when the learner leaves.
    private func teach(_ step: TourStep, number: Int) -> TourOutcome? {
        var attempts = 0
        var hints = 0
        while let source = readCell(number: number) {
            switch source.trimmingCharacters(in: .whitespaces) {
            case ":quit", ":q", ":exit":
                return nil
            case ":hint":
                hints += 1
                say(hints == 1 ? "Hint: \(step.hint)\n" : "The cell is:\n  \(step.expected)\n")
                continue
            case ":skip":
                say("Skipped. The tour runs the expected cell for you:\n  \(step.expected)\n")
                let outputs = execute(step.expected)
                echo(outputs)
                say(explain(step.explanation) + "\n")
                return .skipped
            case ":help":
                say(":hint   a hint (twice: the whole cell)\n:skip   run the expected cell and go on\n:quit   leave the tour\n")
                continue
            case let command where command.hasPrefix(":"):
                say("unknown command '\(command)': :hint, :skip or :quit\n")
                continue
            default:
                break
            }
            attempts += 1
            let outputs = execute(source)
            echo(outputs)
            if errorText(outputs) != nil {
                say("That cell stopped with an error (above). Try again; :hint helps, :skip moves on.\n")
                continue
            }
            if let problem = firstFailure(step.checks, outputs: outputs) {
                say("Not quite: \(problem) Try again (:hint, :skip).\n")
                continue
            }
            say("✓ " + explain(step.explanation) + "\n")
            return .passed(attempts: attempts)
        }
        return nil
    }

    /// One cell, with continuation lines while the input is unfinished (an open bracket).
    private func readCell(number: Int) -> String? {
        reader.readCell { continuing in continuing ? "        ...> " : "tour [\(number)]> " }
    }

    // MARK: Running and checking

    private func execute(_ source: String) -> [CellOutput] {
        cellCount += 1
        return workspace.run(source, executionCount: cellCount)
    }

    /// Writes a cell's outputs, unless they were already shown live.
    private func echo(_ outputs: [CellOutput]) {
        guard !live else { return }
        for output in outputs {
            switch output {
            case .stream(_, let text), .table(let text): say(text.hasSuffix("\n") ? text : text + "\n")
            case .error(_, let diagnostic): say(diagnostic)
            case .svg: say("[plot]\n")
            case .png: say("[picture]\n")
            case .unrecognized: break
            }
        }
    }

    private func errorText(_ outputs: [CellOutput]) -> String? {
        for case .error(let message, _) in outputs { return message }
        return nil
    }

    /// The message of the first check that does not hold, or nil when all do.
    private func firstFailure(_ checks: [TourCheck], outputs: [CellOutput]) -> String? {
        let shown = outputs.map { output -> String in
            switch output {
            case .stream(_, let text), .table(let text): return text
            default: return ""
            }
        }.joined()
        for check in checks {
            switch check {
            case .holds(let expression, let message):
                guard case .bool(true)? = try? quietly({ try workspace.session.evaluate(expression, name: "tour-check") }) else {
                    return message
                }
            case .shows(let text, let message):
                if !shown.contains(text) { return message }
            }
        }
        return nil
    }

    /// The explanation with each `{expression}` replaced by its value in the learner's session.
    private func explain(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            result += rest[..<open]
            let expression = String(rest[rest.index(after: open)..<close])
            let value = try? quietly { try workspace.session.evaluate(expression, name: "tour-explain") }
            result += value.map(Self.format) ?? "(unknown)"
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    /// Runs `body` with the session's output going nowhere, so checks print nothing.
    private func quietly<T>(_ body: () throws -> T) rethrows -> T {
        let previous = workspace.session.output
        workspace.session.output = CellCapture(terminal: nil)
        defer { workspace.session.output = previous }
        return try body()
    }

    /// A value as the explanation shows it: numbers rounded, strings bare, objects summarised.
    static func format(_ value: Value) -> String {
        switch value {
        case .float(let x): return String(format: "%.3f", x)
        case .string(let s): return s
        case .host(let object): return object.summary
        default: return value.repr
        }
    }

    private func say(_ text: String) { write(text) }
}
