import Foundation
import Language
import Teacher

/// What the Workbench built-ins of one session share: the recording every teacher call goes
/// through (which notebooks carry, so they replay offline), and the local teacher, loaded once.
public final class WorkbenchState {
    /// Every teacher exchange of the session.
    public let recording: RecordingStore
    /// How teachers use the recording: `record` at the REPL, `replay` for `fewshot run`.
    public let mode: RecordingMode
    /// The servers HTTP teachers may talk to (confined under `fewshot run`/`check`).
    public var teacherURLs = TeacherURLPolicy.unrestricted
    private var localTeacher: TeacherObject?

    /// A state recording into `recording` in `mode`.
    public init(recording: RecordingStore = RecordingStore(), mode: RecordingMode = .record) {
        self.recording = recording
        self.mode = mode
    }

    /// A teacher wrapped in the session's recording.
    func recorded(_ teacher: ChatTeacher, model: String) -> TeacherObject {
        TeacherObject(RecordingTeacher(wrapping: teacher, store: recording, mode: mode), model: model, description: teacher.summary)
    }

    /// The teacher used when a call names none: SmolLM2-135M-Instruct in-process, loaded once.
    func defaultTeacher() -> TeacherObject {
        if let localTeacher { return localTeacher }
        let made = recorded(LocalTeacher(), model: "smollm2-135m")
        localTeacher = made
        return made
    }
}
