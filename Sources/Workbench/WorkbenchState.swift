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
    /// Tokens (and cost) of every request really sent to a teacher, per cell: replayed
    /// answers are free and not counted.
    public let meter = UsageMeter()
    /// Set while `:plan` runs a call: `generate` then shows its plan instead of asking.
    var planning = false
    /// The servers HTTP teachers may talk to (confined under `fewshot run`/`check`).
    public var teacherURLs = TeacherURLPolicy.unrestricted
    private var localTeacher: TeacherObject?

    /// A state recording into `recording` in `mode`.
    public init(recording: RecordingStore = RecordingStore(), mode: RecordingMode = .record) {
        self.recording = recording
        self.mode = mode
    }

    /// A teacher as the language sees it: `teacher`, metered at `price` (USD per million
    /// tokens; nil when unknown), inside the session's recording.
    public func recorded(_ teacher: ChatTeacher, model: String, price: ModelPrice? = nil) -> TeacherObject {
        let metered = MeteredTeacher(wrapping: teacher, meter: meter, price: price, history: recording)
        return TeacherObject(
            recording: RecordingTeacher(wrapping: metered, store: recording, mode: mode), metered: metered, model: model,
            description: teacher.summary)
    }

    /// The teacher used when a call names none: SmolLM2-135M-Instruct in-process, loaded once.
    /// It costs nothing.
    func defaultTeacher() -> TeacherObject {
        if let localTeacher { return localTeacher }
        let made = recorded(LocalTeacher(), model: "smollm2-135m", price: .free)
        localTeacher = made
        return made
    }
}
