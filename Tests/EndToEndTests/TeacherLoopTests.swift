import Foundation
import TestSupport
import Testing

/// The data half of the loop through the real binary, against a real HTTP server on
/// 127.0.0.1 (the teacher-fixture-server, which answers "echo: <last message>").
@Suite struct TeacherLoopTests {
    /// The teacher-fixture-server (the type moved to FixtureServer.swift; tests name it here too).
    typealias FixtureServer = TestSupport.FixtureServer

    @Test func generateFilterAndReplayAgainstALocalServer() throws {
        let binary = try #require(FewshotProcess.binary(), "swift test builds .build/debug/fewshot")
        let server = try FixtureServer()
        let folder = try FewshotProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A notebook made at the REPL: every cell saved, the teacher's answers recorded.
        let session = """
            let t = teacher("fixture-model", base_url: "http://127.0.0.1:\(server.port)/v1")
            let p = prompt("Write a review of \\{item}.", output: "text")
            let items = dataset([{item: "a phone"}, {item: "a film"}, {item: "a phone"}])
            let raw = generate(p, label: items, teacher: t, temperature: 0)
            print(raw.rows)
            let clean = filter(raw, dedupe: true)
            report(clean)
            let strict = prompt("Review: \\{item}", output: ["good", "bad"])
            print(rejected(generate(strict, label: items, teacher: t)).count)
            """
        let made = try FewshotProcess.run(
            binary, ["new", "loop.fsnb"], input: session, directory: folder,
            environment: ["OPENAI_API_KEY": "sk-e2e-sentinel-key-000000000000"])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains(#"{item: "a phone", output: "echo: Write a review of a phone."}"#))
        #expect(made.stdout.contains("3 rows in"))
        #expect(made.stdout.contains("exact duplicate"))
        #expect(made.stdout.hasSuffix("3\n"), "replies that are not a label are rejected, not dropped")
        let saved = try String(contentsOf: folder.appendingPathComponent("loop.fsnb"), encoding: .utf8)
        let recording = try String(contentsOf: folder.appendingPathComponent("loop.fsnb.teacher"), encoding: .utf8)
        #expect(!saved.contains("sk-e2e-sentinel") && !recording.contains("sk-e2e-sentinel"), "the key is never saved")

        // Replayed offline: the server is gone and no key is set, yet every output matches.
        withExtendedLifetime(server) {}
        let checked = try FewshotProcess.run(
            binary, ["check", "loop.fsnb"], directory: folder, environment: ["OPENAI_API_KEY": ""])
        #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
        #expect(checked.stdout.contains("match"))
    }

    /// `scoring: "likelihood"` against a server: labels ranked from the first token's
    /// top_logprobs, the partial coverage said, and the scores recorded so the notebook replays.
    @Test func labelScoresFromAServerAreRecordedAndReplay() throws {
        let binary = try #require(FewshotProcess.binary())
        let server = try FixtureServer()
        let folder = try FewshotProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let session = """
            let t = teacher("fixture-model", base_url: "http://127.0.0.1:\(server.port)/v1")
            let p = prompt("Review: \\{text}", output: ["good", "bad"])
            let d = generate(p, label: dataset([{text: "good movie"}, {text: "bad movie, not good"}]), teacher: t, scoring: "likelihood")
            print(map(d.rows, fn(r) => r.label))
            print(rejected(generate(p, label: dataset([{text: "good movie"}]), teacher: t, scoring: "channel")).rows)
            """
        let made = try FewshotProcess.run(binary, ["new", "scores.fsnb"], input: session, directory: folder)
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains(#"["good", "bad"]"#), "\(made.stdout)")
        #expect(made.stdout.contains("revealed only the first token's probability"), "\(made.stdout)")
        // Channel scoring needs whole texts' probabilities, which a server's top_logprobs are not.
        #expect(
            made.stdout.contains("scored only the first token of the text")
                || made.stderr.contains("scored only the first token"),
            "\(made.stdout)\(made.stderr)")
        withExtendedLifetime(server) {}
        let checked = try FewshotProcess.run(binary, ["check", "scores.fsnb"], directory: folder)
        #expect(checked.status == 0 && checked.stdout.contains("all 5 code cells match"), "\(checked.stdout)\(checked.stderr)")
    }

    @Test func aMissingRecordingIsAClearErrorOnReplay() throws {
        let binary = try #require(FewshotProcess.binary())
        let folder = try FewshotProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let notebook = """
            fsnb 1.0

            === code id=ask
            | let t = teacher("fixture-model", base_url: "http://127.0.0.1:9/v1")
            | generate(prompt("Say hi.", output: "text"), n: 1, teacher: t)

            """
        try notebook.write(to: folder.appendingPathComponent("nb.fsnb"), atomically: true, encoding: .utf8)
        let run = try FewshotProcess.run(binary, ["run", "nb.fsnb"], directory: folder)
        #expect(run.status == 70)
        #expect(run.stderr.contains("no recording"), "\(run.stderr)")
        #expect(run.stderr.contains("--live"))
    }

    @Test func teacherEvaluationReportsTokensAndLatencyPerShotCount() throws {
        let binary = try #require(FewshotProcess.binary())
        let server = try FixtureServer()
        // The fixture answers "echo: ..." (never a label) after the delay the prompt asks for,
        // and counts one prompt token per word of every message.
        let code = """
            let t = teacher("fixture-model", base_url: "http://127.0.0.1:\(server.port)/v1")
            let p = prompt("#delay-ms=40 Review: \\{text}", output: ["good", "bad"])
            let pool = dataset([{text: "fine film", label: "good"}, {text: "dull plot", label: "bad"}, {text: "great fun", label: "good"}])
            let test = dataset([{text: "loved it", label: "good"}, {text: "boring", label: "bad"}])
            let r = evaluate(t, test, prompt: p, shots: [0, 2], pool: pool)
            for point in r.sweep { print(point.shots, point.prompt_tokens, point.seconds >= 0.04) }
            print(r.prompt_tokens == r.sweep[1].prompt_tokens, r.completion_tokens > 0, r.interval.high)
            """
        let result = try FewshotProcess.run(
            binary, ["-e", code], environment: ["OPENAI_API_KEY": "sk-e2e-sentinel-key-000000000000"])
        #expect(result.status == 0, "\(result.stderr)")
        // The 0-shot prompts hold 15 or 16 words; two shots add a user and an assistant turn each.
        let lines = result.stdout.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("evaluate ") }
        #expect(lines == ["0 15.5 true", "2 25.5 true", "true true 0.0"], "no reply is a label, so the interval is [0, 0]")
        withExtendedLifetime(server) {}
    }
}
