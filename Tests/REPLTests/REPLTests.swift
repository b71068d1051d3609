import Foundation
import Language
import Testing
import Workbench

@testable import REPL

@Suite struct ReplCommandTests {
    @Test(arguments: [
        (":save out.fsnb", "save", "out.fsnb"),
        (":q", "quit", ""),
        ("  :show   3 ", "show", "3"),
        (":help generate", "help", "generate"),
    ])
    func parsesCommands(line: String, name: String, argument: String) throws {
        let command = try #require(ReplCommand(line: line))
        #expect(command.spec?.name == name)
        #expect(command.argument == argument)
    }

    @Test func ordinaryCodeIsNotACommand() {
        #expect(ReplCommand(line: "print(1)") == nil)
    }

    @Test func unknownCommandSuggestsTheNearest() throws {
        let command = try #require(ReplCommand(line: ":sve"))
        #expect(command.spec == nil)
        #expect(command.suggestion == "save")
        #expect(try #require(ReplCommand(line: ":zzzzzzzz")).suggestion == nil)
    }
}

@Suite struct HistoryFileTests {
    func temporaryHistory(environment: [String: String] = [:]) -> HistoryFile {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("fewshot-history-\(UUID().uuidString)")
        return HistoryFile(path: path, environment: environment)
    }

    @Test func keepsLinesAcrossInstances() {
        let history = temporaryHistory()
        history.append("let x = 1")
        history.append("print(x)")
        let reopened = HistoryFile(path: history.path, environment: [:])
        #expect(reopened.load() == ["let x = 1", "print(x)"])
    }

    @Test func neverStoresSecrets() {
        let history = temporaryHistory(environment: ["MY_API_KEY": "abcdef1234567890"])
        history.append("let k = \"abcdef1234567890\"")
        history.append("teacher(key: \"sk-proj-aaaaaaaaaaaaaaaaaaaaaaaa\")")
        history.append("let api_key = \"hunter2hunter2\"")
        history.append("print(\"fine\")")
        #expect(history.load() == ["print(\"fine\")"])
    }

    @Test func defaultPathFollowsXDG() {
        let path = HistoryFile.defaultPath(environment: ["XDG_STATE_HOME": "/tmp/state", "HOME": "/home/u"])
        #expect(path.path == "/tmp/state/fewshot/history")
        #expect(HistoryFile.defaultPath(environment: ["HOME": "/home/u"]).path == "/home/u/.local/state/fewshot/history")
    }
}

@Suite struct CompletionBridgeTests {
    @Test func commonPrefixOfMatches() {
        #expect(CompletionBridge.commonPrefix(["generate", "gen_text", "genre"]) == "gen")
        #expect(CompletionBridge.commonPrefix(["print"]) == "print")
    }
}

@Suite struct CompletionTests {
    @Test func completesNamesFieldsAndArguments() throws {
        let workspace = try Workspace()
        _ = workspace.run(#"let d = dataset([{text: "a", label: "b"}])"#, executionCount: 1)
        let history = HistoryFile(
            path: FileManager.default.temporaryDirectory.appendingPathComponent("fewshot-history-\(UUID().uuidString)"),
            environment: [:])
        let repl = try ReplSession(workspace: workspace, reader: PlainLineReader(), history: history, notebookPath: nil)
        #expect(repl.completions(line: "d.cou", word: "d.cou", wordStart: 0) == ["d.count"])
        #expect(repl.completions(line: "d.cou", word: "cou", wordStart: 2) == ["count"])
        #expect(repl.completions(line: "gener", word: "gener", wordStart: 0).contains("generate"))
        // Inside a call, Tab offers the named arguments still to give, and only those when
        // nothing is typed yet (the first Tab then inserts the single one).
        #expect(repl.completions(line: "head(d, ", word: "", wordStart: 8) == ["n: "])
        #expect(repl.completions(line: "print(head(d, ", word: "", wordStart: 14) == ["n: "])
        let generate = repl.completions(line: "generate(d, n: 3, ", word: "", wordStart: 18)
        #expect(!generate.contains("prompt: ") && !generate.contains("n: ") && generate.contains("teacher: "))
        #expect(generate.allSatisfy { $0.hasSuffix(": ") })
        let typed = repl.completions(line: "generate(d, te", word: "te", wordStart: 12)
        #expect(Array(typed.prefix(2)) == ["teacher: ", "temperature: "])
        #expect(typed.contains("teacher"))  // the built-in itself, after the arguments
        #expect(repl.completions(line: ":sa", word: ":sa", wordStart: 0) == [":save "])
    }
}

@Suite struct OpenCallTests {
    @Test(
        arguments: [
            ("head(d, ", OpenCall?.some(OpenCall(callee: "head", positional: 1, named: []))),
            (#"f(g(1, 2), "a,(b", {x: 1}, [3, 4], n: 3, te"#, OpenCall(callee: "f", positional: 4, named: ["n"])),
            ("print(head(d, n: 2, ", OpenCall(callee: "head", positional: 1, named: ["n"])),
            ("f(x) ", nil),
            ("[1, (2", nil),
            ("(", nil),
            (#"f("a") # g("#, nil),
        ] as [(String, OpenCall?)])
    func findsTheOpenCallAndItsArguments(text: String, call: OpenCall?) {
        #expect(OpenCall(before: text) == call)
    }

    @Test func positionalArgumentsTakeTheFirstParametersNotNamed() {
        let call = OpenCall(callee: "f", positional: 1, named: ["b"])
        #expect(call.remaining(of: ["a", "b", "c", "d"]) == ["c", "d"])
        #expect(OpenCall(callee: "f", positional: 9, named: []).remaining(of: ["a"]).isEmpty)
    }
}

@Suite struct PathCompletionTests {
    /// A folder with `data/tweets.csv`, `data/train.csv`, `notes.txt` and a hidden file.
    func folder() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fewshot-paths-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("data"), withIntermediateDirectories: true)
        for file in ["data/tweets.csv", "data/train.csv", "notes.txt", ".hidden"] {
            try Data().write(to: root.appendingPathComponent(file))
        }
        return root
    }

