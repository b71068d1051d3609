import Chat
import Foundation
import Teacher
import TeacherHTTP
import TestSupport
import Testing

/// Batch JSONL, batch jobs and fine-tuning jobs against the fixture server's job endpoints
/// (jobs there finish in a fraction of a second).
@Suite struct BatchJobsTests {
    private func request(_ text: String) -> ChatRequest {
        ChatRequest(model: "fixture-model", messages: [ChatMessage(.user, text)], temperature: 0, maxTokens: 8)
    }

    private func configuration(_ server: FixtureServer) throws -> HTTPTeacherConfiguration {
        try HTTPTeacherConfiguration(model: "fixture-model", baseURL: server.baseURL, retry: RetryPolicy(maxRetries: 1))
    }

    @Test func customIDsAreKeysAndTheInputReadsBackToTheSameRequests() throws {
        let requests = [request("a"), request("b"), request("a")]
        let ids = BatchFile.customIDs(for: requests)
        #expect(ids == [requests[0].recordingKey + "-0", requests[1].recordingKey + "-0", requests[0].recordingKey + "-1"])
        let input = try BatchFile.input(requests, ids: ids)
        let back = try BatchFile.requests(input, source: "in.jsonl")
        #expect(back.map(\.id) == ids)
        #expect(back.map(\.request) == requests)
        // An edited body no longer matches its custom_id: refused, not imported under a wrong key.
        let edited = String(decoding: input, as: UTF8.self).replacingOccurrences(
            of: "\"content\":\"b\"", with: "\"content\":\"c\"")
        #expect(throws: TeacherError.self) { try BatchFile.requests(Array(edited.utf8), source: "in.jsonl") }
        var scoring = request("x")
        scoring.candidates = ["yes", "no"]
        #expect(throws: TeacherError.self) { try BatchFile.inputLines([scoring], ids: ["k-0"]) }
    }

    @Test func bigJobsAreSplitByRequestsAndBytes() throws {
        let lines = (0..<7).map { [UInt8](repeating: 65, count: $0 == 3 ? 50 : 10) }
        #expect(try BatchFile.parts(lines, maxRequests: 3, maxBytes: 1_000) == [0..<3, 3..<6, 6..<7])
        #expect(try BatchFile.parts(lines, maxRequests: 100, maxBytes: 60) == [0..<3, 3..<5, 5..<7])
        #expect(throws: TeacherError.self) { try BatchFile.parts(lines, maxRequests: 100, maxBytes: 40) }
    }

    @Test func resultsAreMatchedByCustomIDWhateverTheirOrder() throws {
        let output = """
            {"custom_id":"b-0","response":{"status_code":200,"body":{"choices":[{"index":0,"message":{"content":"B"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1}}},"error":null}
            {"custom_id":"a-0","response":{"status_code":200,"body":{"choices":[{"index":0,"message":{"content":"A"}}]}},"error":null}
            {"custom_id":"c-0","response":{"status_code":500,"body":{"error":{"message":"server fell over"}}},"error":null}
            {"custom_id":"d-0","response":null,"error":{"code":"batch_expired","message":"not run in time"}}

            """
        let results = try BatchFile.results(Array(output.utf8))
        #expect(try results["a-0"]?.get().text == "A")
        #expect(try results["b-0"]?.get().usage == TokenUsage(promptTokens: 3, completionTokens: 1))
        #expect("\(results["c-0"]!)".contains("server fell over"))
        #expect("\(results["d-0"]!)".contains("batch_expired"))
        #expect(throws: TeacherError.self) { try BatchFile.results(Array("{\"id\": 1}\n".utf8)) }
    }

    @Test func aBatchRunsAndARepeatedCallPicksUpTheSameJob() throws {
        let server = try FixtureServer(arguments: ["--job-seconds", "0.6"])
        let journal = JobJournal(path: nil)
        let requests = (0..<5).map { request("item \($0 % 4)") }
        let batch = try BatchTeacher(configuration(server), journal: journal, pollInterval: 0.1)
        var lines: [String] = []
        batch.onStatus = { lines.append($0) }
        var progress: [Int] = []
        let answers = batch.complete(requests, progress: { done, _ in progress.append(done) }, isCancelled: { false })
        #expect(try answers.map { try $0.get().text } == requests.map { "echo: \($0.messages[0].content)" })
        #expect(progress.last == 5)
        #expect(lines.first?.contains("created for 5 requests") == true, "\(lines)")
        let again = try BatchTeacher(configuration(server), journal: journal, pollInterval: 0.1)
        var resumed: [String] = []
        again.onStatus = { resumed.append($0) }
        #expect(try again.complete(requests, progress: nil, isCancelled: { false }).map { try $0.get().text }.count == 5)
        #expect(resumed.first?.contains("picked up batch") == true, "\(resumed)")
        #expect(try server.stats().batchesCreated == 1, "the same requests never pay twice")
        // Over the per-file limit: split, and said.
        let split = try BatchTeacher(configuration(server), journal: journal, pollInterval: 0.1)
        split.maxRequests = 2
        var splitLines: [String] = []
        split.onStatus = { splitLines.append($0) }
        let splitAnswers = split.complete(
            requests.map { request($0.messages[0].content + "!") }, progress: nil, isCancelled: { false })
        #expect(splitAnswers.allSatisfy { (try? $0.get()) != nil })
        #expect(splitLines.first?.contains("split into 3 batch jobs") == true, "\(splitLines)")
    }

