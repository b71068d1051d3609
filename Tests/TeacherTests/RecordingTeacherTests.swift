import Foundation
import TestSupport
import Testing

@testable import Teacher

/// A teacher in the test process that counts what it is asked (stands in for the local model).
final class CountingTeacher: ChatTeacher {
    var calls = 0
    var summary: String { "counting" }

    func complete(
        _ requests: [ChatRequest], progress: ((Int, Int) -> Void)?, isCancelled: () -> Bool,
        onResult: (Int, Result<ChatResponse, Error>) -> Void
    ) -> [Result<ChatResponse, Error>] {
        let results: [Result<ChatResponse, Error>] = requests.map { request in
            calls += 1
            return .success(ChatResponse(text: "answer \(calls) to \(request.messages.last!.content)"))
        }
        for (index, result) in results.enumerated() { onResult(index, result) }
        return results
    }

    func stream(_ request: ChatRequest, onToken: (String) -> Void, isCancelled: () -> Bool) throws -> ChatResponse {
        calls += 1
        for piece in ["a", "b", "c"] { onToken(piece) }
        return ChatResponse(text: "abc")
    }
}

@Suite struct RecordingTeacherTests {
    @Test func latencyIsMeasuredPerRequestAndReplayedAsRecorded() throws {
        let server = try FixtureServer()
        let store = RecordingStore()
        let teacher = RecordingTeacher(wrapping: try fastTeacher(server, maxConcurrency: 2), store: store)
        let asked = teacher.complete(
            [userRequest("#delay-ms=150 slow"), userRequest("quick")], progress: nil, isCancelled: { false })
        let slow = try #require(try asked[0].get().seconds)
        #expect(slow >= 0.15, "the wait before the answer counts")
        #expect(try asked[1].get().seconds != nil)
        // Replayed from a copy of the recording, offline: the latency measured when it was asked.
        let copy = try RecordingStore(data: store.serialized())
        let replayed = RecordingTeacher(wrapping: CountingTeacher(), store: copy, mode: .replay)
            .complete([userRequest("#delay-ms=150 slow")], progress: nil, isCancelled: { false })
        #expect(try replayed[0].get().seconds == slow)
    }

    @Test func moreSamplesReuseTheRecordedOnes() throws {
        let server = try FixtureServer()
        let store = RecordingStore()
        let teacher = RecordingTeacher(wrapping: try fastTeacher(server), store: store)
        let prompt = userRequest("#tag=p write a tweet", temperature: 1)
        let first = teacher.complete(Array(repeating: prompt, count: 50), progress: nil, isCancelled: { false })
        #expect(first.allSatisfy { (try? $0.get()) != nil })
        #expect(teacher.lastCall == RecordingStatistics(replayed: 0, called: 50, recorded: 50))
        var seen: [Int] = []
        let second = teacher.complete(
            Array(repeating: prompt, count: 80), progress: { done, _ in seen.append(done) }, isCancelled: { false })
        #expect(second.allSatisfy { (try? $0.get()) != nil })
        #expect(teacher.lastCall == RecordingStatistics(replayed: 50, called: 30, recorded: 30))
        #expect(seen.first == 50 && seen.last == 80)
        #expect(try server.stats().attempts["p"] == 80)
        // Nothing recorded twice: one entry per sample.
        #expect(store.count == 80)
        #expect(Set(store.entries.map(\.sample)) == Set(0..<80))
        #expect(store.sampleCount(key: prompt.recordingKey) == 80)

        teacher.mode = .replay
        let replayed = teacher.complete(Array(repeating: prompt, count: 81), progress: nil, isCancelled: { false })
        #expect(try server.stats().attempts["p"] == 80)
        #expect(replayed.prefix(80).allSatisfy { (try? $0.get()) != nil })
        let missing = try #require(teacherError(replayed[80]))
        #expect(missing.kind == .missingRecording)
        #expect(missing.description.contains("request 81 of 81"))
        #expect(missing.description.contains("sample 81 of fixture: \"#tag=p write a tweet\""))

        teacher.mode = .refresh
        _ = teacher.complete([prompt, prompt], progress: nil, isCancelled: { false })
        #expect(try server.stats().attempts["p"] == 82)
        #expect(store.count == 82)

        teacher.mode = .off
        _ = teacher.complete([prompt], progress: nil, isCancelled: { false })
        #expect(try server.stats().attempts["p"] == 83)
        #expect(store.count == 82)
    }

