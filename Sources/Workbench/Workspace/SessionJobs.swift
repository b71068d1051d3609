import Chat
import Foundation
import Teacher
import TeacherHTTP

/// Where the session keeps the ids of the batch and fine-tuning jobs it starts: the job journal
/// (on disk at once, so a crash or `kill -9` loses nothing) and the session's recording (saved
/// with the notebook when the cell ends, Ctrl-C included, so the notebook itself carries the id
/// of a job it left running, to another machine too).
///
/// In the recording a job id is the answer to a request of the model `fewshot/job-id` whose
/// message is the job's kind and spec; no server is ever sent it.
final class SessionJobs: JobRegistry {
    /// The model name of the recording entries that hold job ids.
    static let recordingModel = "fewshot/job-id"
    let journal: JobJournal
    let recording: RecordingStore

    init(journal: JobJournal, recording: RecordingStore) {
        self.journal = journal
        self.recording = recording
    }

    func job(kind: String, spec: String, server: String) -> String? {
        journal.job(kind: kind, spec: spec, server: server)
            ?? recording.recording(key: Self.request(kind: kind, spec: spec).recordingKey, sample: 0)?.response.text
    }

    func note(kind: String, spec: String, server: String, id: String) throws {
        try? recording.append(
            Recording(request: Self.request(kind: kind, spec: spec), sample: 0, response: ChatResponse(text: id), teacher: kind))
        try journal.note(kind: kind, spec: spec, server: server, id: id)
    }

    private static func request(kind: String, spec: String) -> ChatRequest {
        ChatRequest(model: recordingModel, messages: [ChatMessage(.user, "\(kind) \(spec)")])
    }
}
