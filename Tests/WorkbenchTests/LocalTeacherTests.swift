import Chat
import Teacher
import Testing

@testable import Workbench

/// The local teacher refuses what it cannot do instead of quietly answering something else.
struct LocalTeacherTests {
    /// No model is needed: the refusal comes before the model would load.
    let teacher = LocalTeacher(modelPath: "/nonexistent/model.gguf")

    private func request(_ edit: (inout ChatRequest) -> Void) -> ChatRequest {
        var request = ChatRequest(model: "smollm2-135m", messages: [ChatMessage(role: "user", content: "hi")], maxTokens: 4)
        edit(&request)
        return request
    }

    @Test func severalSamplesInOneRequestAreRefused() {
        let error = #expect(throws: LocalTeacherError.self) {
            try teacher.stream(request { $0.n = 3 }, onToken: { _ in }, isCancelled: { false })
        }
        #expect(error?.description.contains("send 3 requests instead") == true)
    }

    @Test func aResponseFormatOtherThanTextIsRefused() {
        let error = #expect(throws: LocalTeacherError.self) {
            try teacher.stream(request { $0.responseFormat = .jsonObject }, onToken: { _ in }, isCancelled: { false })
        }
        #expect(error?.description.contains("response format") == true)
        // Plain text is what it writes: that goes on to load the model (missing here).
        #expect(throws: (any Error).self) {
            try teacher.stream(request { $0.responseFormat = .text }, onToken: { _ in }, isCancelled: { false })
        }
        #expect(throws: Never.self) { try LocalTeacher.checkSupported(request { $0.responseFormat = .text }) }
    }
}
