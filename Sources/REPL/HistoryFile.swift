import Foundation
import SafeFiles

/// The REPL's persistent history: one entry per line in a plain file under
/// `$XDG_STATE_HOME/fewshot/history` (default `~/.local/state/fewshot/history`).
///
/// Lines that look like they hold a secret (an API key, a bearer token, the value of any
/// `*_KEY`/`*_TOKEN`/`*_SECRET` environment variable, or any secret `SecretRedaction` knows,
/// such as a teacher's `key_env:` variable) are never written.
public final class HistoryFile {
    /// Where the history lives.
    public let path: URL
    /// How many entries are kept.
    public let limit: Int
    private let secretValues: [String]

    /// Uses `path`, or the default location derived from the environment.
    public init(path: URL? = nil, limit: Int = 1000, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.path = path ?? HistoryFile.defaultPath(environment: environment)
        self.limit = limit
        self.secretValues = environment.filter { name, value in
            let upper = name.uppercased()
            return value.count >= 8
                && ["KEY", "TOKEN", "SECRET", "PASSWORD"].contains { upper.hasSuffix($0) || upper.contains("_\($0)") }
        }.map(\.value)
    }

    /// `$XDG_STATE_HOME/fewshot/history`, or `~/.local/state/fewshot/history`.
    public static func defaultPath(environment: [String: String]) -> URL {
        if let state = environment["XDG_STATE_HOME"], !state.isEmpty {
            return URL(fileURLWithPath: state).appendingPathComponent("fewshot/history")
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".local/state/fewshot/history")
    }

    /// The saved entries, oldest first (missing or unreadable file: none).
    public func load() -> [String] {
        guard let data = try? Data(contentsOf: path) else { return [] }
        // Split the bytes, not the characters: it is read at every start (a 1,000-line
        // history in well under a millisecond).
        return data.split(separator: UInt8(ascii: "\n")).suffix(limit).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether `line` may be stored: not blank, and holding nothing that looks like a secret.
    public func accepts(_ line: String) -> Bool {
        if line.trimmingCharacters(in: .whitespaces).isEmpty { return false }
        if secretValues.contains(where: { line.contains($0) }) { return false }
        if SecretRedaction.containsSecret(line) { return false }
        return !HistoryFile.looksLikeSecret(line)
    }

    /// Appends one entry. History is a convenience: a write failure is ignored, never fatal.
    public func append(_ line: String) {
        guard accepts(line) else { return }
        let entry = line.replacingOccurrences(of: "\n", with: " ") + "\n"
        try? FileManager.default.createDirectory(
            at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
        if let handle = try? FileHandle(forWritingTo: path) {
            handle.seekToEndOfFile()
            handle.write(Data(entry.utf8))
            try? handle.close()
        } else {
            try? Data(entry.utf8).write(to: path)
            chmod(path.path, 0o600)
        }
    }

    /// Key-shaped text: OpenAI-style `sk-...` keys, bearer tokens, `api_key`/`key:` assignments
    /// with a long literal.
    static func looksLikeSecret(_ line: String) -> Bool {
        let patterns = [
            #"sk-[A-Za-z0-9_\-]{16,}"#,
            #"(?i)bearer\s+[A-Za-z0-9_\-\.=]{16,}"#,
            #"(?i)(api[_-]?key|secret|token|password)\s*[:=]\s*"[^"]{8,}""#,
        ]
        return patterns.contains { line.range(of: $0, options: .regularExpression) != nil }
    }
}
