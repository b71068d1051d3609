import Foundation
import TestSupport
import Testing

/// Each hostile script in Hostile/ runs under the real `fewshot run` and must be refused the
/// way its `# exit:` and `# expect:` lines say, with nothing it wanted done.
@Suite struct HostileScriptTests {
    /// Runs `Hostile/name` in a fresh sandbox and checks its expectations; returns the run.
    @discardableResult
    func runHostile(
        _ name: String, arguments: [String] = [], environment: [String: String] = [:], sandbox: Sandbox? = nil,
        replacing: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> (FewshotProcess.Result, Sandbox) {
        let box = try sandbox ?? Sandbox()
        let file = try box.copyHostile(name)
        var text = try String(contentsOf: file, encoding: .utf8)
        for (key, value) in replacing { text = text.replacingOccurrences(of: key, with: value) }
        try text.write(to: file, atomically: true, encoding: .utf8)
        let result = try FewshotProcess.run(
            try FewshotProcess.builtBinary(), ["run", name] + arguments, directory: box.work, environment: environment)
        let all = result.stdout + result.stderr
        let exitLine = text.split(separator: "\n").first { $0.hasPrefix("# exit: ") }
        let expectedExit = Int32(exitLine?.dropFirst("# exit: ".count) ?? "0")
        #expect(result.status == expectedExit, "exit status; output:\n\(all)", sourceLocation: sourceLocation)
        for var expected in try Sandbox.expectations(of: name) {
            for (key, value) in replacing { expected = expected.replacingOccurrences(of: key, with: value) }
            #expect(all.contains(expected), "missing '\(expected)' in:\n\(all)", sourceLocation: sourceLocation)
        }
        #expect(!all.contains(Sandbox.secret), "the secret leaked:\n\(all)", sourceLocation: sourceLocation)
        return (result, box)
    }

    @Test func traversalIsRefused() throws {
        try runHostile("traversal.shot")
    }

    @Test func absolutePathOutsideIsRefusedAndTheKeyIsNotPrinted() throws {
        let sentinel = "sk-sentinel-\(UUID().uuidString)"
        let (result, _) = try runHostile("absolute-environ.shot", environment: ["OPENAI_API_KEY": sentinel])
        #expect(!(result.stdout + result.stderr).contains(sentinel))
    }

    @Test func writingOutsideIsRefusedAndNothingIsWritten() throws {
        let (_, box) = try runHostile("write-outside.shot")
        #expect(!FileManager.default.fileExists(atPath: box.outside.appendingPathComponent("planted.txt").path))
    }

    @Test func symlinkLeavingTheFolderIsRefused() throws {
        let box = try Sandbox()
        try FileManager.default.createSymbolicLink(
            atPath: box.work.appendingPathComponent("link.txt").path, withDestinationPath: "../outside/secret.txt")
        try runHostile("symlink-escape.shot", sandbox: box)
    }

    @Test func allowFSLetsTheUserOptIn() throws {
        let box = try Sandbox()
        try box.copyHostile("traversal.shot")
        let result = try FewshotProcess.run(
            try FewshotProcess.builtBinary(), ["run", "traversal.shot", "--allow-fs", "../outside"], directory: box.work)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(Sandbox.secret))
    }

    @Test func importFromOutsideIsRefused() throws {
        let box = try Sandbox()
        try "print(\"evil ran\")\n".write(to: box.outside.appendingPathComponent("evil.shot"), atomically: true, encoding: .utf8)
        let (result, _) = try runHostile("import-escape.shot", sandbox: box)
        #expect(!result.stdout.contains("evil ran"))
    }

    /// The listener gets nothing, not even a connection, while the sentinel key is set; with
    /// --allow-teacher-url the same script does reach it with the key (so the listener works).
    @Test func keyIsNeverSentToAnUnconfiguredServer() throws {
        let listener = try TCPListener()
        let sentinel = "sk-sentinel-\(UUID().uuidString)"
        let port = String(listener.port)
        try runHostile(
            "key-exfiltration.shot", environment: ["OPENAI_API_KEY": sentinel], replacing: ["PORT": port])
        #expect(try listener.connectionsBefore() == 0)
        #expect(!String(decoding: listener.received, as: UTF8.self).contains(sentinel))

        let box = try Sandbox()
        let file = try box.copyHostile("key-exfiltration.shot")
        let text = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "PORT", with: port)
        try text.write(to: file, atomically: true, encoding: .utf8)
        let allowed = try FewshotProcess.run(
            try FewshotProcess.builtBinary(),
            ["run", "key-exfiltration.shot", "--allow-teacher-url", "http://127.0.0.1:\(port)/v1"], directory: box.work,
            environment: ["OPENAI_API_KEY": sentinel])
        #expect(allowed.status == 70)  // the listener answers 500
        #expect(listener.connections >= 1)
        #expect(String(decoding: listener.received, as: UTF8.self).contains("Bearer \(sentinel)"))
        // The server echoed the key back in its error; fewshot must not print it.
        #expect(allowed.stderr.contains("500"), "\(allowed.stderr)")
        #expect(!(allowed.stdout + allowed.stderr).contains(sentinel), "\(allowed.stderr)")
    }

    @Test func theConfiguredServerIsAllowed() throws {
        let listener = try TCPListener()
        let sentinel = "sk-sentinel-\(UUID().uuidString)"
        let box = try Sandbox()
        let file = try box.copyHostile("key-exfiltration.shot")
        let text = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "PORT", with: String(listener.port))
        try text.write(to: file, atomically: true, encoding: .utf8)
        _ = try FewshotProcess.run(
            try FewshotProcess.builtBinary(), ["run", "key-exfiltration.shot"], directory: box.work,
            environment: ["OPENAI_API_KEY": sentinel, "OPENAI_BASE_URL": "http://127.0.0.1:\(listener.port)/v1/"])
        #expect(String(decoding: listener.received, as: UTF8.self).contains("Bearer \(sentinel)"))
    }

    @Test func escapeSequencesInPrintedTextAndErrorsAreNeutralised() throws {
        let (result, _) = try runHostile("escape-injection.shot")
        #expect(!result.stdoutBytes.contains(escapeByte))
        #expect(!result.stderrBytes.contains(escapeByte))
        #expect(!result.stdout.unicodeScalars.contains("\u{9B}"))
    }

    @Test func endlessLoopStopsAtTheTimeout() throws {
        let (result, _) = try runHostile("endless.shot", arguments: ["--timeout", "1"])
        #expect(result.seconds < 10)
    }

    @Test func memoryHogStopsAtTheCeiling() throws {
        let (result, _) = try runHostile("memory-hog.shot", arguments: ["--max-memory", "300"])
        #expect(result.seconds < 20)
    }

    @Test func oversizedScriptIsRefusedBeforeReading() throws {
        let box = try Sandbox()
        let path = box.work.appendingPathComponent("huge.shot").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: UInt64(17 << 20))  // sparse: costs no disk
        try handle.close()
        let result = try FewshotProcess.run(try FewshotProcess.builtBinary(), ["run", "huge.shot"], directory: box.work)
        #expect(result.status == 65)
        #expect(result.stderr.contains("over fewshot's limit of 16 MiB"))
    }
}
