import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The cells a kernel ran, for `history_request`: tail, range and search (glob patterns, as
/// IPython's), all in session 1 (the kernel keeps no history across restarts).
public struct HistoryLog {
    /// One cell: its `In [N]`, its source, and its output as plain text.
    public struct Entry {
        public var line: Int
        public var input: String
        public var output: String
    }

    /// The session number every entry carries.
    public static let session = 1
    public private(set) var entries: [Entry] = []

    /// Adds a cell.
    public mutating func append(line: Int, input: String, output: String) {
        entries.append(Entry(line: line, input: input, output: output))
    }

    /// The reply content's `history` for a request's content.
    func answer(_ request: [String: Any]) -> [[Any]] {
        let output = request["output"] as? Bool ?? false
        let n = (request["n"] as? Int).map { max(0, $0) }
        var chosen: [Entry]
        switch request["hist_access_type"] as? String ?? "tail" {
        case "range":
            let session = request["session"] as? Int ?? HistoryLog.session
            let start = request["start"] as? Int ?? 0
            let stop = request["stop"] as? Int
            chosen = entries.filter { entry in
                session == HistoryLog.session && entry.line >= start && stop.map { entry.line < $0 } ?? true
            }
        case "search":
            let pattern = request["pattern"] as? String ?? "*"
            chosen = entries.filter { fnmatch(pattern, $0.input, 0) == 0 }
            if request["unique"] as? Bool ?? false {
                var seen = Set<String>()
                chosen = chosen.reversed().filter { seen.insert($0.input).inserted }.reversed()
            }
            if let n { chosen = Array(chosen.suffix(n)) }
        default:
            chosen = n.map { Array(entries.suffix($0)) } ?? entries
        }
        return chosen.map { entry in
            [HistoryLog.session, entry.line, output ? [entry.input, entry.output] as [Any] : entry.input]
        }
    }
}
