import CCurl
import Foundation
import Teacher

/// Counts of what an `HTTPTeacher` has sent since it was made.
public struct HTTPTeacherStatistics: Hashable, Sendable {
    /// Requests asked of it.
    public var requests = 0
    /// HTTP requests actually sent (first sends plus retries).
    public var attempts = 0
    /// Sends beyond the first, after a transient failure.
    public var retries = 0
}

/// A teacher behind an OpenAI-compatible `chat/completions` endpoint (OpenAI, llama-server,
/// vLLM, Ollama's `/v1`), spoken over libcurl.
///
/// Bulk calls keep up to `maxConcurrency` requests in flight on one libcurl multi handle,
/// reusing connections, retry transient failures by `RetryPolicy`, and return results in
/// request order. One call runs at a time per teacher (others wait).
///
/// ```swift
/// let teacher = try HTTPTeacher(model: "gpt-4o-mini")   // OPENAI_BASE_URL, OPENAI_API_KEY
/// let answers = teacher.complete(requests, progress: nil, isCancelled: { false })
/// ```
public final class HTTPTeacher: ChatTeacher {
    /// The settings (with no key in them).
    public let configuration: HTTPTeacherConfiguration
    /// What has been sent so far.
    public var statistics: HTTPTeacherStatistics {
        countsLock.lock()
        defer { countsLock.unlock() }
        return counts
    }

    private let engine: HTTPEngine
    /// One call at a time drives the engine.
    private let lock = NSLock()
    /// Guards `counts` alone, so `statistics` can be read from a progress callback mid-call.
    private let countsLock = NSLock()
    private var counts = HTTPTeacherStatistics()
    private let encoder = JSONEncoder()

    /// Creates a teacher; no connection is made until the first request.
    public init(_ configuration: HTTPTeacherConfiguration) throws {
        self.configuration = configuration
        do {
            engine = try HTTPEngine()
        } catch {
            throw TeacherError(.configuration, "could not set up libcurl: \(error)")
        }
    }

    /// Creates a teacher from the language's `teacher(model:, base_url:, key_env:, ...)` arguments.
    public convenience init(
        model: String, baseURL: String? = nil, keyEnv: String? = nil, maxConcurrency: Int = 8,
        timeout: Double = 120, readTimeout: Double = 60,
        maxResponseBytes: Int = HTTPTeacherConfiguration.defaultMaxResponseBytes, maxRetries: Int = 2
    ) throws {
        try self.init(
            HTTPTeacherConfiguration(
                model: model, baseURL: baseURL, keyEnv: keyEnv, maxConcurrency: maxConcurrency, timeout: timeout,
                readTimeout: readTimeout, maxResponseBytes: maxResponseBytes, retry: RetryPolicy(maxRetries: maxRetries)))
    }

    /// `"http <model> at <base URL>"`.
    public var summary: String { "http \(configuration.model) at \(configuration.baseURL)" }

