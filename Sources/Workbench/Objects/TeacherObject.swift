import Language
import Teacher
import TeacherHTTP

/// A teacher as the language sees it (`teacher(...)`): any `ChatTeacher`, remote or local,
/// with the model name its requests carry and its price. Every call goes through the
/// session's recording, so a notebook replays without the teacher, and through a meter, so
/// what is really sent is counted and held to a budget.
public final class TeacherObject: HostObject {
    /// The teacher requests go to: the recording, around the meter, around who answers.
    public var teacher: ChatTeacher { recording }
    /// The session's recording around this teacher.
    public let recording: RecordingTeacher
    /// The meter between the recording and who answers: it sees only requests really sent.
    public let metered: MeteredTeacher
    /// The model named in each request.
    public let model: String
    /// Who answers, without the recording mode, so a notebook prints the same whether it
    /// is recording or replaying: `local smollm2-135m`, `http gpt-4o-mini at ...`.
    let answerer: String
    /// The server behind an HTTP or batch teacher (no key in it), for the jobs it can run
    /// (`finetune(d, remote: t)`); nil for the local model.
    var server: HTTPTeacherConfiguration?
    /// Seconds between polls of the jobs this teacher's server runs.
    var pollInterval = 10.0
    /// Whether requests go as Batch API jobs (`teacher(..., mode: "batch")`).
    var isBatch = false

    /// Wraps a recording teacher whose inner teacher is `metered`; `description` names who
    /// answers (`local smollm2-135m`).
    init(recording: RecordingTeacher, metered: MeteredTeacher, model: String, description: String) {
        self.recording = recording
        self.metered = metered
        self.model = model
        self.answerer = description
    }

    /// USD per million prompt and completion tokens; nil when unknown. The local model's is free.
    public var price: ModelPrice? { metered.price }

    /// The price when it makes a cost worth showing: known and not free.
    var chargedPrice: ModelPrice? { price.flatMap { $0.isFree ? nil : $0 } }

    public var typeName: String { "teacher" }
    public var summary: String { "teacher(\(answerer))" }
    public var fieldNames: [String] { ["model", "price"] }

    public func field(_ name: String) -> Value? {
        switch name {
        case "model": return .string(model)
        case "price":
            guard let price else { return .nil }
            return .record(
                Record(["input": .float(price.promptPerMillion), "output": .float(price.completionPerMillion)]))
        default: return nil
        }
    }
}
