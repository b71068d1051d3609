// The guard that keeps secrets out of notebook headers. Notebooks are shared and committed;
// an API key in one is a leak. Checked on every save, before anything is written.

enum SecretCheck {
    /// Words that make a name secret when a part of it (split at '-' and '_') is or ends with
    /// one: `api-key`, `apikey`, `access_token`, `db-password`, but not `author` or `keyboard`.
    private static let secretWords = [
        "key", "token", "secret", "password", "passwd", "auth", "authorization", "credential", "credentials",
        "cookie", "signature", "sig",
    ]
    private static let secretPrefixes = ["sk-", "sk_", "hf_", "ghp_", "gho_", "xoxb-", "AKIA"]

    /// Why the header entry `key: value` looks like a secret, or nil when it does not.
    static func problem(key: String, value: String) -> String? {
        if let word = secretWord(in: key) { return "its name contains '\(word)'" }
        return problem(value: value)
    }

    private static func secretWord(in name: String) -> String? {
        for part in name.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" }) {
            if let word = secretWords.first(where: { part.hasSuffix($0) }) { return word }
        }
        return nil
    }

    /// Why `value` looks like a secret: a known key prefix, a bearer token, a password in a
    /// URL, or a query parameter named like a secret.
    static func problem(value: String) -> String? {
        for word in value.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            if let prefix = secretPrefixes.first(where: { word.hasPrefix($0) }), word.count >= prefix.count + 16 {
                return "its value holds a token starting with '\(prefix)'"
            }
        }
        if value.lowercased().hasPrefix("bearer ") { return "its value is a bearer token" }
        if let scheme = value.firstRange(of: "://") {
            let rest = value[scheme.upperBound...]
            let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            if authority.contains("@") { return "its URL holds a user name or password" }
            if let query = rest.firstIndex(of: "?") {
                for pair in rest[rest.index(after: query)...].split(separator: "&") {
                    let name = String(pair.prefix { $0 != "=" })
                    if secretWord(in: name) != nil { return "its URL has a query parameter '\(name)'" }
                }
            }
        }
        return nil
    }
}
