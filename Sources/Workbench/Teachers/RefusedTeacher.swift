import Teacher

/// A teacher whose server the policy refused, in a replay: every request fails with the
/// refusal, before anything is sent, while the notebook's recording answers (a replay never
/// asks it). It shows the summary of the teacher it stands for, so replayed outputs match.
final class RefusedTeacher: ChatTeacher {
    let summary: String
    private let message: String

    init(summary: String, message: String) {
        self.summary = summary
        self.message = message
    }

    func complete(
        _ requests: [ChatRequest], progress: ((Int, Int) -> Void)?, isCancelled: () -> Bool,
        onResult: (Int, Result<ChatResponse, Error>) -> Void
    ) -> [Result<ChatResponse, Error>] {
        let results: [Result<ChatResponse, Error>] = requests.indices.map {
            .failure(TeacherError(.configuration, message, requestIndex: $0, requestCount: requests.count))
        }
        for (index, result) in results.enumerated() { onResult(index, result) }
        return results
    }

    func stream(_ request: ChatRequest, onToken: (String) -> Void, isCancelled: () -> Bool) throws -> ChatResponse {
        throw TeacherError(.configuration, message)
    }
}
