import Chat
import Foundation
import Testing

@testable import Teacher
@testable import TeacherHTTP

@Suite struct ConfigurationTests {
    @Test func baseURLComesFromTheEnvironmentByDefault() throws {
        let fromEnvironment = try HTTPTeacherConfiguration(
            model: "m", environment: ["OPENAI_BASE_URL": "http://10.0.0.2:8000/v1/"])
        #expect(fromEnvironment.baseURL == "http://10.0.0.2:8000/v1")
        #expect(fromEnvironment.endpoint == "http://10.0.0.2:8000/v1/chat/completions")
        #expect(fromEnvironment.keyEnv == "OPENAI_API_KEY")
        #expect(!fromEnvironment.requireKey)
        let explicit = try HTTPTeacherConfiguration(
            model: "m", baseURL: "http://127.0.0.1:1/v1", keyEnv: "MY_KEY", environment: ["OPENAI_BASE_URL": "x"])
        #expect(explicit.baseURL == "http://127.0.0.1:1/v1")
        #expect(explicit.requireKey)
        let fallback = try HTTPTeacherConfiguration(model: "m", environment: [:])
        #expect(fallback.baseURL == HTTPTeacherConfiguration.defaultBaseURL)
    }

    @Test func badSettingsAreClearErrors() {
        #expect(throws: TeacherError.self) { try HTTPTeacherConfiguration(model: "m", baseURL: "ftp://x") }
        #expect(throws: TeacherError.self) {
            try HTTPTeacherConfiguration(model: "m", baseURL: "http://x", maxConcurrency: 0)
        }
        #expect(throws: TeacherError.self) { try HTTPTeacherConfiguration(model: "m", baseURL: "http://x", timeout: 0) }
    }

    @Test func aMissingNamedKeyFailsEveryRequest() throws {
        let teacher = try HTTPTeacher(
            HTTPTeacherConfiguration(model: "m", baseURL: "http://127.0.0.1:9/v1", keyEnv: "FEWSHOT_TEST_UNSET_KEY"))
        let results = teacher.complete([userRequest("a"), userRequest("b")], progress: nil, isCancelled: { false })
        for (index, result) in results.enumerated() {
            let error = try #require(teacherError(result))
            #expect(error.kind == .configuration)
            #expect(error.requestIndex == index)
            #expect(error.description.contains("FEWSHOT_TEST_UNSET_KEY"))
        }
    }

    @Test func wireFormatUsesTheAPISpelling() throws {
        var request = ChatRequest(
            model: "m", messages: [ChatMessage(role: "user", content: "hi")], topP: 0.5, maxTokens: 3)
        request.responseFormat = .jsonObject
        let data = try JSONEncoder().encode(WireChatRequest(request, stream: true))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["model", "messages", "top_p", "max_tokens", "response_format", "stream", "stream_options"])
        #expect((object["response_format"] as? [String: Any])?["type"] as? String == "json_object")
    }

    @Test func responseFormatRoundTrips() throws {
        let formats: [ResponseFormat] = [
            .text, .jsonObject,
            .jsonSchema(name: "s", schema: .object(["type": .string("array"), "maxItems": .number(3)]), strict: nil),
        ]
        for format in formats {
            let data = try JSONEncoder().encode(format)
            #expect(try JSONDecoder().decode(ResponseFormat.self, from: data) == format)
        }
    }
}