    @Test func partialErrorsExpiryAndFailureReachTheirRequests() throws {
        let requests = (0..<6).map { request("line \($0)") }
        for (fault, check) in [
            (
                "partial",
                { (answers: [Result<ChatResponse, Error>]) in
                    #expect(answers.count { (try? $0.get()) == nil } == 2)
                    #expect(answers.contains { "\($0)".contains("The server had an error processing the request") })
                }
            ),
            (
                "expire",
                { answers in
                    #expect(answers.count { (try? $0.get()) == nil } == 3)
                    #expect(answers.contains { "\($0)".contains("batch_expired") })
                }
            ),
            (
                "fail",
                { answers in
                    #expect(answers.allSatisfy { "\($0)".contains("input file has a line the service cannot read") })
                }
            ),
        ] as [(String, ([Result<ChatResponse, Error>]) -> Void)] {
            let server = try FixtureServer(arguments: ["--job-seconds", "0.4", "--job-fault", fault])
            let batch = try BatchTeacher(configuration(server), journal: JobJournal(path: nil), pollInterval: 0.1)
            check(batch.complete(requests, progress: nil, isCancelled: { false }))
        }
    }

    @Test func aFineTuningJobStreamsItsStepsAndReattaches() throws {
        let server = try FixtureServer(arguments: ["--job-seconds", "0.8"])
        let journal = JobJournal(path: nil)
        let line = #"{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"positive"}]}"# + "\n"
        let spec = FineTuningSpec(
            model: "gpt-4o-mini", training: Array(String(repeating: line, count: 4).utf8), validation: Array(line.utf8),
            suffix: "test", seed: 1, hyperparameters: ["n_epochs": .number(2)])
        let driver = try RemoteFineTuning(configuration(server), journal: journal, pollInterval: 0.05)
        var steps: [Int] = []
        let outcome = try driver.run(spec, onStatus: { _ in }, onMetric: { steps.append($0.step) }, shouldStop: { .none })
        #expect(outcome.status == "succeeded")
        #expect(outcome.fineTunedModel?.hasPrefix("ft:gpt-4o-mini:test:") == true)
        #expect(steps == Array(1...8), "every step once, in order")
        #expect(outcome.epochEnds == [4, 8])
        #expect(outcome.checkpoints.map(\.step) == [4, 8])
        #expect(outcome.metrics.contains { $0.validLoss != nil })
        let again = try RemoteFineTuning(configuration(server), journal: journal, pollInterval: 0.05)
        var said: [String] = []
        let second = try again.run(spec, onStatus: { said.append($0) }, onMetric: { _ in }, shouldStop: { .none })
        #expect(second.jobID == outcome.jobID && said.first?.contains("reattached") == true, "\(said)")
        #expect(try server.stats().jobsCreated == 1)
        // Ctrl-C answered "yes, cancel": the job is cancelled on the server.
        var other = spec
        other.seed = 2
        let cancelled = try RemoteFineTuning(configuration(server), journal: journal, pollInterval: 0.05)
        #expect(throws: TeacherError.self) {
            try cancelled.run(other, onStatus: { _ in }, onMetric: { _ in }, shouldStop: { .cancel })
        }
        #expect(try server.stats().cancels == 1)
    }

    @Test func aFailedJobShowsTheServicesMessage() throws {
        let server = try FixtureServer(arguments: ["--job-seconds", "0.4", "--job-fault", "fail"])
        let spec = FineTuningSpec(model: "gpt-4o-mini", training: Array(#"{"messages":[]}"#.utf8 + [0x0A]))
        let outcome = try RemoteFineTuning(configuration(server), journal: JobJournal(path: nil), pollInterval: 0.05)
            .run(spec, onStatus: { _ in }, onMetric: { _ in }, shouldStop: { .none })
        #expect(outcome.status == "failed")
        #expect(outcome.error?.contains("over the 65,536 token limit") == true, "\(outcome)")
    }

    @Test func aServerRestartedMidJobIsWaitedFor() throws {
        let state = try FewshotProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: state) }
        let statePath = state.appendingPathComponent("jobs.json").path
        var server = try FixtureServer(arguments: ["--job-seconds", "1.5", "--state", statePath])
        let port = server.port
        let batch = try BatchTeacher(configuration(server), journal: JobJournal(path: nil), pollInterval: 0.1)
        let requests = (0..<3).map { request("restart \($0)") }
        var restarted = false
        let answers = batch.complete(
            requests,
            progress: nil,
            isCancelled: {
                // Mid-job, the service goes away and comes back on the same port with its jobs.
                if !restarted {
                    restarted = true
                    server.stop()
                    usleep(300_000)
                    server =
                        (try? FixtureServer(arguments: ["--job-seconds", "1.5", "--state", statePath, "--port", "\(port)"]))
                        ?? server
                }
                return false
            })
        #expect(answers.allSatisfy { (try? $0.get()) != nil }, "\(answers)")
        #expect(try server.stats().batchesCreated == 1)
    }

    /// A journal line the server no longer knows (another key, a deleted batch) never blocks a
    /// call: a new job is made. The journal keeps no URL, which may carry a password.
    @Test func aStaleJournalLineMakesANewJobAndTheJournalHoldsNoURL() throws {
        let server = try FixtureServer(arguments: ["--job-seconds", "0.3"])
        let folder = try FewshotProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("jobs.jsonl").path
        let journal = JobJournal(path: path)
        let requests = [request("stale")]
        let input = try BatchFile.input(requests, ids: BatchFile.customIDs(for: requests))
        try journal.note(
            kind: "batch", spec: JobJournal.spec([Array("batch".utf8), input]), server: server.baseURL, id: "batch-gone")
        let batch = try BatchTeacher(configuration(server), journal: journal, pollInterval: 0.1)
        #expect(try batch.complete(requests, progress: nil, isCancelled: { false })[0].get().text == "echo: stale")
        #expect(try server.stats().batchesCreated == 1)
        try journal.note(kind: "batch", spec: "x", server: "https://me:hunter2-password@example.com/v1", id: "batch-1")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("hunter2") && !text.contains("127.0.0.1"), "\(text)")
        #expect(
            JobJournal(path: path).job(kind: "batch", spec: "x", server: "https://me:hunter2-password@example.com/v1")
                == "batch-1")
    }

    /// A hostile or broken server, or a broken journal, ends each call with a clear message in
    /// bounded time: ids that would change the URL are refused, an events list that never ends
    /// is read a bounded number of pages a poll, a journal that is a FIFO only costs a warning.
    @Test func hostileServersAndBrokenJournalsAreBounded() throws {
        let line = #"{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"ok"}]}"# + "\n"
        let spec = FineTuningSpec(model: "m", training: Array(line.utf8), hyperparameters: ["n_epochs": .number(1)])
        let badIDs = try FixtureServer(arguments: ["--job-seconds", "0.3", "--job-fault", "bad-id"])
        let batch = try BatchTeacher(configuration(badIDs), journal: JobJournal(path: nil), pollInterval: 0.05)
        let answers = batch.complete([request("x")], progress: nil, isCancelled: { false })
        #expect("\(answers[0])".contains("is not an id"), "\(answers)")
        #expect(throws: TeacherError.self) {
            try RemoteFineTuning(configuration(badIDs), journal: JobJournal(path: nil), pollInterval: 0.05)
                .run(spec, onStatus: { _ in }, onMetric: { _ in }, shouldStop: { .none })
        }
        let endless = try FixtureServer(arguments: ["--job-seconds", "0.3", "--job-fault", "endless-events"])
        let started = Date()
        let outcome = try RemoteFineTuning(configuration(endless), journal: JobJournal(path: nil), pollInterval: 0.05)
            .run(spec, onStatus: { _ in }, onMetric: { _ in }, shouldStop: { .none })
        #expect(outcome.status == "succeeded" && Date().timeIntervalSince(started) < 20)
        let folder = try FewshotProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("jobs.jsonl").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let server = try FixtureServer(arguments: ["--job-seconds", "0.3"])
        let fifoBatch = try BatchTeacher(configuration(server), journal: JobJournal(path: fifo), pollInterval: 0.05)
        var said: [String] = []
        fifoBatch.onStatus = { said.append($0) }
        #expect(try fifoBatch.complete([request("y")], progress: nil, isCancelled: { false })[0].get().text == "echo: y")
        #expect(said.contains { $0.hasPrefix("warning: batch") && $0.contains("could not be noted") }, "\(said)")
    }
}
