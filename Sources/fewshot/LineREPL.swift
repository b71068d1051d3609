import Foundation
import Language

/// The plain REPL: reads lines from standard input, asks for continuation lines while the
/// input is incomplete, evaluates each entry, prints non-nil results and errors, and goes on.
/// Prompts are shown only when standard input is a terminal, so piped input stays clean.
struct LineREPL {
    let session: Session

    func run() throws {
        let interactive = isatty(0) == 1
        if interactive {
            print("fewshot 0.1.0 — type help() for built-ins, Ctrl-D to quit")
            installInterruptHandler()
        }
        var count = 1
        var buffer = ""
        while true {
            if interactive {
                let prompt = buffer.isEmpty ? "fewshot [\(count)]> " : String(repeating: " ", count: "fewshot [\(count)]".count - 3) + "...> "
                FileHandle.standardOutput.write(Data(prompt.utf8))
            }
            guard let line = readLine(strippingNewline: true) else {
                if !buffer.isEmpty { evaluate(buffer, count) }  // report what was left unfinished
                if interactive { print("") }
                return
            }
            buffer += buffer.isEmpty ? line : "\n" + line
            if buffer.trimmingCharacters(in: .whitespaces).isEmpty { buffer = ""; continue }
            if Session.isIncomplete(buffer) { continue }
            evaluate(buffer, count)
            buffer = ""
            count += 1
        }
    }

    private func evaluate(_ source: String, _ n: Int) {
        do {
            let v = try session.evaluate(source, name: "[\(n)]")
            if !v.isNil { session.output.emit(.text(v.repr + "\n")) }
        } catch let e as DiagnosticError {
            Runner.report(e)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        }
    }

    /// Ctrl-C stops the running evaluation instead of the process.
    private func installInterruptHandler() {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        let s = session
        source.setEventHandler { s.cancel() }
        source.resume()
        LineREPL.interruptSource = source
    }

    nonisolated(unsafe) static var interruptSource: DispatchSourceSignal?
}
