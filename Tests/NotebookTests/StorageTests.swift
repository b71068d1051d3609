import Foundation
import Testing

@testable import Notebook

/// A fresh temporary directory, removed by `cleanup`.
struct Scratch {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("fsnb-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func files() -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: url.path).sorted()) ?? [] }
    func cleanup() { try? FileManager.default.removeItem(at: url) }
}

@Suite struct LoadErrorTests {
    @Test(arguments: [
        ("hello\n", 1, "not an fsnb notebook"),
        ("\u{FF}GGUF binary", 1, "not an fsnb notebook"),
        ("", 1, "not an fsnb notebook"),
        ("fsnb one\n", 1, "is not a format version"),
        ("fsnb 1.0\r\n\n=== code id=a\n", 1, "carriage return"),
        ("fsnb 1.0\nfewshot-version 0.1\n", 2, "expected a header line"),
        ("fsnb 1.0\nseed: 1\nseed: 2\n", 3, "twice"),
        ("fsnb 1.0\nteacher-recording: embedded\n", 2, "no '=== teacher-recording' block"),
        ("fsnb 1.0\n\n=== code\n| x\n", 3, "needs an 'id='"),
        ("fsnb 1.0\n\n=== code id=a\n| x\n--- stream stdout\n| y\nJUNK\n", 7, "expected a cell line"),
        ("fsnb 1.0\n\n=== code id=a\n| x\n\\ bad \\q escape\n", 5, "unknown escape"),
        ("fsnb 1.0\n\n=== code id=a\n|x\n", 4, "a body line"),
        ("fsnb 1.0\n\n=== code id=a\n\n=== code id=a\n", 5, "a second cell has the id 'a'"),
        ("fsnb 1.0\n\n=== text id=a\n| hi\n--- stream stdout\n", 5, "a text cell has no outputs"),
        ("fsnb 1.0\n\n=== code id=a\n--- png\n| iVBORw==\n| *not base64*\n", 5, "not base64"),
        ("fsnb 1.0\n\n=== code id=a\n--- stream\n", 4, "expected '--- stream stdout'"),
        ("fsnb 1.0\n\n=== code id=a\n\\ \\xFF\n", 4, "not valid UTF-8"),
        ("fsnb 1.0\n\n=== widget id=a\n", 3, "unknown block kind 'widget'"),
        ("fsnb 1.0\n\n=== code id=a count=-1\n", 3, "'count=' is a non-negative"),
        ("fsnb 1.0\n\n=== code id=a duration=fast\n", 3, "'duration=' is a non-negative"),
        ("fsnb 1.0\n\n=== code id=\"a b\"\n", 3, "a cell needs one 'id='"),
        ("fsnb 1.0\n\n=== code id=a\n--- error message=\"unclosed\n", 4, "no closing"),
    ])
    func malformedFilesNameTheLine(_ file: String, _ line: Int, _ fragment: String) {
        #expect {
            _ = try Notebook(fsnb: Array(file.utf8), path: "nb.fsnb")
        } throws: { error in
            guard let error = error as? NotebookError, error.line == line else { return false }
            return "\(error)".hasPrefix("nb.fsnb:\(line): error: ") && "\(error)".contains(fragment)
        }
    }

    @Test func invalidUTF8IsReportedOnItsLine() {
        let bytes = Array("fsnb 1.0\n\n=== code id=a\n| ok\n| bad ".utf8) + [0xC3, 0x28] + [0x0A]
        #expect(
            throws: NotebookError.malformed(
                path: nil, line: 5, message: "the file is not valid UTF-8 (byte \(bytes.count - 3)); notebooks are UTF-8 text")
        ) {
            _ = try Notebook(fsnb: bytes)
        }
    }

    @Test func newerMajorVersionIsRefused() {
        #expect(throws: NotebookError.unsupportedVersion(path: "x.fsnb", found: "3.0")) {
            _ = try Notebook(fsnb: Array("fsnb 3.0\n\n=== code id=a\n".utf8), path: "x.fsnb")
        }
        #expect(
            "\(NotebookError.unsupportedVersion(path: "x.fsnb", found: "3.0"))".contains(
                "x.fsnb:1: error: notebook format version 3.0 is newer than this fewshot reads (1.x and 2.x)"))
    }

    @Test func aFailedLoadOverwritesNothing() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let path = scratch.path("broken.fsnb")
        let broken = Array("fsnb 1.0\n\n=== code id=a\n| x\nJUNK\n".utf8)
        try Data(broken).write(to: URL(fileURLWithPath: path))
        #expect(throws: NotebookError.self) { _ = try Notebook.load(from: path) }
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))) == broken)
        #expect(scratch.files() == ["broken.fsnb"])
    }
}

