import Foundation
import Language
import Teacher

/// What the Workbench built-ins of one session share: the teacher recording that notebooks
/// carry, and the local teacher, loaded once on first use.
public final class WorkbenchState {
    /// Makes the default (local) teacher the first time one is needed.
    let makeLocalTeacher: () throws -> TeacherObject
    private var localTeacher: TeacherObject?

    /// A state whose default teacher comes from `makeLocalTeacher`.
    init(makeLocalTeacher: @escaping () throws -> TeacherObject) {
        self.makeLocalTeacher = makeLocalTeacher
    }

    /// The teacher used when a call names none: the local model, loaded once.
    func defaultTeacher() throws -> TeacherObject {
        if let localTeacher { return localTeacher }
        let made = try makeLocalTeacher()
        localTeacher = made
        return made
    }

    /// Whether the user pressed Ctrl-C while a built-in runs.
    func isCancelled(_ context: CallContext) -> Bool { context.isCancellationRequested }
}