    /// Sends every request and hands each final result to `onResult` as soon as it is known.
    public func complete(
        _ requests: [ChatRequest], progress: ((Int, Int) -> Void)?, isCancelled: () -> Bool,
        onResult: (Int, Result<ChatResponse, Error>) -> Void
    ) -> [Result<ChatResponse, Error>] {
        lock.lock()
        defer { lock.unlock() }
        let total = requests.count
        var results = [Result<ChatResponse, Error>?](repeating: nil, count: total)
        count(\.requests, total)
        let key: String?
        do {
            key = try configuration.readKey()
        } catch {
            let failures: [Result<ChatResponse, Error>] = (0..<total).map {
                .failure((error as? TeacherError)?.at($0, of: total) ?? error)
            }
            for (index, failure) in failures.enumerated() { onResult(index, failure) }
            return failures
        }
        let headers = headerList(key: key)
        var bodies: [Int: [UInt8]] = [:]
        var sendOrder: [Int] = []
        for (index, request) in requests.enumerated() {
            do {
                bodies[index] = try body(for: request, stream: false)
                sendOrder.append(index)
            } catch {
                let failure = TeacherError(.configuration, "the request could not be encoded: \(error)")
                results[index] = .failure(failure.at(index, of: total))
                onResult(index, results[index]!)
            }
        }
        var attempts = [Int](repeating: 0, count: total)
        // When each request was first sent: its latency runs from there to its final answer.
        var firstSent = [UInt64?](repeating: nil, count: total)
        var done = results.count { $0 != nil }
        let unfinished = engine.run(
            count: sendOrder.count, maxInFlight: configuration.maxConcurrency,
            post: { slot in
                if firstSent[sendOrder[slot]] == nil { firstSent[sendOrder[slot]] = DispatchTime.now().uptimeNanoseconds }
                return post(body: bodies[sendOrder[slot]]!, headers: headers)
            },
            onAttempt: { slot, attempt in
                let index = sendOrder[slot]
                attempts[index] += 1
                count(\.attempts, 1)
                let outcome = interpret(attempt, key: key, candidates: requests[index].candidates)
                if case .failure(let error) = outcome, let delay = retryDelay(error, attempt, attempts[index]) {
                    count(\.retries, 1)
                    return .retry(after: delay)
                }
                results[index] = outcome.map { response in
                    var timed = response
                    timed.seconds = firstSent[index].map { Double(DispatchTime.now().uptimeNanoseconds - $0) / 1e9 }
                    return timed
                }.mapError { $0.at(index, of: total, attempts: attempts[index]) }
                onResult(index, results[index]!)
                done += 1
                progress?(done, total)
                return .finish
            },
            isCancelled: isCancelled)
        for slot in unfinished {
            let index = sendOrder[slot]
            results[index] = .failure(
                TeacherError(.cancelled, "cancelled before an answer arrived").at(index, of: total, attempts: attempts[index]))
            onResult(index, results[index]!)
        }
        return results.map { $0! }
    }

    /// Streams one answer over server-sent events, calling `onToken` with each piece of text.
    public func stream(_ request: ChatRequest, onToken: (String) -> Void, isCancelled: () -> Bool) throws
        -> ChatResponse
    {
        lock.lock()
        defer { lock.unlock() }
        count(\.requests, 1)
        let key = try configuration.readKey()
        let body = try body(for: request, stream: true)
        let headers = headerList(key: key)
        var state = StreamState()
        var attempts = 0
        var result: Result<ChatResponse, TeacherError>?
        // `onBody` is optional, hence escaping; it never outlives this call.
        let unfinished = withoutActuallyEscaping(onToken) { onToken in
            engine.run(
                count: 1, maxInFlight: 1,
                post: { _ in post(body: body, headers: headers) },
                onBody: { _, bytes in state.consume(bytes, onToken: onToken, key: key) },
                onAttempt: { _, attempt in
                    attempts += 1
                    count(\.attempts, 1)
                    let outcome = state.finish(attempt, interpret: { interpret($0, key: key) })
                    if case .failure(let error) = outcome, !state.deliveredText,
                        let delay = retryDelay(error, attempt, attempts)
                    {
                        count(\.retries, 1)
                        state = StreamState()
                        return .retry(after: delay)
                    }
                    if case .success(let response) = outcome, !state.deliveredText, !response.text.isEmpty {
                        onToken(response.text)  // the server ignored `stream` and sent one JSON answer
                    }
                    result = outcome.mapError { error in
                        var error = error
                        error.attempts = attempts
                        return error
                    }
                    return .finish
                },
                isCancelled: isCancelled)
        }
        if !unfinished.isEmpty {
            throw TeacherError(.cancelled, "cancelled while streaming", attempts: attempts)
        }
        return try result!.get()
    }

    private func count(_ field: WritableKeyPath<HTTPTeacherStatistics, Int>, _ amount: Int) {
        countsLock.lock()
        counts[keyPath: field] += amount
        countsLock.unlock()
    }

    // MARK: - Building requests

    private func headerList(key: String?) -> CurlHeaderList {
        var lines = ["Content-Type: application/json", "Accept: application/json, text/event-stream", "Expect:"]
        if let key { lines.append("Authorization: Bearer \(key)") }
        return CurlHeaderList(lines)
    }

    private func body(for request: ChatRequest, stream: Bool) throws -> [UInt8] {
        Array(try encoder.encode(WireChatRequest(request, stream: stream)))
    }

    private func post(body: [UInt8], headers: CurlHeaderList) -> HTTPPost {
        HTTPPost(
            url: configuration.endpoint, headers: headers, body: body, timeout: configuration.timeout,
            connectTimeout: configuration.connectTimeout, readTimeout: configuration.readTimeout,
            maxResponseBytes: configuration.maxResponseBytes)
    }

