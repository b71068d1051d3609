/// Row numbers as a person reads them: from 1, runs of neighbours joined, long lists cut.
///
/// ```swift
/// RowList.describe([2, 3, 4, 5])        // "rows 3-6"
/// RowList.describe([0, 2, 3, 9])        // "rows 1, 3-4, 10"
/// RowList.describe([4])                 // "row 5"
/// ```
enum RowList {
    /// `indices` (0-based, ascending) as 1-based rows; after `limit` runs, "and N more".
    static func describe(_ indices: [Int], limit: Int = 8) -> String {
        var runs: [(first: Int, last: Int)] = []
        for index in indices {
            if let last = runs.last, last.last + 1 == index {
                runs[runs.count - 1].last = index
            } else {
                runs.append((index, index))
            }
        }
        let shown = runs.prefix(limit).map { $0.first == $0.last ? "\($0.first + 1)" : "\($0.first + 1)-\($0.last + 1)" }
        let rest = runs.dropFirst(limit).reduce(0) { $0 + $1.last - $1.first + 1 }
        return (indices.count == 1 ? "row " : "rows ") + shown.joined(separator: ", ") + (rest > 0 ? " and \(rest) more" : "")
    }
}
