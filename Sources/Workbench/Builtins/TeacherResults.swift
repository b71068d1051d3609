import Language
import Teacher

/// Replaying a notebook offline must not quietly turn a missing recording into an empty
/// answer: a cell whose teacher requests were never recorded fails, saying how to record them.
func failOnMissingRecordings(_ results: [Result<ChatResponse, Error>], at range: SourceRange) throws {
    let missing = results.compactMap { result -> TeacherError? in
        guard case .failure(let error as TeacherError) = result, error.kind == .missingRecording else { return nil }
        return error
    }
    guard let first = missing.first else { return }
    throw RuntimeError(
        "\(missing.count) of \(results.count) teacher requests have no recording in this notebook (first: \(first.message)); "
            + "they are recorded when the teacher is reachable (for a notebook: fewshot run NOTEBOOK --live --save)", at: range)
}
