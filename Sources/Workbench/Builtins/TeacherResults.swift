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

/// Says, in one line, how many requests of a call failed for good (after their retries), and
/// counts them in `state.failedTeacherRequests` (`fewshot run` and `-e` then exit 75).
///
/// Requests a budget kept back, and those cut by Ctrl-C, are not failures: the budget's own
/// line and the "interrupted" error report them. The answers that did come are recorded, so
/// asking again sends only the failed requests (`state.rerunAdvice` says how, for the front end
/// that runs the code).
func reportFailedRequests(
    _ results: [Result<ChatResponse, Error>], consequence: String, state: WorkbenchState, ctx: CallContext,
    excluding isExcluded: (Result<ChatResponse, Error>) -> Bool = { _ in false }
) {
    let failed = results.compactMap { result -> Error? in
        guard case .failure(let error) = result, !isExcluded(result) else { return nil }
        if let error = error as? TeacherError, error.kind == .cancelled || error.kind == .budget { return nil }
        return error
    }
    guard let first = failed.first else { return }
    state.failedTeacherRequests += failed.count
    ctx.write(
        "\(failed.count) of \(results.count) teacher requests failed after retries (first: \(first)); \(consequence); "
            + "the \(results.count - failed.count) answers that came are recorded: \(state.rerunAdvice)\n")
}