    // MARK: - Reading responses

    /// The wait before the next attempt, or nil when `error` should end the request.
    private func retryDelay(_ error: TeacherError, _ attempt: HTTPAttempt, _ attemptsSoFar: Int) -> Double? {
        guard attemptsSoFar <= configuration.retry.maxRetries else { return nil }
        switch error.kind {
        case .transport, .timeout:
            break
        case .decoding, .stream:
            // A 2xx answer that cannot be read (cut short, not JSON, no choices) is as lost as a
            // dropped connection; one that passed max_response_bytes would only be cut again.
            guard RetryPolicy.isRetryableUnreadableAnswer(status: attempt.status), !attempt.overflowed else { return nil }
        case .httpStatus(let status):
            guard configuration.retry.shouldRetry(status: status, headers: attempt.headers) else { return nil }
        default:
            return nil
        }
        return configuration.retry.delay(retry: attemptsSoFar - 1, headers: attempt.headers)
    }

    /// Turns one finished attempt into an answer or a typed error (key scrubbed from all text).
    private func interpret(_ attempt: HTTPAttempt, key: String?, candidates: [String]? = nil) -> Result<
        ChatResponse, TeacherError
    > {
        let server = configuration.baseURL
        if attempt.overflowed {
            return .failure(
                TeacherError(
                    .decoding,
                    "the response from \(server) passed max_response_bytes (\(byteCount(configuration.maxResponseBytes)))"
                        + " and was cut off there",
                    hint: "Lower max_tokens or n, or raise max_response_bytes: in teacher(...)"))
        }
        if attempt.stalled {
            return .failure(
                TeacherError(
                    .timeout,
                    "the answer from \(server) stopped arriving for \(formatSeconds(configuration.readTimeout)) mid-response",
                    hint: "Check that the server is not overloaded, or raise read_timeout: in teacher(...)"))
        }
        if attempt.timedOut {
            return .failure(
                TeacherError(
                    .timeout, "no complete answer from \(server) within \(formatSeconds(configuration.timeout))",
                    hint: "Raise the timeout, or check that the server is not overloaded"))
        }
        if attempt.isTransportFailure {
            return .failure(
                TeacherError(
                    .transport, "connection to \(server) failed: \(redacting(key, in: attempt.transportMessage))",
                    hint: "Check that the server is running and that base_url is right"))
        }
        guard (200..<300).contains(attempt.status) else {
            return .failure(statusError(attempt, key: key))
        }
        guard let text = String(validating: attempt.body, as: UTF8.self) else {
            return .failure(
                TeacherError(.decoding, "the response from \(server) is not valid UTF-8 (\(attempt.body.count) bytes)"))
        }
        do {
            let wire = try JSONDecoder().decode(WireChatResponse.self, from: Data(text.utf8))
            var response = try ChatResponse(wire: wire)
            if let candidates { response.candidateScores = try wire.candidateScores(candidates) }
            return .success(response)
        } catch let error as TeacherError {
            return .failure(TeacherError(.decoding, "malformed response from \(server): \(error.message)"))
        } catch {
            // Some servers report errors in a 2xx body; their message beats "missing choices".
            if let body = try? JSONDecoder().decode(WireErrorBody.self, from: Data(attempt.body)),
                let message = body.error?.message
            {
                return .failure(
                    TeacherError(.decoding, "\(server) answered with an error: \(redacting(key, in: message))"))
            }
            return .failure(
                TeacherError(
                    .decoding,
                    "malformed response from \(server): \(describe(error)); body starts "
                        + quoted(redacting(key, in: snippet(attempt.body)))))
        }
    }

    /// The error for a non-2xx response, with the server's own message when it sent one.
    fileprivate func statusError(_ attempt: HTTPAttempt, key: String?) -> TeacherError {
        let status = attempt.status
        var detail = ""
        if let body = try? JSONDecoder().decode(WireErrorBody.self, from: Data(attempt.body)) {
            detail = body.error?.message ?? body.message ?? ""
        }
        if detail.isEmpty { detail = snippet(attempt.body) }
        var message = "HTTP \(status) from \(configuration.baseURL)"
        if !detail.isEmpty { message += ": " + redacting(key, in: detail) }
        return TeacherError(.httpStatus(status), message, hint: hint(forStatus: status))
    }

