import Language
import Teacher

/// A teacher as the language sees it (`teacher(...)`): any `ChatTeacher`, remote or local,
/// with the model name its requests carry. Every call goes through the session's recording,
/// so a notebook replays without the teacher.
public final class TeacherObject: HostObject {
    /// The teacher requests go to (already wrapped in the session's recording).
    public let teacher: ChatTeacher
    /// The model named in each request.
    public let model: String
    /// Who answers, without the recording mode, so a notebook prints the same whether it
    /// is recording or replaying.
    private let description: String

    /// Wraps a teacher; `description` names who answers (`local smollm2-135m`).
    public init(_ teacher: ChatTeacher, model: String, description: String) {
        self.teacher = teacher
        self.model = model
        self.description = description
    }

    public var typeName: String { "teacher" }
    public var summary: String { "teacher(\(description))" }
    public var fieldNames: [String] { ["model"] }

    public func field(_ name: String) -> Value? {
        name == "model" ? .string(model) : nil
    }
}
