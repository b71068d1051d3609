import Foundation
import TestSupport
import Testing

/// `generate` through the real binary against a teacher server that fails in every way the
/// fixture knows (cut bodies, endless bodies, stalls, resets, garbage, wrong types, 5xx,
/// dripping bytes), and Ctrl-C in the middle of a call: nothing crashes or hangs, no answer
/// the server completed is lost, failures are reported and fetched by running again, and the
/// exit status says what happened (75: requests failed, 130: Ctrl-C).
@Suite(.serialized) struct FaultyTeacherTests {
    typealias Server = FixtureServer

    /// A script labelling one row per item with the teacher at `port`.
    static func script(port: Int, items: [String], settings: String) -> String {
        let rows = items.map { "{item: \"\($0)\"}" }.joined(separator: ", ")
        return """
            let t = teacher("fixture", base_url: "http://127.0.0.1:\(port)/v1", \(settings))
            let out = generate(prompt('{item}', output: "text"), label: dataset([\(rows)]), teacher: t, temperature: 0)
            print("kept", out.count)
            """
    }

    /// The answers in a recording file (every line after the header).
    static func answers(in file: URL) -> Int {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return 0 }
        return text.split(separator: "\n").count - 1
    }

    @Test func everyFaultModeEndsReportedAndRerunningFetchesOnlyWhatIsMissing() throws {
        let binary = try #require(FewshotProcess.binary(), "swift build makes .build/debug/fewshot")
        let server = try Server()
        let folder = try FewshotProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // (directives, whether an answer comes within one retry)
        let cases: [(String, Bool)] = [
            ("#fault=truncated #times=1", true), ("#fault=short #times=1", true), ("#fault=garbage #times=1", true),
            ("#fault=malformed #times=1", true), ("#fault=reset #times=1", true), ("#fault=drop #times=1", true),
            ("#fault=status #status=503 #times=1", true), ("#fault=stall #stall-ms=20000 #times=1", true),
            ("#fault=wrong-type", true), ("#fault=huge #huge-mb=1024", false), ("#fault=huge-length #huge-mb=64", false),
            ("#fault=huge-header #huge-mb=64", false), ("#fault=truncated", false), ("#fault=status #status=500", false),
            ("#fault=stall #stall-ms=20000", false), ("#fault=drip #drip-ms=100", false),
        ]
        let items = cases.enumerated().map { "#tag=t\($0.offset) \($0.element.0) row \($0.offset)" }
        let source = Self.script(
            port: server.port, items: items,
            settings: "timeout: 1.5, read_timeout: 0.3, max_response_bytes: 65536, max_retries: 1")
        try source.write(to: folder.appendingPathComponent("faults.shot"), atomically: true, encoding: .utf8)
        let failing = cases.filter { !$0.1 }.count
        let start = Date()
        let first = try FewshotProcess.run(
            binary, ["run", "faults.shot", "--recording", "r.fsrec", "--allow-teacher-url", server.baseURL], directory: folder)
        #expect(Date().timeIntervalSince(start) < 20, "no hang")
        #expect(first.status == 75, "\(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("\(failing) of \(cases.count) teacher requests failed after retries"), "\(first.stdout)")
        #expect(first.stdout.contains("kept \(cases.count - failing)"))
        #expect(first.stderr.contains("\(failing) teacher requests failed after retries (exit 75)"), "\(first.stderr)")
        #expect(first.stderr.contains("again with --recording r.fsrec asks only for what is missing"))
        let recording = folder.appendingPathComponent("r.fsrec")
        #expect(Self.answers(in: recording) == cases.count - failing, "every answer that came is recorded")

        // Running again replays what came and asks only for the failed requests.
        let before = try server.attempts()
        let second = try FewshotProcess.run(
            binary, ["run", "faults.shot", "--recording", "r.fsrec", "--allow-teacher-url", server.baseURL], directory: folder)
        #expect(second.status == 75)
        let after = try server.attempts()
        for (index, (_, answered)) in cases.enumerated() {
            let asked = (after["t\(index)"] ?? 0) - (before["t\(index)"] ?? 0)
            #expect(answered ? asked == 0 : asked > 0, "row \(index) (\(cases[index].0)) was sent \(asked) more times")
        }
        #expect(Self.answers(in: recording) == cases.count - failing)
    }

    @Test func ctrlCMidGenerateKeepsTheAnswersAndExits130() throws {
        let binary = try #require(FewshotProcess.binary())
        let server = try Server()
        let folder = try FewshotProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let items = (0..<30).map { "#delay-ms=150 slow \($0)" }
        let source = Self.script(port: server.port, items: items, settings: "max_concurrency: 2, max_retries: 0")
        try source.write(to: folder.appendingPathComponent("slow.shot"), atomically: true, encoding: .utf8)
        let recording = folder.appendingPathComponent("r.fsrec")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["run", "slow.shot", "--recording", "r.fsrec", "--allow-teacher-url", server.baseURL]
        process.currentDirectoryURL = folder
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = Pipe()
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while Self.answers(in: recording) < 4, Date() < deadline, process.isRunning { usleep(20_000) }
        kill(process.processIdentifier, SIGINT)
        let interrupted = Date()
        while process.isRunning, Date().timeIntervalSince(interrupted) < 5 { usleep(10_000) }
        let stopIn = Date().timeIntervalSince(interrupted)
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationReason == .exit && process.terminationStatus == 130, "\(stderr)")
        #expect(stopIn < 1, "stopped \(stopIn) s after Ctrl-C")
        let kept = Self.answers(in: recording)
        #expect(kept >= 4 && kept < 30, "\(kept) answers recorded")
        #expect(stderr.contains("stopped by Ctrl-C (exit 130); the \(kept) teacher answers received are in r.fsrec"), "\(stderr)")

        // Without the server, the recorded answers replay; the rest fail (connection refused), exit 75.
        server.stop()
        let refusing = try RefusingPort(port: server.port)  // no other test's server may take it now
        defer { withExtendedLifetime(refusing) {} }  // held until the test ends
        let replay = try FewshotProcess.run(
            binary, ["run", "slow.shot", "--recording", "r.fsrec", "--allow-teacher-url", server.baseURL], directory: folder)
        #expect(replay.status == 75, "\(replay.stderr)")
        #expect(replay.stdout.contains("kept \(kept)"), "\(replay.stdout)")
        #expect(replay.stdout.contains("\(30 - kept) of 30 teacher requests failed after retries"))
    }

    @Test func ctrlCMidNotebookSavesItsAnswersWithSave() throws {
        let binary = try #require(FewshotProcess.binary())
        let server = try Server()
        let folder = try FewshotProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let items = (0..<30).map { "{item: \"#tag=n\($0) #delay-ms=150 nb \($0)\"}" }.joined(separator: ", ")
        let notebook = """
            fsnb 1.0

            === code id=ask
            | let t = teacher("fixture", base_url: "http://127.0.0.1:\(server.port)/v1", max_concurrency: 2)
            | let out = generate(prompt('{item}', output: "text"), label: dataset([\(items)]), teacher: t, temperature: 0)

            """
        try notebook.write(to: folder.appendingPathComponent("nb.fsnb"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["run", "nb.fsnb", "--live", "--save", "--allow-teacher-url", server.baseURL]
        process.currentDirectoryURL = folder
        process.standardOutput = Pipe()
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while (try server.attempts().count) < 6, Date() < deadline, process.isRunning { usleep(20_000) }
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 130, "\(stderr)")
        #expect(stderr.contains("nb.fsnb was saved"), "\(stderr)")
        let sidecar = folder.appendingPathComponent("nb.fsnb.teacher")
        let saved = Self.answers(in: sidecar)
        #expect(saved >= 4 && saved < 30, "\(saved) answers saved with the notebook")
    }

    @Test func everyRequestRefusedExits75WithE() throws {
        let binary = try #require(FewshotProcess.binary())
        let refusing = try RefusingPort()  // bound, never listening: every connection is refused
        defer { withExtendedLifetime(refusing) {} }  // held until the test ends
        let port = refusing.port
        let code = Self.script(port: port, items: ["a", "b"], settings: "max_retries: 1")
        let run = try FewshotProcess.run(binary, ["-e", code])
        #expect(run.status == 75, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("2 of 2 teacher requests failed after retries (first: request 1 of 2: connection to"))
        #expect(run.stderr.contains("with --recording FILE they are kept"))
    }
}
