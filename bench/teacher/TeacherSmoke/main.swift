// teacher-smoke: exercises HTTPTeacher against a real OpenAI-compatible server (llama-server in
// scripts/teacher-integration): a bulk call, a stream, JSON mode, n > 1 and a record/replay round trip.
// Prints what each step got and exits 1 when a step fails.
//
// Usage: teacher-smoke --base-url http://127.0.0.1:8080/v1 [--model NAME]
import Chat
import Foundation
import Teacher
import TeacherHTTP

var baseURL = ""
var model = "smollm2"
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--base-url": baseURL = arguments.next() ?? ""
    case "--model": model = arguments.next() ?? model
    default:
        FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
        exit(2)
    }
}

var failed = false
func check(_ ok: Bool, _ what: String) {
    print((ok ? "ok    " : "FAIL  ") + what)
    if !ok { failed = true }
}

func ask(_ text: String, maxTokens: Int = 24) -> ChatRequest {
    ChatRequest(
        model: model,
        messages: [
            ChatMessage(role: "system", content: "You are a helpful assistant. Answer briefly."),
            ChatMessage(role: "user", content: text),
        ], temperature: 0, maxTokens: maxTokens, seed: 1)
}

do {
    let http = try HTTPTeacher(
        HTTPTeacherConfiguration(model: model, baseURL: baseURL, maxConcurrency: 4, timeout: 120))
    print("teacher: \(http.summary)")

    // 1. A bulk call: answers in order, usage reported.
    let questions = [
        "What is the capital of France?", "Name a colour.", "Say hello.", "What is 2 + 2?",
        "Name an animal.", "What day comes after Monday?",
    ]
    var start = Date()
    let answers = http.complete(questions.map { ask($0) }, progress: nil, isCancelled: { false })
    print(String(format: "bulk: %d requests in %.2f s", questions.count, Date().timeIntervalSince(start)))
    for (question, answer) in zip(questions, answers) {
        switch answer {
        case .success(let response):
            check(
                !response.text.isEmpty && response.usage.completionTokens > 0,
                "\(question) -> \(response.text.debugDescription) (\(response.usage.promptTokens)+\(response.usage.completionTokens) tokens)"
            )
        case .failure(let error):
            check(false, "\(question) -> \(error)")
        }
    }

    // 2. A stream: pieces arrive one by one and add up to the answer.
    var pieces: [String] = []
    start = Date()
    let streamed = try http.stream(
        ask("Tell me a one-sentence story about a cat.", maxTokens: 40),
        onToken: { pieces.append($0) }, isCancelled: { false })
    check(
        pieces.count > 1 && pieces.joined() == streamed.text,
        String(
            format: "stream: %d pieces in %.2f s, finish %@, usage %d+%d: %@", pieces.count,
            Date().timeIntervalSince(start), streamed.finishReason ?? "nil", streamed.usage.promptTokens,
            streamed.usage.completionTokens, streamed.text.debugDescription))

    // 3. JSON mode: the answer parses as a JSON object.
    var json = ask("Give the sentiment of the tweet 'I love this!' as JSON with a key \"sentiment\".", maxTokens: 40)
    json.responseFormat = .jsonObject
    let jsonAnswer = try http.complete([json], progress: nil, isCancelled: { false })[0].get()
    let parsed = try? JSONSerialization.jsonObject(with: Data(jsonAnswer.text.utf8)) as? [String: Any]
    check(parsed != nil, "json mode: \(jsonAnswer.text.debugDescription)")

    // 4. Several answers to one request (`n`, which llama-server calls n_cmpl): all come back.
    var several = ask("Name a fruit.", maxTokens: 12)
    several.temperature = 0.9
    several.n = 3
    let choices = try http.complete([several], progress: nil, isCancelled: { false })[0].get()
    check(
        choices.texts.count == 3 && choices.texts.allSatisfy { !$0.isEmpty },
        "n = 3: \(choices.texts.map(\.debugDescription).joined(separator: ", ")) (\(choices.usage.promptTokens)+\(choices.usage.completionTokens) tokens)"
    )

    // 5. Record, then replay offline: same answers, no calls.
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("teacher-smoke-\(getpid()).fsrec").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let recorder = RecordingTeacher(wrapping: http, store: try RecordingStore(path: path))
    let recorded = recorder.complete(questions.prefix(3).map { ask($0) }, progress: nil, isCancelled: { false })
    let replayer = RecordingTeacher(wrapping: http, store: try RecordingStore(path: path), mode: .replay)
    let before = http.statistics.attempts
    let replayed = replayer.complete(questions.prefix(3).map { ask($0) }, progress: nil, isCancelled: { false })
    check(
        replayed.map { try? $0.get() } == recorded.map { try? $0.get() } && http.statistics.attempts == before
            && replayer.lastCall.replayed == 3, "record then replay: \(replayer.lastCall)")
    print("statistics: \(http.statistics)")
} catch {
    check(false, "\(error)")
}
exit(failed ? 1 : 0)
