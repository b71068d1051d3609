import Chat
import Foundation
import TestSupport
import Testing

@testable import Teacher
@testable import TeacherHTTP

/// A one-message request for the fixture, e.g. `userRequest("#fault=status #status=429 hi")`.
func userRequest(_ content: String, temperature: Double? = nil) -> ChatRequest {
    ChatRequest(model: "fixture", messages: [ChatMessage(role: "user", content: content)], temperature: temperature)
}

/// A teacher on `server` with small delays, so fault tests stay fast.
func fastTeacher(
    _ server: FixtureServer, maxConcurrency: Int = 8, timeout: Double = 5, maxRetries: Int = 2, keyEnv: String? = nil
) throws -> HTTPTeacher {
    try HTTPTeacher(
        HTTPTeacherConfiguration(
            model: "fixture", baseURL: server.baseURL, keyEnv: keyEnv, maxConcurrency: maxConcurrency, timeout: timeout,
            connectTimeout: 2, retry: RetryPolicy(maxRetries: maxRetries, initialDelay: 0.02, maxDelay: 0.1)))
}

/// The error inside a result, as a `TeacherError` (nil for a success or another error type).
func teacherError(_ result: Result<ChatResponse, Error>) -> TeacherError? {
    if case .failure(let error) = result { return error as? TeacherError }
    return nil
}
