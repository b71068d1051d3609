import Foundation
import Teacher

/// Where and how an `HTTPTeacher` talks to an OpenAI-compatible server.
///
/// The API key is never stored here: only the *name* of the environment variable that holds
/// it, read when requests are sent. By default the base URL comes from `OPENAI_BASE_URL` and the
/// key from `OPENAI_API_KEY`.
///
/// ```swift
/// // A local llama-server, no key needed:
/// let local = try HTTPTeacherConfiguration(model: "smollm2", baseURL: "http://127.0.0.1:8080/v1")
/// // A hosted model, the key in a variable of your choosing:
/// let hosted = try HTTPTeacherConfiguration(model: "gpt-4o-mini", keyEnv: "MY_KEY", maxConcurrency: 16)
/// ```
public struct HTTPTeacherConfiguration: Hashable, Sendable, CustomStringConvertible {
    /// The variable that names the server when no base URL is given.
    public static let baseURLVariable = "OPENAI_BASE_URL"
    /// The variable that holds the key by default.
    public static let defaultKeyVariable = "OPENAI_API_KEY"
    /// The server used when neither `baseURL` nor `OPENAI_BASE_URL` is set: OpenAI's API.
    public static let defaultBaseURL = "https://api.openai.com/v1"

    /// The model to ask for, unless a request names its own.
    public var model: String
    /// The API root, e.g. `http://127.0.0.1:8080/v1`; requests go to `{baseURL}/chat/completions`.
    public var baseURL: String
    /// The name of the environment variable holding the API key.
    public var keyEnv: String
    /// Whether a missing key is an error (true when `keyEnv` was named explicitly). When false
    /// and the variable is unset, requests carry no `Authorization` header (local servers).
    public var requireKey: Bool
    /// Requests in flight at once.
    public var maxConcurrency: Int
    /// Limit on one attempt of one request, in seconds.
    public var timeout: Double
    /// Limit on opening a connection, in seconds.
    public var connectTimeout: Double
    /// The longest silence, in seconds, once an answer has started to arrive (a server that
    /// stalls mid-answer); the attempt then fails as a timeout and is retried.
    public var readTimeout: Double
    /// The most bytes one response may have, header lines and body together; a bigger one is
    /// cut at this size and the request fails (it is not retried).
    public var maxResponseBytes: Int
    /// When to retry, and how long to wait.
    public var retry: RetryPolicy

    /// The default `maxResponseBytes`: 8 MiB, far above any chat answer.
    public static let defaultMaxResponseBytes = 8 << 20
    /// The range `maxResponseBytes` must be in: 1 KiB to 1 GiB.
    public static let maxResponseBytesRange = 1024...(1 << 30)

    /// Creates a configuration, filling the base URL from `OPENAI_BASE_URL` when not given.
    ///
    /// Throws a `.configuration` error for a URL that is not http(s), a concurrency below 1 or a
    /// timeout that is not positive.
    public init(
        model: String, baseURL: String? = nil, keyEnv: String? = nil, maxConcurrency: Int = 8,
        timeout: Double = 120, connectTimeout: Double = 5, readTimeout: Double = 60,
        maxResponseBytes: Int = HTTPTeacherConfiguration.defaultMaxResponseBytes, retry: RetryPolicy = RetryPolicy(),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        var base = baseURL ?? environment[Self.baseURLVariable] ?? Self.defaultBaseURL
        while base.hasSuffix("/") { base.removeLast() }
        guard base.hasPrefix("http://") || base.hasPrefix("https://") else {
            throw TeacherError(
                .configuration, "base_url \"\(base)\" is not an http:// or https:// URL",
                hint: "Use e.g. http://127.0.0.1:8080/v1")
        }
        guard maxConcurrency >= 1 else {
            throw TeacherError(.configuration, "max_concurrency must be at least 1, not \(maxConcurrency)")
        }
        guard timeout > 0, connectTimeout > 0, readTimeout > 0, timeout.isFinite, connectTimeout.isFinite else {
            throw TeacherError(
                .configuration,
                "timeouts must be positive (timeout \(timeout), connect \(connectTimeout), read_timeout \(readTimeout))")
        }
        guard Self.maxResponseBytesRange.contains(maxResponseBytes) else {
            throw TeacherError(
                .configuration,
                "max_response_bytes must be from \(Self.maxResponseBytesRange.lowerBound) (1 KiB) to "
                    + "\(Self.maxResponseBytesRange.upperBound) (1 GiB), not \(maxResponseBytes)")
        }
        guard retry.maxRetries >= 0 else {
            throw TeacherError(.configuration, "max_retries must be 0 or more, not \(retry.maxRetries)")
        }
        self.model = model
        self.baseURL = base
        self.keyEnv = keyEnv ?? Self.defaultKeyVariable
        self.requireKey = keyEnv != nil
        self.maxConcurrency = maxConcurrency
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.maxResponseBytes = maxResponseBytes
        self.retry = retry
    }

    /// `{baseURL}/chat/completions`.
    public var endpoint: String { baseURL + "/chat/completions" }

    /// The settings without the key (which is never here), e.g. for `:teacher`.
    public var description: String {
        "model \(model) at \(baseURL), key from $\(keyEnv), \(maxConcurrency) in flight, timeout \(timeout) s, "
            + "\(retry.maxRetries) retries"
    }

    /// Reads the key from the environment now; nil when unset and not required.
    func readKey() throws -> String? {
        if let value = getenv(keyEnv).map({ String(cString: $0) }), !value.isEmpty {
            return value
        }
        guard !requireKey else {
            throw TeacherError(
                .configuration, "the environment variable \(keyEnv) that should hold the API key is not set",
                hint: "Export \(keyEnv) before starting fewshot")
        }
        return nil
    }
}
