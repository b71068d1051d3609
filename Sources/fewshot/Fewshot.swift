import ArgumentParser
import Foundation
import Language

/// The `fewshot` command: the REPL, `-e CODE`, and subcommands (`run`).
///
/// New subcommands go in `subcommands`; extra built-ins are installed in `SessionFactory`.
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
              fewshot -e 'print(1 + 2)'        evaluate code and print the result
              echo 'len("hello")' | fewshot    evaluate piped input

            Exit codes: 0 success, 64 usage error, 65 compile error, 70 runtime error.
            """,
        version: "0.1.0",
        subcommands: [Run.self])

    @Option(name: .customShort("e"), help: ArgumentHelp("Evaluate CODE, print its value (unless nil) and exit.", valueName: "code"))
    var code: String?

    mutating func run() throws {
        let session = try SessionFactory.make()
        if let code {
            try Runner.evaluate(session, code, name: "-e", printResult: true)
        } else {
            try LineREPL(session: session).run()
        }
    }
}

/// `fewshot run FILE.shot`.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a fewshot script.",
        discussion: "Example: fewshot run examples/fib.shot")

    @Argument(help: "The script to run (.shot).")
    var file: String

    mutating func run() throws {
        let session = try SessionFactory.make()
        do {
            try session.runFile(file)
        } catch let e as DiagnosticError {
            Runner.report(e)
            throw ExitCode(e.exitCode)
        }
    }
}
