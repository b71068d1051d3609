/// One step of the guided tour: what it teaches, the cell the learner types, how the result
/// is checked, and what to say about the output.
public struct TourStep {
    /// A short title shown as the step's heading.
    public let title: String
    /// Cells the tour runs itself before the step (for data too long to type), shown first.
    public let setup: [String]
    /// The lesson text shown before the learner types.
    public let lesson: String
    /// The cell the step expects (shown by the second `:hint`, run by `:skip`).
    public let expected: String
    /// A nudge that does not give the whole answer away.
    public let hint: String
    /// What must hold after the learner's cell ran, in order; the first that fails is reported.
    public let checks: [TourCheck]
    /// The explanation shown once the step passes. `{name}` slots are filled with the value of
    /// a fewshot expression evaluated in the learner's session (e.g. `{score.accuracy}`).
    public let explanation: String

    /// Creates a step.
    public init(
        title: String, setup: [String] = [], lesson: String, expected: String, hint: String, checks: [TourCheck],
        explanation: String
    ) {
        self.title = title
        self.setup = setup
        self.lesson = lesson
        self.expected = expected
        self.hint = hint
        self.checks = checks
        self.explanation = explanation
    }
}

/// One condition on the result of a learner's cell.
public enum TourCheck {
    /// A fewshot expression, evaluated in the learner's session after the cell, that must be
    /// `true`; otherwise `message` is shown.
    case holds(String, message: String)
    /// The text the cell printed or displayed must contain this; otherwise `message` is shown.
    case shows(String, message: String)
}
