// The one redaction point for everything fewshot writes as text: notebook sources and outputs,
// teacher recordings, exports, dataset files, `write_text`, the REPL history. An API key must
// never reach a file, even when a teacher echoes it back or a user pastes it into a cell.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The secret values this process knows, and the function that removes them from text.
///
/// Known values are the values of environment variables named like secrets (`*_KEY`,
/// `*_TOKEN`, `*_SECRET`, `*_PASSWORD`, such as `OPENAI_API_KEY`), the variables a
/// `teacher(..., key_env: "NAME")` reads, and anything passed to `remember`. Besides those,
/// text shaped like a key (`sk-`, `hf_`, `ghp_`, `xoxb-`, `AKIA` followed by at least 16 key
/// characters) is redacted wherever it appears.
///
///     SecretRedaction.remember("sk-live-0123456789abcdef")
///     SecretRedaction.redact("key is sk-live-0123456789abcdef")   // "key is [redacted]"
public enum SecretRedaction {
    /// What a secret is replaced with.
    public static let placeholder = "[redacted]"
    /// Shorter values are not treated as secrets (they would redact ordinary words).
    public static let minimumLength = 8
    /// Prefixes of key-shaped tokens that are redacted even when the value is not known.
    public static let keyPrefixes = ["sk-", "sk_", "hf_", "ghp_", "gho_", "ghs_", "xoxb-", "xoxp-", "AKIA"]

    private static let store = Store()

    /// Adds `value` to the known secrets (values shorter than `minimumLength` are ignored).
    public static func remember(_ value: String) {
        guard value.utf8.count >= minimumLength else { return }
        store.add(Array(value.utf8))
    }

    /// Adds the value of the environment variable `name`, when it is set.
    public static func rememberEnvironmentVariable(_ name: String) {
        if let value = getenv(name) { remember(String(cString: value)) }
    }

    /// Whether an environment variable `name` holds a secret by its name.
    public static func isSecretName(_ name: String) -> Bool {
        let upper = name.uppercased()
        return ["KEY", "TOKEN", "SECRET", "PASSWORD"].contains { upper.hasSuffix($0) || upper.contains("_\($0)") }
    }

    /// The known secret values, longest first.
    public static var knownValues: [String] {
        store.values().map { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether `text` holds a known secret or a key-shaped token.
    public static func containsSecret(_ text: String) -> Bool {
        redact(text) != text
    }

    /// `text` with every known secret and every key-shaped token replaced by `placeholder`.
    public static func redact(_ text: String) -> String {
        var utf8 = Array(text.utf8)
        guard redact(bytes: &utf8) else { return text }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// `bytes` (UTF-8 text) with every secret replaced; true when something was replaced.
    @discardableResult
    public static func redact(bytes: inout [UInt8]) -> Bool {
        var changed = false
        for secret in store.values() where replace(secret, in: &bytes) { changed = true }
        if replaceKeyShapedTokens(in: &bytes) { changed = true }
        return changed
    }

    /// Replaces every occurrence of `secret` in `bytes`; linear in `bytes.count` for short secrets.
    private static func replace(_ secret: [UInt8], in bytes: inout [UInt8]) -> Bool {
        let first = secret[0]
        var out: [UInt8] = []
        var copied = 0
        var i = 0
        let end = bytes.count - secret.count
        while i <= end {
            if bytes[i] == first && bytes[i..<(i + secret.count)].elementsEqual(secret) {
                if out.isEmpty { out.reserveCapacity(bytes.count) }
                out += bytes[copied..<i]
                out += placeholder.utf8
                i += secret.count
                copied = i
            } else {
                i += 1
            }
        }
        guard copied > 0 else { return false }
        out += bytes[copied...]
        bytes = out
        return true
    }

    private static func isKeyByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x5F
    }

    private static let prefixBytes = keyPrefixes.map { Array($0.utf8) }

    /// Replaces tokens that start (at a word boundary) with a key prefix followed by 16 or more
    /// key characters (`A-Z a-z 0-9 - _`).
    private static func replaceKeyShapedTokens(in bytes: inout [UInt8]) -> Bool {
        var out: [UInt8] = []
        var copied = 0
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            guard b == 0x73 || b == 0x68 || b == 0x67 || b == 0x78 || b == 0x41, i == 0 || !isKeyByte(bytes[i - 1])
            else {
                i += 1
                continue
            }
            var matched = 0
            for prefix in prefixBytes
            where prefix[0] == b && i + prefix.count <= bytes.count
                && bytes[i..<(i + prefix.count)].elementsEqual(prefix)
            {
                matched = prefix.count
                break
            }
            guard matched > 0 else {
                i += 1
                continue
            }
            var j = i + matched
            while j < bytes.count && isKeyByte(bytes[j]) { j += 1 }
            if j - i - matched >= 16 {
                if out.isEmpty { out.reserveCapacity(bytes.count) }
                out += bytes[copied..<i]
                out += placeholder.utf8
                copied = j
            }
            i = j
        }
        guard copied > 0 else { return false }
        out += bytes[copied...]
        bytes = out
        return true
    }

    /// The known values behind a lock (cells, teachers and savers run on several threads),
    /// seeded once from the environment.
    private final class Store: @unchecked Sendable {
        private var secrets: [[UInt8]] = []
        private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

        init() {
            pthread_mutex_init(lock, nil)
            var entry = environ
            while let pointer = entry.pointee {
                let pair = String(cString: pointer)
                if let equals = pair.firstIndex(of: "="), SecretRedaction.isSecretName(String(pair[..<equals])) {
                    let value = Array(pair[pair.index(after: equals)...].utf8)
                    if value.count >= SecretRedaction.minimumLength && !secrets.contains(value) { secrets.append(value) }
                }
                entry += 1
            }
            sort()
        }

        func add(_ value: [UInt8]) {
            pthread_mutex_lock(lock)
            defer { pthread_mutex_unlock(lock) }
            if !secrets.contains(value) {
                secrets.append(value)
                sort()
            }
        }

        func values() -> [[UInt8]] {
            pthread_mutex_lock(lock)
            defer { pthread_mutex_unlock(lock) }
            return secrets
        }

        /// Longest first, so a secret that contains another is replaced whole.
        private func sort() {
            secrets.sort { $0.count > $1.count }
        }
    }
}
