import ArgumentParser

/// The `fewshot` command: the REPL, plus subcommands to run and check notebooks and scripts.
@main
struct Fewshot: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fewshot",
        abstract: "A notebook-style REPL for few-shot learning and knowledge distillation.",
        version: "0.1.0")
}
