import Foundation
import Teacher
import TeacherHTTP

/// Which servers a teacher may talk to (and so receive the API key).
///
/// At the REPL the user types the base URL, so anything goes (`unrestricted`). Under
/// `fewshot run` and `fewshot check` the code comes from elsewhere: requests go only to the
/// server the user configured (`$OPENAI_BASE_URL`, or OpenAI's API when it is unset) and to
/// those named with `--allow-teacher-url`. A teacher naming another server gets no key and
/// no request: its calls fail with an error that says how to allow it.
///
/// ```swift
/// let policy = TeacherURLPolicy.confined(allowing: ["http://127.0.0.1:8080/v1"])
/// policy.refusal(for: "http://evil.example/v1")  // "... run again with --allow-teacher-url ..."
/// ```
public struct TeacherURLPolicy: Sendable, Equatable {
    /// The allowed base URLs, normalised; nil allows every URL.
    public let allowed: Set<String>?

    /// Allows every server (the REPL, `fewshot -e`).
    public static let unrestricted = TeacherURLPolicy(allowed: nil)

    /// Allows the configured server (`$OPENAI_BASE_URL`, else the default) and `extra`.
    public static func confined(
        allowing extra: [String] = [], environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> TeacherURLPolicy {
        let configured = environment[HTTPTeacherConfiguration.baseURLVariable] ?? HTTPTeacherConfiguration.defaultBaseURL
        return TeacherURLPolicy(allowed: Set(([configured] + extra).map(normalized)))
    }

    /// nil when `baseURL` is allowed, else the message explaining the refusal and the flag.
    public func refusal(for baseURL: String) -> String? {
        guard let allowed, !allowed.contains(Self.normalized(baseURL)) else { return nil }
        return "the teacher's base_url \(baseURL) is not a server you configured, so fewshot sent it no request "
            + "and no API key (notebooks and scripts may only use $\(HTTPTeacherConfiguration.baseURLVariable) or "
            + "URLs you allow). If you trust it, run again with --allow-teacher-url \(baseURL)"
    }

    /// Scheme and host lower-cased, default ports and trailing slashes dropped:
    /// `HTTPS://API.example.com:443/v1/` and `https://api.example.com/v1` are the same server.
    public static func normalized(_ url: String) -> String {
        var text = url.trimmingCharacters(in: .whitespaces)
        while text.hasSuffix("/") { text.removeLast() }
        guard var components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            return text
        }
        components.scheme = scheme
        components.host = components.host?.lowercased()
        if (scheme == "http" && components.port == 80) || (scheme == "https" && components.port == 443) {
            components.port = nil
        }
        return components.string ?? text
    }
}
