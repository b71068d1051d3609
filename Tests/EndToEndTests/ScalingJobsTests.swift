import Foundation
import TestSupport
import Testing

/// Notebook 03's loop past one machine, through the real binary: a batch teacher labels, a
/// remote fine-tuning job trains the student, both against the fixture server's job endpoints;
/// the notebook replays offline, and either job is picked up again after `kill -9`.
@Suite struct ScalingJobsTests {
    private let prompt =
        #"let p = prompt('Tweet: {text}\nSentiment:', system: "Classify the sentiment of tweets.", output: ["negative", "neutral", "positive"])"#
    private let tweets =
        #"let tweets = dataset([{text: "robot taxis are the future"}, {text: "never again"}, {text: "it drove me home"}, {text: "stuck behind one for an hour"}, {text: "the news said so"}, {text: "quiet and smooth"}])"#

    @Test func theLoopRunsWithABatchTeacherAndARemoteStudentAndReplaysOffline() throws {
        let binary = try #require(FewshotProcess.binary())
        let server = try FixtureServer(arguments: ["--job-seconds", "0.5"])
        let folder = try FewshotProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let session = """
            let t = teacher("gpt-4o-mini", base_url: "\(server.baseURL)", mode: "batch", poll: 0.1, price: {input: 0.15, output: 0.60})
            \(prompt)
            \(tweets)
            let labelled = generate(p, label: tweets, teacher: t, temperature: 0, max_tokens: 4)
            print(len(labelled))
            let student = finetune(labelled, remote: t, prompt: p, epochs: 2, suffix: "e2e", val: 0)
            evaluate(student, labelled, prompt: p)
            print(t, student)
            """
        let key = "sk-e2e-sentinel-key-000000000000"
        let made = try FewshotProcess.run(
            binary, ["new", "loop.fsnb"], input: session, directory: folder,
            environment: ["OPENAI_API_KEY": key, "XDG_STATE_HOME": folder.appendingPathComponent("state").path])
        #expect(made.status == 0, "\(made.stdout)\(made.stderr)")
        #expect(made.stdout.contains("6\n"), "every tweet labelled: \(made.stdout)")
        #expect(made.stdout.contains("fine-tuning job ftjob-"), "\(made.stdout)")
        #expect(made.stdout.contains("checkpoint at step 6: ft:gpt-4o-mini:e2e:fixture:"), "\(made.stdout)")
        #expect(made.stdout.contains("accuracy"), "\(made.stdout)")
        #expect(
            made.stdout.contains("teacher(batch gpt-4o-mini at \(server.baseURL)) teacher(http ft:gpt-4o-mini:e2e:"),
            "\(made.stdout)")
        #expect(try server.stats().authorization == "Bearer \(key)", "the key goes to the configured server")
        for file in ["loop.fsnb", "loop.fsnb.teacher", "state/fewshot/jobs.jsonl"] {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            #expect(!text.contains("sk-e2e-sentinel"), "\(file) holds no key")
        }
        server.stop()
        let checked = try FewshotProcess.run(
            binary, ["check", "loop.fsnb"], directory: folder, environment: ["OPENAI_API_KEY": ""])
        #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
        #expect(checked.stdout.contains("match"), "\(checked.stdout)")
        let planned = try FewshotProcess.run(
            binary,
            [
                "-e",
                "let t = teacher(\"gpt-4o-mini\", base_url: \"\(server.baseURL)\", mode: \"batch\", price: {input: 0.15, output: 0.60})\n\(prompt)\nshow(plan(p, label: dataset([{text: \"fine\"}]), teacher: t))",
            ],
            directory: folder)
        #expect(
            planned.stdout.contains("$0.075 in / $0.3 out") && planned.stdout.contains("the Batch API's price"),
            "\(planned.stdout)\(planned.stderr)")
    }

    /// Runs `script` against a fixture whose jobs take a few seconds, kills fewshot with SIGKILL
    /// once the job exists, runs it again, and returns the second run and the fixture's stats.
    private func killAndResume(script: String, created: (FixtureStats) -> Int) throws -> (FewshotProcess.Result, FixtureStats) {
        let binary = try #require(FewshotProcess.binary())
        let server = try FixtureServer(arguments: ["--job-seconds", "3"])
        let folder = try FewshotProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = script.replacingOccurrences(of: "BASE", with: server.baseURL)
        try text.write(to: folder.appendingPathComponent("job.shot"), atomically: true, encoding: .utf8)
        let environment = [
            "OPENAI_BASE_URL": server.baseURL, "XDG_STATE_HOME": folder.appendingPathComponent("state").path, "NO_COLOR": "1",
        ]
        let first = Process()
        first.executableURL = URL(fileURLWithPath: binary)
        first.arguments = ["run", "job.shot", "--recording", "answers.fsrec"]
        first.currentDirectoryURL = folder
        first.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("OPENAI_") }.merging(environment) {
            $1
        }
        first.standardOutput = FileHandle.nullDevice
        first.standardError = FileHandle.nullDevice
        try first.run()
        let deadline = Date().addingTimeInterval(30)
        while try created(server.stats()) < 1, Date() < deadline, first.isRunning { usleep(50_000) }
        usleep(300_000)  // mid-poll
        #expect(first.isRunning, "the job was still running when fewshot was killed")
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let second = try FewshotProcess.run(
            binary, ["run", "job.shot", "--recording", "answers.fsrec"], directory: folder, environment: environment,
            timeLimit: 60)
        return (second, try server.stats())
    }

    @Test func aBatchIsPickedUpAfterKill9() throws {
        let (run, stats) = try killAndResume(
            script: """
                let t = teacher("gpt-4o-mini", base_url: "BASE", mode: "batch", poll: 0.1)
                \(prompt)
                \(tweets)
                print(len(generate(p, label: tweets, teacher: t, temperature: 0)))
                """, created: \.batchesCreated)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("picked up batch batch-"), "\(run.stdout)")
        #expect(run.stdout.hasSuffix("6\n"), "\(run.stdout)")
        #expect(stats.batchesCreated == 1, "one batch, not two")
    }

    @Test func aFineTuningJobIsReattachedAfterKill9() throws {
        let (run, stats) = try killAndResume(
            script: """
                let t = teacher("gpt-4o-mini", base_url: "BASE", poll: 0.1)
                \(prompt)
                let d = dataset([{text: "good", label: "positive"}, {text: "bad", label: "negative"}, {text: "meh", label: "neutral"}])
                let s = finetune(d, remote: t, prompt: p, val: 0, curve: false)
                print(s.model)
                """, created: \.jobsCreated)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("reattached to fine-tuning job ftjob-"), "\(run.stdout)")
        #expect(run.stdout.contains("ft:gpt-4o-mini:fixture:"), "\(run.stdout)")
        #expect(stats.jobsCreated == 1, "one job, not two")
    }

    /// Ctrl-C while a remote job runs asks first: "n" leaves the job running on the server,
    /// "y" cancels it there (POST .../cancel).
    @Test func ctrlCAsksBeforeCancellingARemoteJob() throws {
        let binary = try #require(FewshotProcess.binary())
        let server = try FixtureServer(arguments: ["--job-seconds", "60"])
        let home = try FewshotProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: home) }
        for (answer, expected, cancels) in [("n", "stopped following fine-tuning job", 0), ("y", "cancelled fine-tuning job", 1)]
        {
            let terminal = try PseudoTerminal(
                binary,
                environment: [
                    "HOME": home.path, "XDG_STATE_HOME": home.appendingPathComponent("state-\(answer)").path, "NO_COLOR": "1",
                ], directory: home)
            try terminal.waitForPrompt("fewshot [1]> ")
            let cell =
                "let t = teacher(\"gpt-4o-mini\", base_url: \"\(server.baseURL)\", poll: 0.1); \(prompt); "
                + "finetune(dataset([{text: \"ok \(answer)\", label: \"positive\"}]), remote: t, prompt: p, val: 0)"
            terminal.type(cell + PseudoTerminal.enter)
            try terminal.waitFor("fine-tuning job ftjob-")
            terminal.type(PseudoTerminal.ctrlC)
            try terminal.waitFor("[y/N] ")
            terminal.type(answer + PseudoTerminal.enter)
            try terminal.waitFor(expected)
            try terminal.waitForPrompt("fewshot [2]> ")
            #expect(try server.stats().cancels == cancels, "answer \(answer)")
            terminal.type(PseudoTerminal.ctrlD)
            _ = try terminal.waitForExit()
        }
    }

    /// Ctrl-C at the REPL while a batch runs: the cell ends, and the notebook saved with it holds
    /// the batch id, so running the notebook on a machine whose journal never saw the job (here,
    /// another state folder) picks the same batch up.
    @Test func aBatchIDSavedWithTheCellIsPickedUpElsewhere() throws {
        let binary = try #require(FewshotProcess.binary())
        let server = try FixtureServer(arguments: ["--job-seconds", "4"])
        let home = try FewshotProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: home) }
        let terminal = try PseudoTerminal(
            binary, arguments: ["new", "nb.fsnb"],
            environment: [
                "HOME": home.path, "XDG_STATE_HOME": home.appendingPathComponent("here").path, "NO_COLOR": "1",
                "OPENAI_BASE_URL": server.baseURL,
            ], directory: home)
        try terminal.waitForPrompt("fewshot [1]> ")
        terminal.type(
            "let t = teacher(\"gpt-4o-mini\", mode: \"batch\", poll: 0.1); \(prompt); \(tweets); "
                + "let d = generate(p, label: tweets, teacher: t, temperature: 0); print(\"labelled\", len(d))"
                + PseudoTerminal.enter)
        try terminal.waitFor("created for 6 requests")
        terminal.type(PseudoTerminal.ctrlC)
        try terminal.waitForPrompt("fewshot [2]> ")
        terminal.type(PseudoTerminal.ctrlD)
        _ = try terminal.waitForExit()
        let run = try FewshotProcess.run(
            binary, ["run", "nb.fsnb", "--live", "--save"], directory: home,
            environment: ["OPENAI_BASE_URL": server.baseURL, "XDG_STATE_HOME": home.appendingPathComponent("there").path],
            timeLimit: 60)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(try server.stats().batchesCreated == 1, "\(run.stdout)")
        let saved = try String(contentsOf: home.appendingPathComponent("nb.fsnb"), encoding: .utf8)
        #expect(saved.contains("labelled 6"), "the rerun got every answer:\n\(saved)")
    }
}
