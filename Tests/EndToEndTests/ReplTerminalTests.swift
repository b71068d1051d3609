import Foundation
import TestSupport
import Testing

/// The REPL as a person uses it: the real binary on a pseudo-terminal, so libedit, the
/// prompt, completion, history and Ctrl-C/Ctrl-D behave as they do in a terminal window.
/// One test at a time, because each drives a process and the waits are generous.
@Suite(.serialized) struct ReplTerminalTests {
    typealias Keys = PseudoTerminal

    /// A folder standing in for the user's home: history and autosaved sessions go under
    /// its `state` folder (XDG_STATE_HOME).
    final class Home {
        let folder: URL
        init() throws { folder = try FewshotProcess.temporaryFolder() }
        deinit { try? FileManager.default.removeItem(at: folder) }
        var state: URL { folder.appendingPathComponent("state/fewshot") }
        var historyFile: URL { state.appendingPathComponent("history") }
        var sessions: [URL] {
            let folder = state.appendingPathComponent("sessions")
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            return names.sorted().map { folder.appendingPathComponent($0) }
        }
    }

    /// Starts `fewshot` with `arguments` in `home` and waits for its first prompt. Colour is
    /// off unless `environment` sets `NO_COLOR` to "" (an empty value does not count).
    func start(_ home: Home, _ arguments: [String] = [], environment: [String: String] = [:]) throws -> PseudoTerminal {
        let binary = try #require(FewshotProcess.binary(), "swift build makes .build/debug/fewshot")
        let terminal = try PseudoTerminal(
            binary, arguments: arguments,
            environment: [
                "HOME": home.folder.path, "XDG_STATE_HOME": home.folder.appendingPathComponent("state").path, "NO_COLOR": "1",
            ]
            .merging(environment) { $1 },
            directory: home.folder)
        try terminal.waitForPrompt("fewshot [1]> ")
        return terminal
    }

    @Test func promptContinuationAndEvaluation() throws {
        let home = try Home()
        let terminal = try start(home)
        terminal.type("let total = 40 + 2" + Keys.enter)
        try terminal.waitForPrompt("fewshot [2]> ")
        // An open bracket asks for more; the cell runs once it is complete.
        terminal.type("print(total," + Keys.enter)
        try terminal.waitForPrompt("...> ")
        terminal.type("\"done\")" + Keys.enter)
        try terminal.waitFor("42 done")
        try terminal.waitForPrompt("fewshot [3]> ")
    }

