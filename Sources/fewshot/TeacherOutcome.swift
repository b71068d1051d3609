import ArgumentParser
import Foundation
import Language
import REPL
import Teacher
import Workbench

/// The exit statuses that say how a run ended for its teacher requests, and the line each
/// prints on standard error.
enum TeacherOutcome {
    /// Some teacher requests failed after their retries (EX_TEMPFAIL): the answers that came are
    /// kept, and running again asks only for what is missing.
    static let failedRequests: Int32 = 75
    /// Stopped by Ctrl-C (128 + SIGINT), after keeping every answer received.
    static let interrupted: Int32 = 130

    /// Exits 75, saying so, when any teacher request of the run failed for good.
    static func checkFailedRequests(_ state: WorkbenchState) throws {
        guard state.failedTeacherRequests > 0 else { return }
        NotebookCommand.fail(
            "\(state.failedTeacherRequests) teacher request\(state.failedTeacherRequests == 1 ? "" : "s") failed "
                + "after retries (exit 75); \(state.rerunAdvice)")
        throw ExitCode(failedRequests)
    }

    /// Says that Ctrl-C stopped the run and where the answers received are, then exits 130.
    static func stopped(_ state: WorkbenchState, kept: String) -> ExitCode {
        try? state.recording.sync()
        NotebookCommand.fail("stopped by Ctrl-C (exit 130); \(kept)")
        return ExitCode(interrupted)
    }
}

/// `--recording FILE` of `fewshot run SCRIPT.shot` and `fewshot -e`: where the teacher's
/// answers are kept across runs.
struct RecordingOption: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Keep the teacher's answers in FILE (.fsrec), each as it arrives; a later run with the same FILE replays "
                + "them and asks only for what is missing (docs/recording.md).", valueName: "file"))
    var recording: String?

    /// The state for code run by a command: recording into the file when one is named (in
    /// memory otherwise), with the advice the failure line and exit 75 give.
    func state(command: String) throws -> WorkbenchState {
        guard let recording else {
            let state = WorkbenchState()
            state.rerunAdvice =
                "the answers last only as long as this run; with --recording FILE they are kept, and running "
                + "again with it asks only for what is missing"
            return state
        }
        let store: RecordingStore
        do {
            store = try RecordingStore(path: NotebookCommand.absolute(recording))
        } catch {
            NotebookCommand.fail("cannot use the recording \(recording): \(error)")
            throw ExitCode(65)
        }
        let state = WorkbenchState(recording: store, mode: .record)
        state.rerunAdvice = "running \(command) again with --recording \(recording) asks only for what is missing"
        return state
    }

    /// Where the answers received are, for the Ctrl-C line.
    func keptDescription(_ state: WorkbenchState) -> String {
        guard let recording else {
            return "the teacher's answers were not kept (--recording FILE keeps them)"
        }
        return "the \(state.recording.count) teacher answers received are in \(recording)"
    }
}

extension Runner {
    /// Runs `body` (code of `session`) so that Ctrl-C stops it rather than the process: the
    /// code ends with its "interrupted" error, the answers received stay recorded, and the
    /// command exits 130 (a second Ctrl-C exits at once). Exits 65/70 on the code's errors and
    /// 75 when teacher requests failed; prints the value when asked and not nil.
    static func runStoppable(
        _ session: Session, state: WorkbenchState, printResult: Bool, kept: @autoclosure () -> String,
        _ body: () throws -> Value
    ) throws {
        let interrupts = InterruptHandler(secondInterruptExits: true) { session.cancel() }
        defer { withExtendedLifetime(interrupts) {} }
        do {
            let value = try body()
            if printResult && !value.isNil { session.output.emit(.text(value.repr + "\n")) }
        } catch let e as DiagnosticError {
            report(e)
            if interrupts.count > 0 { throw TeacherOutcome.stopped(state, kept: kept()) }
            throw ExitCode(e.exitCode)
        }
        try TeacherOutcome.checkFailedRequests(state)
    }
}
