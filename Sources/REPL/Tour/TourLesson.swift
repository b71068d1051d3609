/// The guided tour's lesson: label movie reviews with a (recorded) teacher, clean what it wrote,
/// distil it into a small classifier, score both, then train a tiny chat bot. It is written in
/// `tour.fsnb` (see `TourFile` for its layout), a resource of the REPL, so the tour runs offline
/// in seconds.
public enum TourLesson {
    /// The lesson file, read once. It ships inside fewshot and a test reads every step of it,
    /// so a damaged file is a broken build, said plainly.
    private static let file: TourFile = {
        do { return try TourFile.bundled() } catch { fatalError("the guided tour's lesson cannot be read: \(error)") }
    }()

    /// The steps, in order.
    public static var steps: [TourStep] { file.steps }
    /// Shown when the tour starts.
    public static var welcome: String { file.welcome }
    /// Shown after the last step.
    public static var farewell: String { file.farewell }

    /// Hand-labelled reviews the shots are drawn from.
    static var reviewsCell: String { file.code["reviews"] ?? "" }
    /// Reviews nobody has labelled yet: the teacher labels them.
    static var unlabelledCell: String { file.code["unlabelled"] ?? "" }
    /// Hand-labelled reviews kept apart to score the student and the teacher.
    static var testCell: String { file.code["test"] ?? "" }
    /// The prompt every recorded teacher answer was asked with.
    static var promptCell: String { file.code["a-prompt-answer"] ?? "" }
    /// The shots every recorded teacher answer was asked with.
    static var shotsCell: String { file.code["shots-answer"] ?? "" }
}
