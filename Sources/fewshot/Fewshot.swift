import ArgumentParser
import Foundation
import Language
import REPL
import Workbench

/// The `fewshot` command: the REPL, `-e CODE`, and the subcommands `run`, `check`, `export`,
/// `import`, `new`, `tour` and `kernel`.
///
/// New subcommands go in `subcommands`; built-ins come from `Workbench.install`, which both the
/// `Workspace` (REPL, notebooks) and `SessionFactory` (scripts, `-e`) call.
@main
struct Fewshot: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fewshot",
        abstract: "A notebook-style REPL for few-shot learning and knowledge distillation.",
        discussion: """
            With no arguments, starts an interactive session reading lines from standard input.

            Examples:
              fewshot                          start the REPL
              fewshot run examples/fib.shot    run a script
              fewshot run notebooks/02-catchphrase-bot.fsnb
                                               replay a notebook offline
              fewshot check NB.fsnb            replay and compare with the saved outputs
              fewshot export NB.fsnb --to md   export a notebook (ipynb or md)
              fewshot import NB.ipynb          a Jupyter notebook back to .fsnb
              fewshot kernel install --user    use fewshot from JupyterLab or VS Code
              fewshot new work.fsnb            start the REPL on a new notebook
              fewshot tour                     a guided lesson through the whole loop
              fewshot -e 'print(1 + 2)'        evaluate code and print the result
              echo 'len("hello")' | fewshot    evaluate piped input

            Exit codes: 0 success, 64 usage error, 65 compile error, 70 runtime error,
            75 some teacher requests failed after retries (the answers that came are kept;
            rerun to fetch what is missing), 130 stopped by Ctrl-C (answers received kept).
            Piped input exits with the code of the first cell that failed (the later cells
            still run), else 75 when teacher requests failed.
            """,
        version: Workbench.versionDescription,
        subcommands: [Run.self, Check.self, Export.self, Import.self, New.self, Tour.self, Kernel.self])

    @Option(
        name: .customShort("e"), help: ArgumentHelp("Evaluate CODE, print its value (unless nil) and exit.", valueName: "code"))
    var code: String?

    @OptionGroup var recording: RecordingOption

    mutating func run() throws {
        if let code {
            let state = try recording.state(command: "the command")
            let session = try SessionFactory.make(state: state)
            try Runner.runStoppable(session, state: state, printResult: true, kept: recording.keptDescription(state)) {
                try session.evaluate(code, name: "-e")
            }
        } else {
            guard recording.recording == nil else {
                throw ValidationError(
                    "--recording goes with -e CODE or run SCRIPT.shot; the REPL keeps its answers in its notebook")
            }
            let status = try ReplSession.start(notebookPath: nil)
            if status != 0 { throw ExitCode(status) }
        }
    }
}

/// `fewshot new NB.fsnb`: a REPL whose cells are saved to a new notebook after every cell.
struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start the REPL on a new notebook, saved after every cell.",
        discussion: "Example: fewshot new sentiment.fsnb")

    @Argument(help: "The notebook to create (.fsnb).")
    var notebook: String

    mutating func run() throws {
        guard !FileManager.default.fileExists(atPath: notebook) else {
            throw ValidationError("\(notebook) already exists: open it with :load in the REPL, or choose another name")
        }
        let status = try ReplSession.start(notebookPath: notebook)
        if status != 0 { throw ExitCode(status) }
    }
}
