/// Why a teacher request failed, said so a user knows which request, what happened and what to do.
///
/// ```
/// request 3 of 50: HTTP 429 from http://127.0.0.1:8080/v1: Rate limit reached (after 3 attempts).
///   Wait and try again, or lower max_concurrency.
/// ```
/// Messages never contain the API key: text from a server is scrubbed of it before it is kept.
public struct TeacherError: Error, CustomStringConvertible, Hashable, Sendable {
    /// The family of failure, for code that reacts to it.
    public enum Kind: Hashable, Sendable {
        /// A bad setting: base URL, missing key variable, invalid request.
        case configuration
        /// The connection failed: refused, reset, closed early, DNS.
        case transport
        /// The server did not answer within the timeout.
        case timeout
        /// The server answered with this HTTP status (4xx or 5xx).
        case httpStatus(Int)
        /// The response could not be read: malformed JSON, invalid UTF-8, missing fields.
        case decoding
        /// A streamed response reported an error or ended before `[DONE]`.
        case stream
        /// The caller cancelled before this request finished.
        case cancelled
        /// Replay mode has no recording for this request.
        case missingRecording
        /// The call would go over the token or cost budget.
        case budget
        /// The recording store could not be read or written.
        case store
    }

    /// The family of failure.
    public var kind: Kind
    /// What happened.
    public var message: String
    /// What the user can do about it, when there is something.
    public var hint: String?
    /// The request's position in its bulk call (0-based), when it was part of one.
    public var requestIndex: Int?
    /// How many requests the bulk call had.
    public var requestCount: Int?
    /// How many times the request was sent (1 + retries); 0 when it never was.
    public var attempts: Int

    /// Creates an error.
    public init(
        _ kind: Kind, _ message: String, hint: String? = nil, requestIndex: Int? = nil, requestCount: Int? = nil,
        attempts: Int = 0
    ) {
        self.kind = kind
        self.message = message
        self.hint = hint
        self.requestIndex = requestIndex
        self.requestCount = requestCount
        self.attempts = attempts
    }

    /// One line (two with a hint): `request 3 of 50: <message> (after 3 attempts).`
    public var description: String {
        var text = ""
        if let requestIndex {
            text += "request \(requestIndex + 1)"
            if let requestCount { text += " of \(requestCount)" }
            text += ": "
        }
        text += message
        if attempts > 1 { text += " (after \(attempts) attempts)" }
        if let hint { text += ". \(hint)" }
        return text
    }

    /// Whether a retry could succeed (connection trouble, timeouts, 408/409/429/5xx).
    public var isTransient: Bool {
        switch kind {
        case .transport, .timeout: return true
        case .httpStatus(let status): return Self.isRetryable(status: status)
        default: return false
        }
    }

    /// Whether a response with this HTTP status is worth sending again (408, 409, 429, 5xx).
    public static func isRetryable(status: Int) -> Bool {
        status == 408 || status == 409 || status == 429 || status >= 500
    }

    /// The same error placed at a request of a bulk call.
    package func at(_ index: Int, of count: Int, attempts: Int? = nil) -> TeacherError {
        var copy = self
        copy.requestIndex = index
        copy.requestCount = count
        if let attempts { copy.attempts = attempts }
        return copy
    }
}

/// Removes every occurrence of `secret` from `text` (a server may echo the key it was sent).
package func redacting(_ secret: String?, in text: String) -> String {
    guard let secret, secret.count >= 4 else { return text }
    return text.replacingOccurrences(of: secret, with: "[redacted]")
}
