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

    /// Wraps a teacher.
    public init(_ teacher: ChatTeacher, model: String) {
        self.teacher = teacher
        self.model = model
    }

    public var typeName: String { "teacher" }
    public var summary: String { "teacher(\(teacher.summary))" }
    public var fieldNames: [String] { ["model"] }

    public func field(_ name: String) -> Value? {
        name == "model" ? .string(model) : nil
    }
}