@Suite struct SaveTests {
    @Test func saveThenLoadFromDisk() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        var rng = SeededGenerator(seed: 11)
        let notebook = hostileNotebook(&rng, cells: 20)
        let path = scratch.path("nb.fsnb")
        try notebook.save(to: path)
        let loaded = try Notebook.load(from: path)
        #expect(exactContent(loaded) == exactContent(notebook))
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))) == (try notebook.fsnb()))
        #expect(scratch.files() == ["nb.fsnb"])
    }

    @Test func sidecarRecordingTravelsNextToTheNotebook() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let path = scratch.path("nb.fsnb")
        let recording = Array("{\"request\":\"a\",\"response\":\"b\"}\n".utf8) + [0xFF, 0x00]
        var notebook = Notebook()
        notebook.append(.code, source: "teach()")
        notebook.teacherRecording = TeacherRecording(content: recording, placement: .sidecar)
        try notebook.save(to: path)
        #expect(scratch.files() == ["nb.fsnb", "nb.fsnb.teacher"])
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path + ".teacher"))) == recording)
        #expect(try Notebook.load(from: path) == notebook)

        // A save cut off between the sidecar and the notebook: a longer recording that
        // starts with ours still gives the notebook its own.
        try Data(recording + Array("{\"request\":\"c\"}\n".utf8)).write(to: URL(fileURLWithPath: path + ".teacher"))
        #expect(try Notebook.load(from: path) == notebook)
        try Data("other".utf8).write(to: URL(fileURLWithPath: path + ".teacher"))
        #expect(throws: NotebookError.sidecarMismatch(path: path + ".teacher")) { _ = try Notebook.load(from: path) }
        var changed = recording
        changed[0] = UInt8(ascii: "[")
        try Data(changed + [1, 2, 3]).write(to: URL(fileURLWithPath: path + ".teacher"))
        #expect(throws: NotebookError.sidecarMismatch(path: path + ".teacher")) { _ = try Notebook.load(from: path) }
        try FileManager.default.removeItem(atPath: path + ".teacher")
        #expect(throws: NotebookError.sidecarMissing(path: path + ".teacher")) { _ = try Notebook.load(from: path) }
    }

    @Test(arguments: [
        (TeacherConfiguration(model: "m", baseURL: "https://user:hunter2@api.example/v1"), [MetadataEntry]()),
        (TeacherConfiguration(model: "m", baseURL: "https://api.example/v1?api_key=abc"), []),
        (TeacherConfiguration(model: "m"), [MetadataEntry(key: "api-key", value: "abc")]),
        (TeacherConfiguration(model: "m"), [MetadataEntry(key: "openai-apikey", value: "abc")]),
        (TeacherConfiguration(model: "m"), [MetadataEntry(key: "access-token", value: "abc")]),
        (TeacherConfiguration(model: "m", baseURL: "https://api.example/v1?X-Amz-Signature=abc"), []),
        (TeacherConfiguration(model: "m"), [MetadataEntry(key: "note", value: "sk-abcdefghijklmnopqrstuvwx")]),
        (TeacherConfiguration(model: "m"), [MetadataEntry(key: "note", value: "Bearer abc")]),
    ])
    func secretsAreRefusedBeforeWriting(_ teacher: TeacherConfiguration, _ extra: [MetadataEntry]) throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let notebook = Notebook(metadata: NotebookMetadata(teacher: teacher, extra: extra))
        #expect {
            try notebook.save(to: scratch.path("nb.fsnb"))
        } throws: { error in
            if case .secretInMetadata = error as? NotebookError { return true }
            return false
        }
        #expect(scratch.files().isEmpty)
    }

    @Test(arguments: ["author", "keyboard", "teacher-temperature", "seed", "monkeys"])
    func ordinaryKeysAreAllowed(_ key: String) throws {
        let notebook = Notebook(
            metadata: NotebookMetadata(
                teacher: TeacherConfiguration(model: "m", baseURL: "https://api.example/v1?model=x&author=y"),
                extra: [MetadataEntry(key: key, value: "https://example.org/a?page=2")]))
        #expect(try Notebook(fsnb: notebook.fsnb()) == notebook)
    }

    @Test func invalidNotebooksAreRefused() {
        var duplicate = Notebook()
        duplicate.cells = [Cell(id: "a", kind: .code, source: ""), Cell(id: "a", kind: .code, source: "")]
        #expect(throws: NotebookError.duplicateCellID("a")) { _ = try duplicate.fsnb() }
        var reserved = Notebook()
        reserved.metadata.extra = [MetadataEntry(key: "teacher-model", value: "x")]
        #expect(throws: NotebookError.invalidMetadataKey("teacher-model")) { _ = try reserved.fsnb() }
        var notebook = Notebook()
        #expect(throws: NotebookError.invalidCellID("no spaces")) {
            try notebook.append(Cell(id: "no spaces", kind: .code, source: ""))
        }
    }

    @Test func appendMakesUniqueIDs() {
        var notebook = Notebook()
        for _ in 0..<200 { notebook.append(.code, source: "x") }
        #expect(Set(notebook.cells.map(\.id)).count == 200)
        #expect(notebook.cells.allSatisfy { Cell.isValidID($0.id) })
    }

    @Test func savePreservesPermissionsAndReportsIOErrors() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let path = scratch.path("nb.fsnb")
        try Notebook().save(to: path)
        chmod(path, 0o600)
        try Notebook().save(to: path)
        let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
        #expect {
            try Notebook().save(to: scratch.path("missing/nb.fsnb"))
        } throws: { error in
            guard case .file(let problem) = error as? NotebookError else { return false }
            return problem.errno == ENOENT && "\(error)".contains("the folder") && "\(error)".contains("does not exist")
        }
    }

    @Test func staleTemporariesOfDeadSavesAreRemoved() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        // A pid far above any real one (pid_max is at most 2^22): that process is dead.
        _ = FileManager.default.createFile(atPath: scratch.path(".nb.fsnb.tmp-99999999-abc"), contents: Data("half".utf8))
        _ = FileManager.default.createFile(atPath: scratch.path(".other.fsnb.tmp-99999999-abc"), contents: Data())
        // A live process's temporary file (this one's parent) and files that only look alike stay.
        _ = FileManager.default.createFile(atPath: scratch.path(".live.fsnb.tmp-\(getppid())-abc"), contents: Data())
        _ = FileManager.default.createFile(atPath: scratch.path(".notes.tmp-draft"), contents: Data())
        try Notebook().save(to: scratch.path("nb.fsnb"))
        #expect(scratch.files() == [".live.fsnb.tmp-\(getppid())-abc", ".notes.tmp-draft", "nb.fsnb"])
    }
}

