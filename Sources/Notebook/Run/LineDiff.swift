/// A line diff in unified style (`-` recorded, `+` fresh, ` ` shared context) with `@@`
/// hunk headers, as `diff -u` and `git diff` print it.
///
///     LineDiff.unified(["a", "b", "c"], ["a", "B", "c"])
///     // "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"
public enum LineDiff {
    private enum Edit: Equatable {
        case keep(Int, Int)
        case remove(Int)
        case insert(Int)
    }

    /// The hunks turning `old` into `new`, with `context` shared lines around each change;
    /// empty when the two are equal.
    public static func unified(_ old: [String], _ new: [String], context: Int = 3) -> String {
        let edits = script(old, new)
        guard edits.contains(where: { if case .keep = $0 { return false } else { return true } }) else { return "" }
        var out = ""
        var i = 0
        while i < edits.count {
            guard let change = edits[i...].firstIndex(where: { if case .keep = $0 { return false } else { return true } }) else {
                break
            }
            let start = max(i, change - context)
            // Extend the hunk while the next change is within 2 * context kept lines.
            var end = change
            var keeps = 0
            var k = change
            while k < edits.count {
                if case .keep = edits[k] {
                    keeps += 1
                    if keeps > 2 * context { break }
                } else {
                    keeps = 0
                    end = k
                }
                k += 1
            }
            let stop = min(edits.count, end + 1 + context)
            out += hunk(edits[start..<stop], old, new)
            i = stop
        }
        return out
    }

    private static func hunk(_ edits: ArraySlice<Edit>, _ old: [String], _ new: [String]) -> String {
        var oldStart: Int?
        var newStart: Int?
        var oldCount = 0
        var newCount = 0
        var body = ""
        for edit in edits {
            switch edit {
            case .keep(let a, let b):
                oldStart = oldStart ?? a
                newStart = newStart ?? b
                oldCount += 1
                newCount += 1
                body += " \(old[a])\n"
            case .remove(let a):
                oldStart = oldStart ?? a
                oldCount += 1
                body += "-\(old[a])\n"
            case .insert(let b):
                newStart = newStart ?? b
                newCount += 1
                body += "+\(new[b])\n"
            }
        }
        // An empty side (only with no context lines) is written as `0,0`, as diff does.
        func range(_ start: Int?, _ count: Int) -> String {
            let first = count == 0 ? 0 : start! + 1
            return count == 1 ? "\(first)" : "\(first),\(count)"
        }
        return "@@ -\(range(oldStart, oldCount)) +\(range(newStart, newCount)) @@\n" + body
    }

    /// An edit script from a longest common subsequence of the lines between the common
    /// prefix and suffix. Past about four million cells of the table, the middle is shown
    /// as all removed then all inserted, which is correct if not minimal.
    private static func script(_ old: [String], _ new: [String]) -> [Edit] {
        var prefix = 0
        while prefix < old.count && prefix < new.count && old[prefix] == new[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < old.count - prefix && suffix < new.count - prefix
            && old[old.count - 1 - suffix] == new[new.count - 1 - suffix]
        {
            suffix += 1
        }
        var edits = (0..<prefix).map { Edit.keep($0, $0) }
        let a = Array(old[prefix..<(old.count - suffix)])
        let b = Array(new[prefix..<(new.count - suffix)])
        if a.count * b.count > 4_000_000 {
            edits += a.indices.map { .remove(prefix + $0) }
            edits += b.indices.map { .insert(prefix + $0) }
        } else {
            // lcs[i][j]: the LCS length of a[i...] and b[j...], in one flat array.
            let width = b.count + 1
            var lcs = [Int](repeating: 0, count: (a.count + 1) * width)
            for i in stride(from: a.count - 1, through: 0, by: -1) {
                for j in stride(from: b.count - 1, through: 0, by: -1) {
                    lcs[i * width + j] =
                        a[i] == b[j]
                        ? lcs[(i + 1) * width + j + 1] + 1
                        : max(lcs[(i + 1) * width + j], lcs[i * width + j + 1])
                }
            }
            var i = 0
            var j = 0
            while i < a.count || j < b.count {
                if i < a.count && j < b.count && a[i] == b[j] {
                    edits.append(.keep(prefix + i, prefix + j))
                    i += 1
                    j += 1
                } else if i < a.count && (j == b.count || lcs[(i + 1) * width + j] >= lcs[i * width + j + 1]) {
                    edits.append(.remove(prefix + i))
                    i += 1
                } else {
                    edits.append(.insert(prefix + j))
                    j += 1
                }
            }
        }
        let shift = old.count - suffix - (new.count - suffix)
        edits += (0..<suffix).map { k in
            let a = old.count - suffix + k
            return .keep(a, a - shift)
        }
        return edits
    }
}
