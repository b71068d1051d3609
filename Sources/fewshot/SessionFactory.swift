import ArgumentParser
import Foundation
import Language
import Workbench

/// Builds the interpreter session that scripts and `-e` use (notebooks and the REPL run in a
/// Workbench `Workspace`, which installs the same built-ins).
enum SessionFactory {
    /// A session with the Workbench built-ins sharing `state`; what it prints has control
    /// sequences neutralised.
    static func make(state: WorkbenchState = WorkbenchState()) throws -> Session {
        let session: Session
        do {
            session = try Session()
        } catch let e as DiagnosticError {
            Runner.report(e)
            throw ExitCode(e.exitCode)
        }
        try Workbench.install(into: session, state: state)
        session.output = SafeStandardOutputSink()
        return session
    }
}

/// Evaluating and reporting, shared by the commands.
enum Runner {
    /// Evaluates code; prints the value when asked and not nil; exits 65/70 on errors.
    static func evaluate(_ session: Session, _ code: String, name: String, printResult: Bool) throws {
        do {
            let v = try session.evaluate(code, name: name)
            if printResult && !v.isNil { session.output.emit(.text(v.repr + "\n")) }
        } catch let e as DiagnosticError {
            report(e)
            throw ExitCode(e.exitCode)
        }
    }

    /// Writes diagnostics to standard error (coloured on a terminal unless NO_COLOR is set).
    static func report(_ e: DiagnosticError) {
        let rendered = DiagnosticRenderer.forTerminal(fd: 2).render(e.diagnostics)
        FileHandle.standardError.write(Data(TerminalSafety.neutralizeKeepingStyles(rendered).utf8))
    }
}
