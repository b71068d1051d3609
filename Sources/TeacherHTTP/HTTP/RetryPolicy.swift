import Foundation
import Teacher

/// When and how long to wait before sending a failed request again.
///
/// Follows OpenAI's reference client: retry connection errors, timeouts and statuses 408, 409,
/// 429 and 5xx; wait what the server asks (`retry-after-ms`, then `retry-after` in seconds or as
/// an HTTP date, at most `maxRetryAfter`), else `initialDelay * 2^n` capped at `maxDelay`, less up
/// to `jitter` of it at random. A server's `x-should-retry: true/false` overrides the status rule.
/// Beyond the reference client, a 2xx answer that cannot be read (cut short, not JSON, missing
/// its choices, a stream cut before `[DONE]`) is retried like a dropped connection: the answer
/// was lost on the way, and a request is never given up while retries are left.
public struct RetryPolicy: Hashable, Sendable {
    /// Retries after the first attempt (so at most `maxRetries + 1` sends).
    public var maxRetries: Int
    /// The first backoff, in seconds.
    public var initialDelay: Double
    /// The longest backoff, in seconds.
    public var maxDelay: Double
    /// The longest wait a server may ask for with `retry-after`, in seconds.
    public var maxRetryAfter: Double
    /// The fraction of a backoff that is randomly taken off, so clients do not retry in step.
    public var jitter: Double

    /// Creates a policy; the defaults are the reference client's (0.5 s doubling to 8 s, 2 retries).
    public init(
        maxRetries: Int = 2, initialDelay: Double = 0.5, maxDelay: Double = 8, maxRetryAfter: Double = 120,
        jitter: Double = 0.25
    ) {
        self.maxRetries = maxRetries
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
        self.jitter = jitter
    }

    /// Whether a response with this status is worth sending again.
    public static func isRetryable(status: Int) -> Bool { TeacherError.isRetryable(status: status) }

    /// Whether an unreadable answer with this status is worth sending again: a 2xx whose body
    /// was lost on the way (the 4xx/5xx rules are `isRetryable(status:)`'s).
    public static func isRetryableUnreadableAnswer(status: Int) -> Bool {
        (200..<300).contains(status)
    }

    /// Whether a response with `status` and `headers` should be retried (before counting attempts).
    func shouldRetry(status: Int, headers: [String: String]) -> Bool {
        switch headers["x-should-retry"]?.lowercased() {
        case "true": return true
        case "false": return false
        default: return Self.isRetryable(status: status)
        }
    }

    /// Seconds to wait before retry number `retry` (0 for the first retry).
    func delay(retry: Int, headers: [String: String], now: Date = Date()) -> Double {
        if let asked = Self.serverDelay(headers, now: now), asked >= 0 {
            return min(asked, maxRetryAfter)
        }
        let backoff = min(initialDelay * pow(2, Double(retry)), maxDelay)
        return backoff * (1 - jitter * Double.random(in: 0..<1))
    }

    /// The wait a server asked for: `retry-after-ms`, else `retry-after` as seconds or a date.
    static func serverDelay(_ headers: [String: String], now: Date) -> Double? {
        if let text = headers["retry-after-ms"], let milliseconds = Double(text.trimmingCharacters(in: .whitespaces)),
            milliseconds.isFinite
        {
            return milliseconds / 1000
        }
        guard let text = headers["retry-after"]?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(text), seconds.isFinite { return seconds }
        guard let date = httpDate(text) else { return nil }
        return date.timeIntervalSince(now)
    }

    /// Parses an IMF-fixdate (RFC 9110), e.g. `Wed, 21 Oct 2015 07:28:00 GMT`.
    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
