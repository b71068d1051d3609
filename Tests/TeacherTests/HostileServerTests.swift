import Foundation
import TestSupport
import Testing

@testable import Teacher
@testable import TeacherHTTP

/// The HTTP client against a server that misbehaves in every way the fixture knows: each case
/// must end, promptly, in an answer or a reported error, never a crash, a hang or unbounded
/// memory, and an answer lost on the way must be asked for again.
@Suite struct HostileServerTests {
    /// A teacher with small limits, so each case takes a fraction of a second.
    func teacher(
        _ server: FixtureServer, timeout: Double = 5, readTimeout: Double = 0.3, maxResponseBytes: Int = 64 << 10,
        maxRetries: Int = 2
    ) throws -> HTTPTeacher {
        try HTTPTeacher(
            HTTPTeacherConfiguration(
                model: "fixture", baseURL: server.baseURL, maxConcurrency: 8, timeout: timeout, connectTimeout: 2,
                readTimeout: readTimeout, maxResponseBytes: maxResponseBytes,
                retry: RetryPolicy(maxRetries: maxRetries, initialDelay: 0.02, maxDelay: 0.1)))
    }

    @Test func aResponsePastTheCapIsCutOffAndNotRetried() throws {
        let server = try FixtureServer()
        let capped = try teacher(server)
        let faults = ["huge", "huge-length", "huge-header"]
        let start = Date()
        let results = capped.complete(
            faults.map { userRequest("#tag=\($0) #fault=\($0) #huge-mb=256 big") }, progress: nil, isCancelled: { false })
        for (fault, result) in zip(faults, results) {
            let error = try #require(teacherError(result), "\(fault) must fail")
            #expect(error.kind == .decoding, "\(fault): \(error)")
            #expect(error.message.contains("passed max_response_bytes (64 KiB)"), "\(fault): \(error)")
            #expect(error.attempts == 1, "\(fault): a response past the cap is not fetched again")
        }
        // Streamed, the cap holds too.
        #expect {
            try capped.stream(userRequest("#tag=s #fault=huge #huge-mb=256 big"), onToken: { _ in }, isCancelled: { false })
        } throws: { "\($0)".contains("max_response_bytes") }
        // The default cap (8 MiB) stops a 1 GiB answer long before it is read.
        let plain = try teacher(server, maxResponseBytes: HTTPTeacherConfiguration.defaultMaxResponseBytes)
        let gigabyte = plain.complete(
            [userRequest("#tag=g #fault=huge #huge-mb=1024 big")], progress: nil, isCancelled: { false })
        #expect(teacherError(gigabyte[0])?.message.contains("8 MiB") == true)
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test func unreadableAnswersAreAskedForAgain() throws {
        let server = try FixtureServer()
        let client = try teacher(server)
        let faults = ["truncated", "short", "garbage", "malformed", "error-200", "invalid-utf8", "reset", "drop"]
        let results = client.complete(
            faults.map { userRequest("#tag=\($0) #fault=\($0) #times=1 \($0) answer") }, progress: nil,
            isCancelled: { false })
        let stats = try server.stats()
        for (fault, result) in zip(faults, results) {
            #expect((try? result.get().text) == "echo: \(fault) answer", "\(fault): \(String(describing: teacherError(result)))")
            #expect(stats.attempts[fault] == 2, "\(fault) is asked once more")
        }
        // A server that never answers readably fails after its retries, with the reason.
        let broken = client.complete([userRequest("#tag=always #fault=truncated cut")], progress: nil, isCancelled: { false })
        let error = try #require(teacherError(broken[0]))
        #expect(error.kind == .decoding && error.attempts == 3, "\(error)")
        // A good answer labelled with the wrong content type is still an answer.
        let labelled = client.complete([userRequest("#fault=wrong-type typed")], progress: nil, isCancelled: { false })
        #expect((try? labelled[0].get().text) == "echo: typed")
    }

    @Test func aStalledOrDrippingAnswerTimesOut() throws {
        let server = try FixtureServer()
        let client = try teacher(server, timeout: 1.5, readTimeout: 0.3, maxRetries: 1)
        let start = Date()
        let results = client.complete(
            [
                userRequest("#tag=stall #fault=stall #stall-ms=20000 stalled"),
                userRequest("#tag=once #fault=stall #stall-ms=20000 #times=1 stalled once"),
                userRequest("#tag=drip #fault=drip #drip-ms=100 dripping"),
            ], progress: nil, isCancelled: { false })
        let elapsed = Date().timeIntervalSince(start)
        let stalled = try #require(teacherError(results[0]))
        #expect(stalled.kind == .timeout && stalled.message.contains("stopped arriving for 0.3 s"), "\(stalled)")
        #expect(stalled.attempts == 2)
        #expect((try? results[1].get().text) == "echo: stalled once")
        // A byte every 100 ms never stalls, but the whole-answer timeout ends it.
        let dripping = try #require(teacherError(results[2]))
        #expect(dripping.kind == .timeout && dripping.message.contains("within 1.5 s"), "\(dripping)")
        #expect(elapsed < 6, "no hang: \(elapsed) s")
    }

    @Test func limitsOutsideTheirRangeAreRefused() {
        for bytes in [0, 1023, (1 << 30) + 1] {
            #expect(throws: TeacherError.self) {
                try HTTPTeacherConfiguration(model: "m", baseURL: "http://127.0.0.1:1/v1", maxResponseBytes: bytes)
            }
        }
        #expect(throws: TeacherError.self) {
            try HTTPTeacherConfiguration(model: "m", baseURL: "http://127.0.0.1:1/v1", readTimeout: 0)
        }
    }

    /// At a 60% fault rate, every answer still arrives: what fails after the retries is
    /// reported, and asking again (as re-running the cell does) sends only those.
    @Test func atAHighFaultRateNothingIsLostAfterAskingAgain() throws {
        let server = try FixtureServer()
        let client = try teacher(server)
        let store = RecordingStore()
        let recorded = RecordingTeacher(wrapping: client, store: store)
        let faults = ["truncated", "short", "garbage", "reset", "status"]
        let requests = (0..<100).map { userRequest("#fault=\(faults[$0 % 5]) #fault-rate=0.6 row \($0)") }
        var failedPerRun: [Int] = []
        for _ in 0..<6 {
            let results = recorded.complete(requests, progress: nil, isCancelled: { false })
            let failed = results.filter { (try? $0.get()) == nil }.count
            failedPerRun.append(failed)
            #expect(recorded.lastCall.called == (failedPerRun.count == 1 ? 100 : failedPerRun[failedPerRun.count - 2]))
            if failed == 0 { break }
        }
        #expect(failedPerRun.last == 0, "failed per run: \(failedPerRun)")
        #expect(failedPerRun[0] < 40, "retries rescue most: \(failedPerRun)")
        #expect(store.count == 100)
    }
}