    @Test func answersAreOnDiskAsSoonAsTheyArrive() throws {
        let server = try FixtureServer()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fewshot-live-\(UUID()).fsrec").path
        let teacher = RecordingTeacher(
            wrapping: try fastTeacher(server, maxConcurrency: 2), store: try RecordingStore(path: path))
        func linesOnDisk() -> Int {
            ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").count - 1
        }
        var onDiskAtProgress: [Int] = []
        var reported: [Int] = []
        var done = 0
        let results = teacher.complete(
            (0..<10).map { userRequest("#delay-ms=40 q\($0)") },
            progress: { finished, _ in
                done = finished
                onDiskAtProgress.append(linesOnDisk())
            }, isCancelled: { done >= 5 }, onResult: { index, _ in reported.append(index) })
        // Each answer was written before the next progress report, not at the end of the call.
        #expect(onDiskAtProgress == Array(1...onDiskAtProgress.count))
        let successes = results.filter { (try? $0.get()) != nil }.count
        #expect(successes >= 5 && successes < 10)
        #expect(linesOnDisk() == successes)
        #expect(reported.sorted() == Array(0..<10))
    }

    @Test func failuresAreNotRecordedAndKeepTheirPlace() throws {
        let server = try FixtureServer()
        let store = RecordingStore()
        let teacher = RecordingTeacher(wrapping: try fastTeacher(server, maxRetries: 0), store: store)
        try store.append(Recording(request: userRequest("known"), sample: 0, response: ChatResponse(text: "from the store")))
        let requests = [userRequest("fresh"), userRequest("known"), userRequest("#fault=status #status=400 refused")]
        let results = teacher.complete(requests, progress: nil, isCancelled: { false })
        #expect(try results[0].get().text == "echo: fresh")
        #expect(try results[1].get().text == "from the store")
        let refused = try #require(teacherError(results[2]))
        #expect(refused.requestIndex == 2 && refused.requestCount == 3)
        #expect(store.count == 2)
    }

    @Test func wrapsAnyTeacherAndReplaysStreamsAsStreams() throws {
        let inner = CountingTeacher()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fewshot-stream-\(UUID()).fsrec").path
        let teacher = RecordingTeacher(wrapping: inner, store: try RecordingStore(path: path))
        var pieces: [String] = []
        let first = try teacher.stream(userRequest("hello"), onToken: { pieces.append($0) }, isCancelled: { false })
        #expect(pieces == ["a", "b", "c"])
        pieces = []
        // A fresh process: the store reloaded from disk, replay mode, the inner teacher unused.
        let replaying = RecordingTeacher(wrapping: inner, store: try RecordingStore(path: path), mode: .replay)
        let second = try replaying.stream(userRequest("hello"), onToken: { pieces.append($0) }, isCancelled: { false })
        #expect(pieces == ["a", "b", "c"])
        #expect(second == first)
        #expect(inner.calls == 1)
        #expect(throws: TeacherError.self) {
            try replaying.stream(userRequest("unknown"), onToken: { _ in }, isCancelled: { false })
        }
        // Bulk answers of the local teacher are recorded the same way.
        let bulk = RecordingTeacher(wrapping: inner, store: RecordingStore())
        _ = bulk.complete([userRequest("x"), userRequest("x")], progress: nil, isCancelled: { false })
        let again = bulk.complete([userRequest("x"), userRequest("x")], progress: nil, isCancelled: { false })
        #expect(inner.calls == 3)
        #expect(try again.map { try $0.get().text } == ["answer 2 to x", "answer 3 to x"])
    }
}
