import ArgumentParser
import Foundation
import REPL

/// `fewshot tour`: the guided lesson, offline, one cell at a time.
struct Tour: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A guided, offline lesson: few-shot prompting, generating data, fine-tuning, evaluating.",
        discussion: """
            Walks through the loop in about fifteen steps. Each step asks you to type a cell,
            runs it, checks the result and explains it. Type :hint for help (twice shows the
            cell), :skip to move on, :quit to leave. The teacher's answers come from a
            recording made for the lesson, so no model or network is needed.
            Example: fewshot tour
            """)

    mutating func run() throws {
        let interactive = isatty(0) == 1
        let reader: LineReader = interactive ? EditLineReader(history: HistoryFile(), completer: nil) : PlainLineReader()
        let tour = try GuidedTour(reader: reader, terminal: .standardOutput) { text in
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        _ = tour.run()
    }
}
