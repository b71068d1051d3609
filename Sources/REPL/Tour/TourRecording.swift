import Foundation
import Teacher
import Workbench

/// The tour's teacher: a recording of the answers its lesson asks for, built in code, so the
/// tour replays them offline and never loads a model.
///
/// The recording is made the way a notebook's is: the lesson's own cells run in a workspace whose
/// teacher is `LessonTeacher`, and every request they make is recorded under the model name the
/// local teacher uses. A learner typing the same cells asks the same requests, which replay.
public enum TourRecording {
    /// The model name the local teacher puts in its requests (`teacher()`).
    static let model = "smollm2-135m"

    /// The cells whose teacher requests are recorded: the lesson's data, prompt and shots, then
    /// the two calls that ask the teacher (labelling `unlabelled`, scoring on `test`).
    static let cells = [
        TourLesson.reviewsCell, TourLesson.unlabelledCell, TourLesson.testCell, TourLesson.promptCell,
        TourLesson.shotsCell,
        "generate(p, s, label: unlabelled, teacher: lesson_teacher, temperature: 0)",
        "evaluate(lesson_teacher, test, prompt: p, shots: s)",
    ]

    /// Records the lesson's teacher answers into a new in-memory store.
    public static func make() throws -> RecordingStore {
        let store = RecordingStore()
        let workspace = try Workspace(recording: store, mode: .record)
        workspace.session.setGlobal("lesson_teacher", .host(workspace.state.recorded(LessonTeacher(), model: model)))
        for (index, cell) in cells.enumerated() {
            for output in workspace.run(cell, executionCount: index + 1) {
                if case .error(let message, _) = output {
                    throw TeacherError(.store, "the tour's recording could not be made: \(message)")
                }
            }
        }
        return store
    }
}

/// The answers the tour's teacher gives, one per review, as a small instruct model might
/// reply: mostly a plain label, some with extra words, two it cannot decide, one mistake.
final class LessonTeacher: ChatTeacher {
    /// The reply to each review, by the review's text.
    static let replies: [String: String] = [
        // Rows of `unlabelled`.
        "great acting and a lovely story": "positive",
        "the jokes fell flat every time": "Negative.",
        "a clever, moving film": "positive",
        "I fell asleep halfway through": "negative",
        "the best film I have seen this year": "Sentiment: positive",
        "awful dialogue and a silly ending": "negative",
        "meh": "negative",
        "funny, warm and full of heart": "positive",
        "a mess from start to finish": "negative",
        "the cast was great but the story was slow": "Partly positive, partly negative.",
        "I would happily watch it again": "positive",
        "too long and too loud": "negative",
        "a lovely surprise": "Positive!",
        "dull, dull, dull": "negative",
        "the music was great": "positive",
        "not worth the ticket": "positive",
        "I did not enjoy it at all": "I cannot tell from this review.",
        // Rows of `test`.
        "a great film with a lovely cast": "positive",
        "slow, dull and much too long": "negative",
        "funny and clever from start to finish": "positive",
        "the acting was flat and the jokes were awful": "negative",
        "I loved the music": "positive",
        "a boring mess": "negative",
        "warm, moving and beautiful": "positive",
        "I will never watch it again": "positive",
    ]

    var summary: String { "tour recording" }

    func complete(
        _ requests: [ChatRequest], progress: ((Int, Int) -> Void)?, isCancelled: () -> Bool,
        onResult: (Int, Result<ChatResponse, Error>) -> Void
    ) -> [Result<ChatResponse, Error>] {
        let results = requests.map { request in Result { try answer(request) } }
        for (index, result) in results.enumerated() { onResult(index, result) }
        return results
    }

    func stream(_ request: ChatRequest, onToken: (String) -> Void, isCancelled: () -> Bool) throws -> ChatResponse {
        let response = try answer(request)
        onToken(response.text)
        return response
    }

    /// The reply to the review in the request's last message (`Review: ...\nSentiment:`).
    private func answer(_ request: ChatRequest) throws -> ChatResponse {
        let query = request.messages.last?.content ?? ""
        let review =
            query.components(separatedBy: "\n").first.map { line in
                line.hasPrefix("Review: ") ? String(line.dropFirst("Review: ".count)) : line
            } ?? ""
        guard let reply = Self.replies[review] else {
            throw TeacherError(.store, "the tour's teacher has no answer for \(request.shortDescription)")
        }
        return ChatResponse(text: reply, finishReason: "stop")
    }
}
