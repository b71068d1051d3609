import Foundation
import Notebook
import Teacher

extension RecordingStore {
    /// The teacher exchanges saved in `notebook` (an empty store when it has none), as the
    /// REPL's `:load`, `fewshot run` and `fewshot check` replay them.
    /// - Throws: `TeacherError` when the saved recording cannot be read.
    public convenience init(of notebook: Notebook) throws {
        if let saved = notebook.teacherRecording {
            try self.init(data: Data(saved.content))
        } else {
            self.init()
        }
    }
}
