// Times the REPL's start-up: from spawning `fewshot` on a pseudo-terminal until its first
// prompt shows, with a history file of HISTORY lines loaded. Prints one figure per run, in
// milliseconds. Built and driven by bench/repl/run.sh, with the tests' PseudoTerminal.
//
//   repl-startup-bench BINARY [RUNS] [HISTORY]
import Foundation

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: repl-startup-bench BINARY [RUNS] [HISTORY]\n".utf8))
    exit(64)
}
let binary = URL(fileURLWithPath: arguments[1]).standardizedFileURL.path  // the run starts in another folder
let runs = arguments.count > 2 ? Int(arguments[2]) ?? 1 : 1
let historyLines = arguments.count > 3 ? Int(arguments[3]) ?? 1000 : 1000

// A home whose history holds cells like the ones people type.
let home = FileManager.default.temporaryDirectory.appendingPathComponent("fewshot-startup-\(UUID().uuidString)")
let state = home.appendingPathComponent("state")
try FileManager.default.createDirectory(at: state.appendingPathComponent("fewshot"), withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: home) }
let history = (0..<historyLines).map { i in
    "let raw\(i) = generate(prompt(\"Write a review of \\{item}.\", output: \"text\"), label: items, temperature: 0.\(i % 10))"
}
try (history.joined(separator: "\n") + "\n").write(
    to: state.appendingPathComponent("fewshot/history"), atomically: true, encoding: .utf8)

/// One start: milliseconds from spawning to the first prompt; the REPL then quits with Ctrl-D.
func timeOneStart() throws -> Double {
    let started = DispatchTime.now()
    let terminal = try PseudoTerminal(
        binary, environment: ["HOME": home.path, "XDG_STATE_HOME": state.path, "NO_COLOR": "1"], directory: home)
    try terminal.waitFor("fewshot [1]> ", timeout: 30)
    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e6
    try terminal.waitUntilReadingKeys()  // so that Ctrl-D reaches the line editor
    terminal.type(PseudoTerminal.ctrlD)
    let status = try terminal.waitForExit()
    guard status == 0 else { throw PseudoTerminal.Timeout(description: "fewshot exited with status \(status)") }
    return elapsed
}

do {
    for _ in 0..<runs { print(String(format: "%.1f", try timeOneStart())) }
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
