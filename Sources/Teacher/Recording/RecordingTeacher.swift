/// How a `RecordingTeacher` uses its store.
public enum RecordingMode: String, CaseIterable, Sendable {
    /// Reuse what is recorded; ask the teacher for the rest and record its answers.
    case record
    /// Answer only from the store; a missing recording is an error naming the request.
    case replay
    /// Ask the teacher again for everything and record the new answers (they supersede old ones).
    case refresh
    /// Pass everything through; record nothing.
    case off
}

/// What the last call of a `RecordingTeacher` did.
public struct RecordingStatistics: Hashable, Sendable {
    /// Answers taken from the store.
    public var replayed = 0
    /// Requests passed to the wrapped teacher.
    public var called = 0
    /// New recordings added to the store.
    public var recorded = 0
}

/// Wraps any teacher (HTTP or local) with a recording store, for offline, repeatable runs.
///
/// Requests are keyed by `ChatRequest.recordingKey` plus a sample index: the k-th identical
/// request in one call is sample k. Asking for 80 samples of a prompt after 50 were recorded
/// replays the 50 and asks the teacher for 30 (samples 50...79). Streams are recorded with their
/// pieces and replay as streams.
///
/// ```swift
/// let store = try RecordingStore(path: "session.fsrec")
/// let teacher = RecordingTeacher(wrapping: try HTTPTeacher(model: "gpt-4o-mini"), store: store)
/// let answers = teacher.complete(requests, progress: nil, isCancelled: { false })
/// ```
public final class RecordingTeacher: ChatTeacher {
    /// The teacher asked when the store has no answer.
    public let inner: ChatTeacher
    /// Where exchanges are kept.
    public let store: RecordingStore
    /// How the store is used; may be changed between calls.
    public var mode: RecordingMode
    /// What the last call did.
    public private(set) var lastCall = RecordingStatistics()
    /// Called with each answer taken from the store, e.g. to count what a replayed notebook's
    /// answers used when they were recorded.
    public var onReplay: ((Recording) -> Void)?
    /// The last failure to write the store, if any (the answers were still returned).
    public private(set) var lastStoreError: TeacherError?

    /// Wraps `inner`, recording into `store`.
    public init(wrapping inner: ChatTeacher, store: RecordingStore, mode: RecordingMode = .record) {
        self.inner = inner
        self.store = store
        self.mode = mode
    }

    /// The wrapped teacher's summary and the mode, e.g. `"http gpt-4o-mini at ... (record)"`.
    public var summary: String { "\(inner.summary) (\(mode.rawValue))" }

    /// Answers from the store where it can, asks the wrapped teacher for the rest, and records each
    /// new answer the moment it arrives (so a crash mid-call keeps every answer that came before).
    public func complete(
        _ requests: [ChatRequest], progress: ((Int, Int) -> Void)?, isCancelled: () -> Bool,
        onResult: (Int, Result<ChatResponse, Error>) -> Void
    ) -> [Result<ChatResponse, Error>] {
        let total = requests.count
        var statistics = RecordingStatistics()
        var results = [Result<ChatResponse, Error>?](repeating: nil, count: total)
        var missing: [(index: Int, sample: Int)] = []
        for (index, (request, found)) in zip(requests, lookUp(requests)).enumerated() {
            let sample = found.sample
            if let recording = found.recording {
                results[index] = .success(recording.response)
                statistics.replayed += 1
                onReplay?(recording)
                onResult(index, results[index]!)
            } else if mode == .replay {
                results[index] = .failure(missingRecording(request, sample: sample).at(index, of: total))
                onResult(index, results[index]!)
            } else {
                missing.append((index, sample))
            }
        }
        let settled = total - missing.count
        if settled > 0 { progress?(settled, total) }
        if !missing.isEmpty {
            statistics.called = missing.count
            _ = inner.complete(
                missing.map { requests[$0.index] }, progress: { done, _ in progress?(settled + done, total) },
                isCancelled: isCancelled,
                onResult: { slot, answer in
                    let (index, sample) = missing[slot]
                    results[index] = answer.mapError { relocate($0, to: index, of: total) }
                    if mode != .off, case .success(let response) = answer,
                        save(Recording(request: requests[index], sample: sample, response: response, teacher: inner.summary))
                    {
                        statistics.recorded += 1
                    }
                    onResult(index, results[index]!)
                })
        }
        lastCall = statistics
        return results.map { $0! }
    }

    /// The positions of the requests that a call would not answer from the store: those the
    /// wrapped teacher would be asked (in replay mode, those with no recording). What a plan or
    /// a budget has to count.
    public func unrecorded(_ requests: [ChatRequest]) -> [Int] {
        lookUp(requests).enumerated().filter { $0.element.recording == nil }.map(\.offset)
    }

    /// The recorded answers a call of `requests` would replay, by position (nil where the wrapped
    /// teacher would be asked): what a budget counts as already spent by the call.
    public func recordedAnswers(_ requests: [ChatRequest]) -> [ChatResponse?] {
        lookUp(requests).map { $0.recording?.response }
    }

    /// Each request's sample number (the k-th identical request in a call is sample k) and its
    /// recording, when the mode reads the store and has one.
    private func lookUp(_ requests: [ChatRequest]) -> [(sample: Int, recording: Recording?)] {
        var samplesSeen: [String: Int] = [:]
        return requests.map { request in
            let key = request.recordingKey
            let sample = samplesSeen[key, default: 0]
            samplesSeen[key] = sample + 1
            let readsStore = mode == .record || mode == .replay
            return (sample, readsStore ? store.recording(key: key, sample: sample) : nil)
        }
    }

    /// Replays a recorded stream piece by piece, or streams from the wrapped teacher and records it.
    public func stream(_ request: ChatRequest, onToken: (String) -> Void, isCancelled: () -> Bool) throws
        -> ChatResponse
    {
        var statistics = RecordingStatistics()
        defer { lastCall = statistics }
        if mode == .record || mode == .replay, let recording = store.recording(key: request.recordingKey, sample: 0) {
            statistics.replayed = 1
            onReplay?(recording)
            for piece in recording.chunks ?? [recording.response.text] {
                if isCancelled() { throw TeacherError(.cancelled, "cancelled while replaying a stream") }
                onToken(piece)
            }
            return recording.response
        }
        if mode == .replay { throw missingRecording(request, sample: 0) }
        statistics.called = 1
        var pieces: [String] = []
        let response = try inner.stream(
            request,
            onToken: { piece in
                pieces.append(piece)
                onToken(piece)
            }, isCancelled: isCancelled)
        if mode != .off,
            save(Recording(request: request, sample: 0, response: response, chunks: pieces, teacher: inner.summary))
        {
            statistics.recorded = 1
        }
        return response
    }

    /// Appends to the store; a failure is kept in `lastStoreError` rather than losing the answer.
    private func save(_ recording: Recording) -> Bool {
        do {
            try store.append(recording)
            return true
        } catch let error as TeacherError {
            lastStoreError = error
        } catch {
            lastStoreError = TeacherError(.store, "\(error)")
        }
        return false
    }

    private func missingRecording(_ request: ChatRequest, sample: Int) -> TeacherError {
        TeacherError(
            .missingRecording,
            "no recording of sample \(sample + 1) of \(request.shortDescription) (key \(request.recordingKey.prefix(12)))",
            hint: "Run once in record mode (with the teacher reachable) to record it")
    }

    /// Re-labels an inner error with the request's position in this call.
    private func relocate(_ error: Error, to index: Int, of total: Int) -> Error {
        guard let error = error as? TeacherError else { return error }
        return error.at(index, of: total)
    }
}
