import Foundation
import Testing
@testable import REPL
import Workbench

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
        let kernel = try Kernel()
        _ = kernel.run(#"let d = dataset([{text: "a", label: "b"}])"#, executionCount: 1)
        let history = HistoryFile(
            path: FileManager.default.temporaryDirectory.appendingPathComponent("fewshot-history-\(UUID().uuidString)"),
            environment: [:])
        let repl = try ReplSession(kernel: kernel, reader: PlainLineReader(), history: history, notebookPath: nil)
        #expect(repl.completions(line: "d.cou", word: "d.cou", wordStart: 0) == ["d.count"])
        #expect(repl.completions(line: "d.cou", word: "cou", wordStart: 2) == ["count"])
        #expect(repl.completions(line: "gener", word: "gener", wordStart: 0).contains("generate"))
        #expect(repl.completions(line: "head(d, ", word: "", wordStart: 8).contains("n: "))
        #expect(repl.completions(line: ":sa", word: ":sa", wordStart: 0) == [":save"])
    }
}
