import Chat
import Foundation
import Notebook
import PortableMath
import Teacher
import TestSupport
import Testing

/// Hostile notebooks, built here with the Notebook API (their hostile parts are bytes that
/// are awkward to keep in a repository), run through the real `fewshot run` and `check`.
@Suite struct HostileNotebookTests {
    static let injection = "hi\u{1B}[2J\u{1B}]0;pwned\u{07}\u{1B}[8mhidden\u{9B}31m\n"

    func write(_ notebook: Notebook, named name: String, in box: Sandbox) throws -> URL {
        let url = box.work.appendingPathComponent(name)
        try notebook.save(to: url.path)
        return url
    }

    func code(_ source: String, outputs: [CellOutput] = []) -> Cell {
        Cell(kind: .code, source: source, outputs: outputs, executionCount: 1)
    }

    @Test func cellsAreConfinedToTheNotebookFolder() throws {
        let box = try Sandbox()
        try write(Notebook(cells: [code(#"print(read_text("../outside/secret.txt"))"#)]), named: "nb.fsnb", in: box)
        let result = try FewshotProcess.run(try FewshotProcess.builtBinary(), ["run", "nb.fsnb"], directory: box.work)
        #expect(result.status == 70)
        #expect(result.stderr.contains("outside the folders this notebook or script may use"), "\(result.stderr)")
        #expect(!(result.stdout + result.stderr).contains(Sandbox.secret))
    }

    @Test func escapeSequencesInRecordedOutputsAreNeutralisedByCheck() throws {
        let box = try Sandbox()
        let notebook = Notebook(cells: [code(#"print("hi")"#, outputs: [.stream(.stdout, Self.injection)])])
        try write(notebook, named: "nb.fsnb", in: box)
        let result = try FewshotProcess.run(try FewshotProcess.builtBinary(), ["check", "nb.fsnb"], directory: box.work)
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("-hi"), "\(result.stdout)")  // the saved text is shown, made visible
        #expect(result.stdout.contains("[2J"), "\(result.stdout)")
        #expect(!result.stdoutBytes.contains(escapeByte))
        #expect(!result.stderrBytes.contains(escapeByte))
        #expect(!result.stdout.unicodeScalars.contains("\u{9B}"))
    }

    /// A recorded teacher reply carrying escape codes, replayed offline by `fewshot run`.
    @Test func escapeSequencesInATeacherReplyAreNeutralised() throws {
        let box = try Sandbox()
        let request = ChatRequest(
            model: "smollm2-135m", messages: [ChatMessage(role: "user", content: "hello")], temperature: 0.7,
            maxTokens: 64, seed: StreamSeed.requestSeed(0, 0))  // a chat's first turn with seed 0
        let store = RecordingStore()
        let reply = Self.injection.trimmingCharacters(in: .newlines)
        try store.append(Recording(request: request, sample: 0, response: ChatResponse(text: reply), chunks: [reply]))
        let notebook = Notebook(
            cells: [code(#"chat(teacher(), ["hello"])"#)],
            teacherRecording: TeacherRecording(content: [UInt8](store.serialized()), placement: .sidecar))
        try write(notebook, named: "nb.fsnb", in: box)
        let result = try FewshotProcess.run(try FewshotProcess.builtBinary(), ["run", "nb.fsnb"], directory: box.work)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains(#"hi\u{1b}[2J\u{1b}]0;pwned\u{7}"#), "\(result.stdout)")
        #expect(!result.stdoutBytes.contains(escapeByte))
    }

    @Test func oversizedNotebookIsRefused() throws {
        let box = try Sandbox()
        let path = box.work.appendingPathComponent("huge.fsnb").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: UInt64(65 << 20))  // sparse: costs no disk
        try handle.close()
        for command in ["run", "check"] {
            let result = try FewshotProcess.run(try FewshotProcess.builtBinary(), [command, "huge.fsnb"], directory: box.work)
            #expect(result.status == 65)
            #expect(result.stderr.contains("the notebook is 65.0 MiB, over fewshot's limit of 64 MiB"), "\(result.stderr)")
        }
    }

    @Test func oversizedSidecarRecordingIsRefused() throws {
        let box = try Sandbox()
        let url = try write(
            Notebook(cells: [code("1")], teacherRecording: TeacherRecording(content: [1], placement: .sidecar)), named: "nb.fsnb",
            in: box)
        let handle = try #require(FileHandle(forWritingAtPath: url.path + ".teacher"))
        try handle.truncate(atOffset: UInt64(257 << 20))
        try handle.close()
        let result = try FewshotProcess.run(try FewshotProcess.builtBinary(), ["run", "nb.fsnb"], directory: box.work)
        #expect(result.status == 65)
        #expect(result.stderr.contains("over fewshot's limit of 256 MiB"), "\(result.stderr)")
    }

    @Test func deeplyNestedRecordingIsRefusedNotACrash() throws {
        let box = try Sandbox()
        let nested = String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000)
        let content = Array("{\"fewshot-recordings\":1}\n{\"key\":\(nested)}\n{\"key\":1}\n".utf8)
        try write(
            Notebook(cells: [code("1")], teacherRecording: TeacherRecording(content: content, placement: .sidecar)),
            named: "nb.fsnb", in: box)
        let result = try FewshotProcess.run(try FewshotProcess.builtBinary(), ["run", "nb.fsnb"], directory: box.work)
        #expect(result.status == 65, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("its teacher recording cannot be read"), "\(result.stderr)")
    }

    @Test func timeoutLeavesTheNotebookUntouched() throws {
        let box = try Sandbox()
        let url = try write(Notebook(cells: [code("print(1)"), code("while true { }")]), named: "nb.fsnb", in: box)
        let before = try Data(contentsOf: url)
        let result = try FewshotProcess.run(
            try FewshotProcess.builtBinary(), ["run", "nb.fsnb", "--save", "--timeout", "1"], directory: box.work)
        #expect(result.status == 124)
        #expect(
            result.stderr.contains("nb.fsnb: stopped, it ran longer than --timeout 1 s; nothing was saved"), "\(result.stderr)")
        #expect(try Data(contentsOf: url) == before)
        #expect(result.seconds < 10)
    }
}
