import Foundation
import Language
import Notebook
import Teacher
import TeacherHTTP

/// What the Workbench built-ins of one session share: the recording every teacher call goes
/// through (which notebooks carry, so they replay offline), and the local teacher, loaded once.
public final class WorkbenchState {
    /// Every teacher exchange of the session.
    public let recording: RecordingStore
    /// The interactive chats of the cell being run, with the lines typed (the workspace clears it
    /// before each cell).
    var interactiveChats: [InteractiveChat] = []
    /// How teachers use the recording: `record` at the REPL, `replay` for `fewshot run`.
    public let mode: RecordingMode
    /// Tokens (and cost) of every request really sent to a teacher, per cell: replayed
    /// answers are free and not counted.
    public let meter = UsageMeter()
    /// Teacher requests that failed for good (after their retries) in `generate` and
    /// `evaluate` calls of this session: `fewshot run` and `-e` exit 75 when any did.
    public var failedTeacherRequests = 0
    /// How to get the failed requests of a call, as the line reporting them ends: true where
    /// the answers that came outlive the call (the REPL's notebook, a recording file).
    public var rerunAdvice = "running the cell again asks only for what is missing"
    /// The recorded answers a replay has used so far (key/sample), each counted once.
    private var answersUsed = Set<String>()
    /// Set while `:plan` runs a call: `generate` then shows its plan instead of asking.
    var planning = false
    /// The servers HTTP teachers may talk to (confined under `fewshot run`/`check`).
    public var teacherURLs = TeacherURLPolicy.unrestricted
    /// Where batch and fine-tuning jobs started on a server are noted the moment they exist, so
    /// running their cell again picks them up (`$XDG_STATE_HOME/fewshot/jobs.jsonl`).
    public var jobJournal = JobJournal(path: JobJournal.defaultPath())
    /// The journal and the recording together: where the built-ins note and look up job ids.
    var jobs: JobRegistry { SessionJobs(journal: jobJournal, recording: recording) }
    private var localTeacher: TeacherObject?
    /// The in-process model behind `localTeacher` (one per session).
    private let localEngine = LocalTeacher()
    /// The teacher the session's code last set up (model and server, never a key), which a
    /// saved notebook names in its header.
    public private(set) var teacherConfiguration: TeacherConfiguration?

    /// A state recording into `recording` in `mode`.
    public init(recording: RecordingStore = RecordingStore(), mode: RecordingMode = .record) {
        self.recording = recording
        self.mode = mode
    }

    /// A teacher as the language sees it: `teacher`, metered at `price` (USD per million
    /// tokens; nil when unknown), inside the session's recording.
    ///
    /// The meter counts what is really sent. Replaying a notebook sends nothing, so there it
    /// counts each recorded answer the first time the session uses it instead: what the
    /// notebook's calls used when they were recorded, and what its `usage()` cells showed.
    public func recorded(_ teacher: ChatTeacher, model: String, baseURL: String? = nil, price: ModelPrice? = nil) -> TeacherObject
    {
        teacherConfiguration = TeacherConfiguration(model: model, baseURL: baseURL.map(Self.withoutCredentials))
        let metered = MeteredTeacher(wrapping: teacher, meter: meter, price: price, history: recording)
        let recorded = RecordingTeacher(wrapping: metered, store: recording, mode: mode)
        if mode == .replay {
            recorded.onReplay = { [unowned self] answer in
                guard answersUsed.insert("\(answer.key)/\(answer.sample)").inserted else { return }
                meter.add(
                    model: answer.request.model, usage: answer.response.usage, price: metered.price(for: answer.request.model))
            }
        }
        return TeacherObject(recording: recorded, metered: metered, model: model, description: teacher.summary)
    }

    /// `url` without a user name, password, query or fragment: the parts of a URL that can
    /// carry a secret.
    static func withoutCredentials(_ url: String) -> String {
        guard var parts = URLComponents(string: url) else { return "(unreadable URL)" }
        parts.user = nil
        parts.password = nil
        parts.query = nil
        parts.fragment = nil
        return parts.string ?? "(unreadable URL)"
    }

    /// The teacher used when a call names none: SmolLM2-135M-Instruct in-process, loaded once.
    /// It costs nothing. `batch` sets how many sequences it generates together (nil: the
    /// measured default); the session has one local teacher, so this applies to every handle.
    func defaultTeacher(batch: Int? = nil) -> TeacherObject {
        localEngine.batch = batch ?? LocalTeacher.defaultBatch
        if let localTeacher {
            teacherConfiguration = TeacherConfiguration(model: "smollm2-135m")
            return localTeacher
        }
        let made = recorded(localEngine, model: "smollm2-135m", price: .free)
        localTeacher = made
        return made
    }
}