    @Test(
        arguments: [
            (#"load("#, nil),
            (#"load("da"#, "da"),
            (#"f("a", "b"#, "b"),
            (#"f("a\"b"#, #"a\"b"#),
            (#"f("a") # "x"#, nil),
        ] as [(String, String?)])
    func findsTheOpenString(text: String, fragment: String?) {
        #expect(Completer.openString(text) == fragment)
    }

    @Test func completesFilesAndFoldersInsideAString() throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let completer = Completer(session: try Session(), directory: root.path)
        // The word may be the whole path (libedit breaks words at the quote) or its end.
        #expect(completer.candidates(line: #"load("da"#, word: "da", wordStart: 6) == ["data/"])
        #expect(
            completer.candidates(line: #"load("data/t"#, word: "data/t", wordStart: 6) == [
                #"data/train.csv""#, #"data/tweets.csv""#,
            ])
        #expect(completer.candidates(line: #"load("data/tw"#, word: "tw", wordStart: 11) == [#"tweets.csv""#])
        #expect(completer.candidates(line: #"load("n"#, word: "n", wordStart: 6) == [#"notes.txt""#])
        #expect(completer.candidates(line: #"load(""#, word: "", wordStart: 6).sorted() == ["data/", #"notes.txt""#])
        #expect(completer.candidates(line: #"load(".h"#, word: ".h", wordStart: 6) == [#".hidden""#])
        #expect(
            completer.candidates(line: #"load("\#(root.path)/no"#, word: "\(root.path)/no", wordStart: 6) == [
                "\(root.path)/notes.txt\""
            ])
        #expect(completer.candidates(line: ":load da", word: "da", wordStart: 6) == ["data/"])
        #expect(completer.candidates(line: ":load data/tw", word: "data/tw", wordStart: 6) == ["data/tweets.csv"])
        #expect(completer.candidates(line: #"load("nothing-here"#, word: "nothing-here", wordStart: 6).isEmpty)
    }
}

@Suite struct ReadCellTests {
    /// Hands out a fixed sequence of inputs.
    final class Inputs: LineReader {
        var inputs: [LineInput]
        var remembered: [String] = []
        let isInteractive = false
        init(_ inputs: [LineInput]) { self.inputs = inputs }
        func readLine(prompt: String) -> LineInput { inputs.isEmpty ? .end : inputs.removeFirst() }
        func remember(_ line: String) { remembered.append(line) }
    }

    @Test func continuationLinesMakeOneCell() {
        let reader = Inputs([.line("print(1,"), .line("2)"), .line("x")])
        var prompts: [Bool] = []
        #expect(
            reader.readCell {
                prompts.append($0); return ""
            } == "print(1,\n2)")
        #expect(prompts == [false, true])
        #expect(reader.remembered == ["print(1,\n2)"])
    }

    @Test func ctrlCAbandonsTheWholeCell() {
        let reader = Inputs([.line("print(1,"), .interrupted, .line("3")])
        #expect(reader.readCell { _ in "" } == "3")
        #expect(reader.remembered == ["3"])
    }

    @Test func endOfInputEndsReading() {
        #expect(Inputs([.end]).readCell { _ in "" } == nil)
        #expect(Inputs([.interrupted, .end]).readCell { _ in "" } == nil)
    }
}
