import Foundation
import Testing

@testable import Teacher
@testable import TeacherHTTP

@Suite struct RetryPolicyTests {
    @Test(arguments: [
        (408, true), (409, true), (429, true), (500, true), (503, true), (599, true),
        (400, false), (401, false), (404, false), (422, false),
    ])
    func retryableStatuses(status: Int, retryable: Bool) {
        #expect(RetryPolicy.isRetryable(status: status) == retryable)
    }

    @Test func serverHeadersOverrideTheStatusRule() {
        let policy = RetryPolicy()
        #expect(policy.shouldRetry(status: 400, headers: ["x-should-retry": "true"]))
        #expect(!policy.shouldRetry(status: 503, headers: ["x-should-retry": "false"]))
        #expect(policy.shouldRetry(status: 503, headers: [:]))
    }

    @Test func honoursRetryAfterInOrder() {
        let policy = RetryPolicy()
        let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT
        #expect(policy.delay(retry: 0, headers: ["retry-after-ms": "250", "retry-after": "9"], now: now) == 0.25)
        #expect(policy.delay(retry: 0, headers: ["retry-after": "3"], now: now) == 3)
        #expect(policy.delay(retry: 0, headers: ["retry-after": "1.5"], now: now) == 1.5)
        #expect(policy.delay(retry: 0, headers: ["retry-after": "Wed, 21 Oct 2015 07:28:07 GMT"], now: now) == 7)
        #expect(policy.delay(retry: 0, headers: ["retry-after": "600"], now: now) == 120)  // capped
    }

    @Test func backsOffExponentiallyWithJitter() {
        let policy = RetryPolicy()
        for (retry, full) in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 8.0), (9, 8.0)] {
            for _ in 0..<20 {
                let delay = policy.delay(retry: retry, headers: ["retry-after": "not a date"])
                #expect(delay <= full && delay > full * 0.75 - 1e-9, "retry \(retry): \(delay)")
            }
        }
    }
}