    private func hint(forStatus status: Int) -> String? {
        switch status {
        case 401, 403: return "Check the API key in $\(configuration.keyEnv)"
        case 404: return "Check base_url and the model name"
        case 408, 409, 429: return "Wait and try again, or lower max_concurrency"
        case 500...: return "The server failed; try again later"
        default: return nil
        }
    }
}

/// The progress of one streamed attempt: events parsed so far, text per choice, the end marker.
private struct StreamState {
    var parser = ServerSentEventParser()
    var texts: [Int: String] = [:]
    var finishReasons: [Int: String] = [:]
    var usage = TokenUsage()
    var sawDone = false
    var failure: TeacherError?
    var deliveredText = false

    /// Parses new bytes; returns false to abandon the transfer after an in-stream error.
    mutating func consume(_ bytes: ArraySlice<UInt8>, onToken: (String) -> Void, key: String?) -> Bool {
        for event in parser.feed(bytes) where !sawDone && failure == nil {
            if event.data == "[DONE]" {
                sawDone = true
                continue
            }
            let chunk: WireChatChunk
            do {
                chunk = try JSONDecoder().decode(WireChatChunk.self, from: Data(event.data.utf8))
            } catch {
                failure = TeacherError(.decoding, "malformed event in the stream: \(describe(error))")
                return false
            }
            if let error = chunk.error ?? (event.type == "error" ? WireError(message: event.data) : nil) {
                failure = TeacherError(
                    .stream, "the server reported an error mid-stream: " + redacting(key, in: error.message ?? "no message"))
                return false
            }
            if let usage = chunk.usage { self.usage = usage.tokenUsage }
            for choice in chunk.choices ?? [] {
                let index = choice.index ?? 0
                if let piece = choice.delta?.content, !piece.isEmpty {
                    texts[index, default: ""] += piece
                    if index == 0 {
                        deliveredText = true
                        onToken(piece)
                    }
                }
                if let reason = choice.finishReason { finishReasons[index] = reason }
            }
        }
        if parser.invalidUTF8, failure == nil {
            failure = TeacherError(.decoding, "the event stream is not valid UTF-8")
            return false
        }
        return true
    }

    /// The outcome once the attempt is over.
    func finish(_ attempt: HTTPAttempt, interpret: (HTTPAttempt) -> Result<ChatResponse, TeacherError>)
        -> Result<ChatResponse, TeacherError>
    {
        // A failure seen in the events of a 2xx stream stands (we may have cut the transfer for
        // it); an error status outranks whatever its body looked like as events.
        if let failure, (200..<300).contains(attempt.status) { return .failure(failure) }
        guard !attempt.isTransportFailure, (200..<300).contains(attempt.status) else { return interpret(attempt) }
        if attempt.headers["content-type"]?.hasPrefix("application/json") == true {
            return interpret(attempt)
        }
        guard sawDone else {
            return .failure(
                TeacherError(
                    .transport, "the stream ended before [DONE] after \(texts[0]?.count ?? 0) characters",
                    hint: "The connection was cut; try again"))
        }
        var response = ChatResponse(text: texts[0] ?? "", finishReason: finishReasons[0], usage: usage)
        if texts.count > 1 {
            response.choices = texts.keys.sorted().map { ChatChoice(text: texts[$0]!, finishReason: finishReasons[$0]) }
        }
        return .success(response)
    }
}

extension WireError {
    init(message: String) {
        self.message = message
        self.type = nil
    }
}

/// The first 200 characters of a body, for error messages.
func snippet(_ body: [UInt8]) -> String {
    let text = String(decoding: body.prefix(200), as: UTF8.self)
    return body.count > 200 ? text + "..." : text
}

func quoted(_ text: String) -> String { "\"\(text)\"" }

/// A byte count as people read it: `8 MiB`, `1.5 KiB`, `900 bytes`.
func byteCount(_ bytes: Int) -> String {
    for (unit, size) in [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] where bytes >= size {
        let value = Double(bytes) / Double(size)
        return value == value.rounded() ? "\(Int(value)) \(unit)" : String(format: "%.1f", value) + " " + unit
    }
    return "\(bytes) bytes"
}

func formatSeconds(_ seconds: Double) -> String {
    seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
}