    @Test func tabCompletesBuiltinsFieldsArgumentsCommandsAndPaths() throws {
        let home = try Home()
        try "file-was-read".write(
            to: home.folder.appendingPathComponent("completion-target.txt"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(
            at: home.folder.appendingPathComponent("subfolder"), withIntermediateDirectories: true)
        try "in-a-folder".write(to: home.folder.appendingPathComponent("subfolder/nested.txt"), atomically: true, encoding: .utf8)
        let terminal = try start(home)
        // Each completed line is run, so the output proves what the completion typed.
        let cases = [
            ("uppe" + Keys.tab + "(\"abc\")", "\"ABC\""),  // upper
            ("let rec = {alpha: 41, beta: 2}", "let rec = {alpha: 41, beta: 2}"),
            ("rec.alp" + Keys.tab + " + 1", "42"),  // rec.alpha
            ("str(pad(\"ab\", 5, rig" + Keys.tab + "true)) + \"|\"", "\"ab   |\""),  // right:
            (":cel" + Keys.tab, "[2] let rec = {alpha: 41, beta: 2}"),  // :cells
            ("read_text(\"completion-t" + Keys.tab + ")", "\"file-was-read\""),  // closes the string
            ("read_text(\"subf" + Keys.tab + "nes" + Keys.tab + ")", "\"in-a-folder\""),  // a folder, then a file in it
            ("read_text(\"\(home.folder.path)/subfolder/ne" + Keys.tab + ")", "\"in-a-folder\""),  // an absolute path
        ]
        for (keys, shown) in cases {
            terminal.type(keys + Keys.enter)
            try terminal.waitFor(shown)
            try terminal.waitForPrompt("> ")
        }
    }

    @Test func historyIsRecalledInTheNextSessionWithoutSecrets() throws {
        let home = try Home()
        let first = try start(home)
        first.type("\"recalled\" + \"-line\"" + Keys.enter)
        try first.waitFor("\"recalled-line\"")
        first.type("let api_key = \"sk-abcdefghijklmnopqrstuvwx\"" + Keys.enter)
        try first.waitForPrompt("fewshot [3]> ")
        first.type(Keys.ctrlD)
        #expect(try first.waitForExit() == 0)

        let history = try String(contentsOf: home.historyFile, encoding: .utf8)
        #expect(history.contains("\"recalled\" + \"-line\""))
        #expect(!history.contains("sk-abcdefghijklmnop"), "a key never reaches the history file")

        // Up recalls the last line kept: the secret one was not kept.
        let second = try start(home)
        second.type(Keys.up + Keys.enter)
        try second.waitFor("\"recalled-line\"")
        try second.waitForPrompt("fewshot [2]> ")
        second.type(":history" + Keys.enter)
        try second.waitFor("1  \"recalled\" + \"-line\"")
        try second.waitForPrompt("fewshot [2]> ")
        #expect(!second.screenText.contains("sk-abcdefghijklmnop"))
    }

    @Test func ctrlCStopsALongCellAndKeepsTheSession() throws {
        let home = try Home()
        let terminal = try start(home)
        terminal.type("let kept = 7" + Keys.enter)
        try terminal.waitForPrompt("fewshot [2]> ")
        terminal.type("while true {}" + Keys.enter)
        try terminal.waitFor("while true {}")
        // The cell may not have started when the first Ctrl-C arrives: press it until the
        // loop reports the interruption.
        var interrupted = false
        for _ in 0..<20 where !interrupted {
            terminal.type(Keys.ctrlC)
            interrupted = (try? terminal.waitFor("error: interrupted", timeout: 1)) != nil
        }
        #expect(interrupted)
        try terminal.waitForPrompt("fewshot [3]> ")
        terminal.type("kept * 6" + Keys.enter)
        try terminal.waitFor("42")
    }

    @Test func ctrlCAtThePromptClearsTheLine() throws {
        let home = try Home()
        let terminal = try start(home)
        terminal.type("half typed" + Keys.ctrlC)
        try terminal.waitFor("^C")
        try terminal.waitForPrompt("fewshot [1]> ")
        // A half-typed cell over several lines goes too.
        terminal.type("print(1," + Keys.enter)
        try terminal.waitForPrompt("...> ")
        terminal.type("2" + Keys.ctrlC)
        try terminal.waitForPrompt("fewshot [1]> ")
        terminal.type(Keys.ctrlC)
        try terminal.waitForPrompt("fewshot [1]> ")
        terminal.type("\"fresh\" + \"-line\"" + Keys.enter)
        let shown = try terminal.waitForPrompt("fewshot [2]> ")
        #expect(shown.contains("\"fresh-line\""))
        #expect(!shown.contains("error"), "nothing typed before Ctrl-C reached the cell: \(shown)")
    }

    @Test func ctrlDExitsCleanlyWithTheSessionSaved() throws {
        let home = try Home()
        let terminal = try start(home)
        terminal.type("let saved_value = 123" + Keys.enter)
        try terminal.waitForPrompt("fewshot [2]> ")
        terminal.type(Keys.ctrlD)
        #expect(try terminal.waitForExit() == 0)
        let session = try #require(home.sessions.first, "the session is saved under $XDG_STATE_HOME/fewshot/sessions")
        #expect(try String(contentsOf: session, encoding: .utf8).contains("| let saved_value = 123"))
    }

    @Test func diagnosticsAreColouredOnATerminalUnlessNoColor() throws {
        let home = try Home()
        let sgr = #"\x1B\[[0-9;]*m"#
        let coloured = try start(home, environment: ["NO_COLOR": ""])
        coloured.type("nope" + Keys.enter)
        try coloured.waitFor("unknown name 'nope'")
        try coloured.waitForPrompt("fewshot [2]> ")
        #expect(coloured.rawText.range(of: sgr, options: .regularExpression) != nil)

        let plain = try start(home)
        plain.type("nope" + Keys.enter)
        try plain.waitFor("unknown name 'nope'")
        try plain.waitForPrompt("fewshot [2]> ")
        #expect(plain.rawText.range(of: sgr, options: .regularExpression) == nil)
    }

    /// The whole loop typed at the REPL, with every kind of cell that used not to replay: the
    /// local teacher, a teacher at a custom URL, a plan before its generate, a generate stopped
    /// by its budget, an interactive chat, training and evaluation. The saved session checks
    /// clean offline (the server is gone by then).
    @Test(.enabled(if: ReadmeSample.assetsInstalled, "the local teacher is not installed (run scripts/setup)"))
    func aSessionWithEveryKindOfCellChecksCleanOffline() throws {
        let home = try Home()
        let binary = try #require(FewshotProcess.binary(release: true) ?? FewshotProcess.binary())
        var server: TeacherLoopTests.FixtureServer? = try TeacherLoopTests.FixtureServer()
        let url = "http://127.0.0.1:\(server!.port)/v1"
        let terminal = try PseudoTerminal(
            binary, arguments: ["new", "loop.fsnb"],
            environment: [
                "HOME": home.folder.path, "XDG_STATE_HOME": home.folder.appendingPathComponent("state").path, "NO_COLOR": "1",
                "FEWSHOT_HOME": ProcessInfo.processInfo.environment["FEWSHOT_HOME"] ?? (NSHomeDirectory() + "/.cache/fewshot"),
            ],
            directory: home.folder)
        // Rows of 50 words, which the fixture echoes: each answer uses about 100 tokens where
        // about 38 were estimated, so the call starts and stops at its budget after 2 answers.
        let long = "abcdef".map { letter in "{x: \"\(Array(repeating: String(letter), count: 50).joined(separator: " "))\"}" }
            .joined(separator: ", ")
        let cells = [
            "let local = generate(prompt(\"Name a fruit.\", output: \"text\"), n: 2, max_tokens: 6)",
            "let t = teacher(\"fake-model\", base_url: \"\(url)\")",
            "let p = prompt(\"Say: \\{x}\", output: \"text\")",
            "let xs = dataset([{x: \"a b\"}, {x: \"c d\"}, {x: \"e f\"}, {x: \"g h\"}])",
            "plan(p, label: xs, teacher: t, max_tokens: 8)",
            "let long = dataset([\(long)])",
            "let stopped = generate(p, label: long, teacher: t, max_tokens: 5, budget: {tokens: 250})",
            "let d = generate(p, label: xs, teacher: t, max_tokens: 8)",
            "let student = finetune(d, model: \"gpt-tiny\", epochs: 1, batch: 2, context: 32, val: 0, curve: false)",
            "evaluate(student, d)",
        ]
        for (n, cell) in cells.enumerated() {
            try terminal.waitForPrompt("fewshot [\(n + 1)]> ", timeout: 120)
            terminal.type(cell + Keys.enter)
        }
        try terminal.waitForPrompt("fewshot [\(cells.count + 1)]> ", timeout: 120)
        terminal.type("chat(t)" + Keys.enter)
        try terminal.waitFor("you> ")
        terminal.type("hello" + Keys.enter)
        try terminal.waitFor("echo: hello")
        try terminal.waitFor("you> ")
        terminal.type("/exit" + Keys.enter)
        try terminal.waitForPrompt("fewshot [\(cells.count + 2)]> ")
        terminal.type(Keys.ctrlD)
        #expect(try terminal.waitForExit() == 0)
        server = nil  // the replay must not need it
        let saved = try String(contentsOf: home.folder.appendingPathComponent("loop.fsnb"), encoding: .utf8)
        #expect(saved.contains("budget of 250 tokens reached: 4 of 6 requests were not sent"), "\(saved)")
        let checked = try FewshotProcess.run(
            binary, ["check", "loop.fsnb"], directory: home.folder,
            environment: [
                "FEWSHOT_HOME": ProcessInfo.processInfo.environment["FEWSHOT_HOME"] ?? (NSHomeDirectory() + "/.cache/fewshot")
            ])
        #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
        #expect(checked.stdout.contains("all \(cells.count + 1) code cells match"), "\(checked.stdout)")
    }

    /// Seen before: vim stopped with "Error reading input" (it was started without the
    /// terminal), and the keys typed were left at the prompt. The editor now reads the terminal.
    @Test func theEditorReadsTheTerminalAsVimWould() throws {
        let home = try Home()
        let editor = home.folder.appendingPathComponent("ask.sh")
        // Like vim, it reads keys from its terminal: it fails where it cannot.
        try "#!/bin/sh\nIFS= read -r line < /dev/tty || exit 3\nprintf 'print(\"%s\")\\n' \"$line\" > \"$1\"\n".write(
            to: editor, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: editor.path)
        let terminal = try start(home, ["new", "vi.fsnb"], environment: ["EDITOR": editor.path])
        terminal.type("print(\"first\")" + Keys.enter)
        try terminal.waitForPrompt("fewshot [2]> ")
        terminal.type(":edit 1" + Keys.enter)
        Thread.sleep(forTimeInterval: 0.5)
        terminal.type("typed in the editor" + Keys.enter)
        try terminal.waitForPrompt("fewshot [2]> ")
        let saved = try String(contentsOf: home.folder.appendingPathComponent("vi.fsnb"), encoding: .utf8)
        #expect(saved.contains("| print(\"typed in the editor\")"), "\(saved)")
    }

    /// Seen before: an interactive chat cell replayed as "an interactive chat needs a
    /// terminal", and the saved cell did not show the user's lines. The REPL now saves the
    /// cell as the scripted chat of the lines typed, whose output is the whole conversation.
    @Test func anInteractiveChatIsSavedAsTheScriptedChatThatReplaysIt() throws {
        let home = try Home()
        let server = try TeacherLoopTests.FixtureServer()
        let terminal = try start(home, ["new", "chat.fsnb"])
        terminal.type("let t = teacher(\"fake-model\", base_url: \"http://127.0.0.1:\(server.port)/v1\")" + Keys.enter)
        try terminal.waitForPrompt("fewshot [2]> ")
        terminal.type("chat(t, max_tokens: 16)" + Keys.enter)
        for line in ["hi there", "/reset", "and {again}"] {
            try terminal.waitFor("you> ")
            terminal.type(line + Keys.enter)
        }
        try terminal.waitFor("echo: and {again}")
        try terminal.waitFor("you> ")
        terminal.type("/exit" + Keys.enter)
        try terminal.waitForPrompt("fewshot [3]> ")
        terminal.type(Keys.ctrlD)
        #expect(try terminal.waitForExit() == 0)
        let saved = try String(contentsOf: home.folder.appendingPathComponent("chat.fsnb"), encoding: .utf8)
        #expect(saved.contains(#"| chat(t, max_tokens: 16, turns: ["hi there", "/reset", "and \{again\}"])"#), "\(saved)")
        #expect(
            saved.contains("| User: hi there\n| Assistant: echo: hi there\n| (conversation forgotten)\n| User: and {again}"),
            "\(saved)")
        let checked = try FewshotProcess.run(
            try #require(FewshotProcess.binary()), ["check", "chat.fsnb"], directory: home.folder)
        #expect(checked.stdout.contains("all 2 code cells match"), "\(checked.stdout)\(checked.stderr)")
    }

    @Test func editOpensTheEditorAndRunsTheEditedCell() throws {
        let home = try Home()
        let editor = home.folder.appendingPathComponent("rewrite.sh")
        try "#!/bin/sh\nprintf 'print(\"edited \" + str(6 * 7))\\n' > \"$1\"\n".write(
            to: editor, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: editor.path)
        let terminal = try start(home, ["new", "edited.fsnb"], environment: ["EDITOR": editor.path])
        terminal.type("print(\"original\")" + Keys.enter)
        try terminal.waitFor("original")
        terminal.type(":edit 1" + Keys.enter)
        try terminal.waitFor("edited 42")
        try terminal.waitForPrompt("fewshot [2]> ")
        let saved = try String(contentsOf: home.folder.appendingPathComponent("edited.fsnb"), encoding: .utf8)
        #expect(saved.contains("| print(\"edited \" + str(6 * 7))\n--- stream stdout\n| edited 42"))
        #expect(!saved.contains("original"))
    }

    @Test func progressBarsLiveOnTheTerminalAndLeaveOneLineInTheNotebook() throws {
        let home = try Home()
        let terminal = try start(home, ["new", "progress.fsnb"])
        terminal.type(
            #"let s = finetune(dataset([{text: "great", label: "pos"}, {text: "awful", label: "neg"}]), model: "classifier", epochs: 2, context: 16, val: 0)"#
                + Keys.enter)
        try terminal.waitForPrompt("fewshot [2]> ", timeout: 60)
        #expect(terminal.rawText.contains("\r\u{1B}[2K"), "the bar is drawn live on the terminal")
        let saved = try String(contentsOf: home.folder.appendingPathComponent("progress.fsnb"), encoding: .utf8)
        let barLines = saved.split(separator: "\n").filter { $0.contains("▕") }
        #expect(barLines.count == 1 && barLines[0].contains("100%"), "one final line: \(barLines)")
        #expect(!saved.contains("\u{1B}") && !saved.contains("\r"))
    }
}