/// Kills a process that saves large notebooks in a loop, at random moments, many times:
/// the file must always be the old notebook or the new one.
@Suite struct CrashSafetyTests {
    func harnessURL() -> URL? {
        let executable = URL(
            fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                ?? CommandLine.arguments[0])
        var directory = executable.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("NotebookHarness")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }

    @Test func killedSavesLeaveTheOldOrTheNewFile() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let path = scratch.path("nb.fsnb")
        var rng = SystemRandomNumberGenerator()
        var versions: [[UInt8]] = []
        var killedMidSave = 0
        // At least 16 kills, and more (up to 60) until 4 of them have landed inside a write.
        var rounds = 0
        while rounds < 16 || (killedMidSave < 4 && rounds < 60) {
            let round = rounds
            rounds += 1
            // Odd rounds save through Notebook.save (encoding, then writing); even rounds
            // loop on the write alone, so that most kills land inside a write.
            let process = try startHarness(round % 2 == 0 ? "write-loop" : "save-loop", path)
            if versions.isEmpty {
                versions = try ["a", "b"].map { Array(try Data(contentsOf: URL(fileURLWithPath: path + "." + $0))) }
            }
            usleep(UInt32.random(in: 0..<(round % 2 == 0 ? 100_000 : 250_000), using: &rng))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()

            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            let whole = bytes == versions[0] || bytes == versions[1]
            #expect(whole, "round \(round): the file is neither notebook (\(bytes.count) bytes)")
            #expect(throws: Never.self) { _ = try Notebook.load(from: path) }
            if scratch.files().contains(where: { $0.hasPrefix(".nb.fsnb.tmp-") }) { killedMidSave += 1 }
        }
        print("crash test: \(rounds) kills, \(killedMidSave) during a save (temporary file left behind)")
        #expect(killedMidSave >= 4, "too few kills landed during a save: the test proved little")
        // The next save clears what the killed saves left.
        try Notebook.load(from: path).save(to: path)
        #expect(scratch.files().filter { $0.hasPrefix(".") }.isEmpty)
    }

    /// Starts the harness in `mode` on `path` and returns it once it said "ready".
    func startHarness(_ mode: String, _ path: String) throws -> Process {
        let harness = try #require(harnessURL(), "the NotebookHarness executable is built with the tests")
        let process = Process()
        process.executableURL = harness
        process.arguments = [mode, path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        var said = Data()
        while !String(decoding: said, as: UTF8.self).contains("ready") {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            said += chunk
        }
        try #require(String(decoding: said, as: UTF8.self).contains("ready"), "the harness did not start")
        return process
    }

    /// A notebook whose sidecar recording grows at every save, killed at random moments:
    /// it always loads, with exactly the recording of the turn its cells come from.
    @Test func killedSidecarSavesStayConsistent() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let path = scratch.path("nb.fsnb")
        var rng = SystemRandomNumberGenerator()
        var between = 0
        for round in 0..<8 {
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: path + ".teacher")
            let process = try startHarness("sidecar-loop", path)
            usleep(UInt32.random(in: 150_000..<600_000, using: &rng))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let notebook = try Notebook.load(from: path)
            guard case .stream(_, let text)? = notebook.cells[0].outputs.first, text.hasPrefix("turn "),
                let turn = Int(text.dropFirst(5).dropLast())
            else {
                Issue.record("round \(round): the first cell does not say its turn")
                continue
            }
            let expected = (1...turn).flatMap { k in
                Array("{\"exchange\":\(k),\"pad\":\"\(String(repeating: "x", count: 20_000))\"}\n".utf8)
            }
            #expect(notebook.teacherRecording?.content == expected, "round \(round), turn \(turn)")
            let sidecarSize = (try FileManager.default.attributesOfItem(atPath: path + ".teacher")[.size] as? NSNumber)?.intValue
            if let sidecarSize, sidecarSize > expected.count { between += 1 }
        }
        print("sidecar crash test: 8 kills, \(between) between the sidecar's rename and the notebook's")
    }
}
