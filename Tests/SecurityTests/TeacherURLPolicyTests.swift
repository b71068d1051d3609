import Foundation
import Testing

@testable import Workbench

@Suite struct TeacherURLPolicyTests {
    @Test func theConfiguredServerAndAllowedOnesPass() {
        let policy = TeacherURLPolicy.confined(
            allowing: ["http://127.0.0.1:8080/v1"], environment: ["OPENAI_BASE_URL": "https://Example.COM:443/v1/"])
        #expect(policy.refusal(for: "https://example.com/v1") == nil)
        #expect(policy.refusal(for: "http://127.0.0.1:8080/v1/") == nil)
        #expect(policy.refusal(for: "http://127.0.0.1:8081/v1") != nil)
        #expect(policy.refusal(for: "https://example.com/v2") != nil)
        #expect(policy.refusal(for: "https://example.com.evil.net/v1") != nil)
    }

    @Test func withoutTheVariableTheDefaultServerIsTheConfiguredOne() {
        let policy = TeacherURLPolicy.confined(environment: [:])
        #expect(policy.refusal(for: "https://api.openai.com/v1") == nil)
        let message = policy.refusal(for: "http://10.0.0.1/v1")
        #expect(message?.contains("no API key") == true)
        #expect(message?.contains("--allow-teacher-url http://10.0.0.1/v1") == true)
    }

    @Test func unrestrictedAllowsEverything() {
        #expect(TeacherURLPolicy.unrestricted.refusal(for: "http://anything/v1") == nil)
    }

    @Test func aRefusedTeacherFailsEveryRequestWithoutSending() throws {
        let teacher = RefusedTeacher(summary: "http m at http://x/v1", message: "refused: use --allow-teacher-url")
        let results = teacher.complete(
            [.init(model: "m", messages: []), .init(model: "m", messages: [])], progress: nil, isCancelled: { false })
        #expect(results.count == 2)
        for result in results {
            guard case .failure(let error) = result else { Issue.record("expected a failure"); continue }
            #expect("\(error)".contains("--allow-teacher-url"))
        }
        #expect(throws: (any Error).self) {
            try teacher.stream(.init(model: "m", messages: []), onToken: { _ in }, isCancelled: { false })
        }
    }
}
