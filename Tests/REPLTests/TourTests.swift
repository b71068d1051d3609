import Foundation
import Notebook
import Testing
import Workbench

@testable import REPL

/// Feeds the tour a script of lines, as a learner typing them would.
final class ScriptedReader: LineReader {
    private var lines: [String]
    let isInteractive = false

    init(_ lines: [String]) { self.lines = lines }

    func readLine(prompt: String) -> LineInput { lines.isEmpty ? .end : .line(lines.removeFirst()) }
    func remember(_ line: String) {}
}

/// Runs the tour over a script; returns the outcomes and everything it wrote.
func runTour(_ lines: [String]) throws -> (outcomes: [TourOutcome], text: String, tour: GuidedTour) {
    var text = ""
    let tour = try GuidedTour(reader: ScriptedReader(lines)) { text += $0 }
    let outcomes = tour.run()
    return (outcomes, text, tour)
}

@Suite struct TourTests {
    @Test func theExpectedCellsPassEveryStepOffline() throws {
        let (outcomes, text, _) = try runTour(TourLesson.steps.map(\.expected))
        #expect(outcomes == Array(repeating: .passed(attempts: 1), count: TourLesson.steps.count), "\(text)")
        #expect(!text.contains("request failed"), "every teacher request replays from the tour's recording")
        #expect(!text.contains("(unknown)"), "every explanation's values were filled in")
        #expect(text.contains("The teacher labelled 16 reviews. 2 replies"))
        #expect(text.contains("14 of 16 rows are left"))
        #expect(text.hasSuffix(TourLesson.farewell + "\n"))
    }

    @Test func aWrongCellIsExplainedAndAHintHelps() throws {
        let (outcomes, text, _) = try runTour([
            "head(reviews, 1)", ":hint", "head(reviwes, 3)", ":hint", "head(reviews, 3)",
            #"let p = prompt("Text: \{text}", output: ["positive", "negative"])"#, ":quit",
        ])
        #expect(outcomes == [.passed(attempts: 3)])
        #expect(text.contains("Not quite: show three rows: the third one is missing."))
        #expect(text.contains("Hint: head takes the dataset"))
        #expect(text.contains("unknown name"), "the error itself is shown")
        #expect(text.contains("That cell stopped with an error"))
        #expect(text.contains("The cell is:\n  head(reviews, 3)"), "a second hint shows the cell")
        #expect(text.contains(#"Not quite: the template should read"#), "a prompt of the wrong wording is caught by its value")
        #expect(text.contains("Tour stopped."))
    }

    @Test func skippingRunsTheExpectedCell() throws {
        let (outcomes, text, tour) = try runTour([":skip", ":skip", ":skip", "print(s.k)", ":quit"])
        #expect(outcomes == [.skipped, .skipped, .skipped])
        #expect(text.contains("Skipped. The tour runs the expected cell for you:\n  let p = prompt("))
        #expect(text.contains("2\nThat cell") || text.contains("2\nNot quite"), "names the skipped cells defined are usable")
        guard case .host(let prompt)? = tour.workspace.session.global("p") else {
            Issue.record("skipping the prompt step defines p")
            return
        }
        #expect(prompt.typeName == "prompt")
    }

    @Test func aRequestTheRecordingLacksIsExplained() throws {
        let (outcomes, text, _) = try runTour(
            Array(repeating: ":skip", count: 6) + [
                "let labelled = generate(p, s, label: unlabelled)", ":quit",
            ])
        #expect(outcomes == Array(repeating: .skipped, count: 6))
        // At temperature 0.8 no request matches the recording: the cell fails and says so.
        #expect(text.contains("18 of 18 teacher requests have no recording"))
    }

    @Test func endOfInputStopsTheTour() throws {
        let (outcomes, text, _) = try runTour([])
        #expect(outcomes.isEmpty)
        #expect(text.contains("Step 1 of \(TourLesson.steps.count)"))
        #expect(text.contains("Tour stopped."))
    }
}

@Suite struct TourFileTests {
    /// tour.fsnb is the lesson: every step has its parts, and the cells the recording runs are there.
    @Test func theLessonFileHasEveryPartOfEveryStep() throws {
        let file = try TourFile.bundled()
        #expect(file.steps.count >= 10 && !file.welcome.isEmpty && !file.farewell.isEmpty)
        for step in file.steps {
            #expect(
                !step.title.isEmpty && !step.lesson.isEmpty && !step.expected.isEmpty && !step.checks.isEmpty, "\(step.title)")
        }
        for id in ["reviews", "unlabelled", "test", "a-prompt-answer", "shots-answer"] { #expect(file.code[id] != nil, "\(id)") }
        #expect(file.steps[0].setup == [TourLesson.reviewsCell, TourLesson.unlabelledCell, TourLesson.testCell])
    }

    @Test func aDamagedLessonSaysWhatIsWrong() throws {
        #expect(throws: TourFile.Problem.self) { try TourFile.checks("holds: x > 1\nno indent", step: "s") }
        #expect(throws: TourFile.Problem.self) { try TourFile.checks("maybe: x\n  m", step: "s") }
        let checks = try TourFile.checks("holds: x > 1\n  x is small\nshows: Bot:\n  chat", step: "s")
        #expect("\(checks)" == "\([TourCheck.holds("x > 1", message: "x is small"), .shows("Bot:", message: "chat")])")
        let noAnswer = Notebook(cells: [
            Cell(id: "welcome", kind: .text, source: "hi"), Cell(id: "s", kind: .text, source: "# S\n\nlesson"),
        ])
        #expect(throws: TourFile.Problem.self) { try TourFile(noAnswer) }
    }
}
