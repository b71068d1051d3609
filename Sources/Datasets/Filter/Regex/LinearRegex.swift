/// A regular expression matched in time linear in the text (a Thompson NFA run as a Pike VM,
/// the approach of RE2), so no pattern can make `filter` hang, however it nests.
///
/// Syntax (a subset of RE2's; a pattern outside it is rejected with a message, never run):
/// - literal characters; `\` before punctuation makes it literal; `\n \t \r \f \v \a \0`,
///   `\xHH`, `\x{H...}`, `\uHHHH`, `\u{H...}`
/// - `.` any character but newline; classes `[abc]`, `[^a-z]`, `[\d_]`; `\d \w \s` (ASCII
///   digits, word characters `[0-9A-Za-z_]`, whitespace `[\t\n\f\r ]`) and `\D \W \S`
/// - `^` `$` start and end of the text (of each line with `(?m)`), `\A` `\z`, `\b` `\B`
/// - groups `(...)`, `(?:...)`, `(?<name>...)`, alternation `a|b`
/// - quantifiers `* + ? {n} {n,} {n,m}` (counts up to 1000; a trailing `?` is accepted)
/// - flags `(?i)` ignore case, `(?s)` `.` matches newline, `(?m)` multi-line anchors, also
///   scoped as `(?i:...)`
/// Not supported: backreferences, lookahead/lookbehind, atomic groups, possessive
/// quantifiers, `\p{...}`, POSIX `[:classes:]`.
///
/// A character is one Unicode scalar. `matches` looks for the pattern anywhere in the text
/// (anchor with `^...$` for a whole-text match).
///
/// ```swift
/// let r = try LinearRegex("^(a+)+$")
/// r.matches(String(repeating: "a", count: 40) + "!")  // false, at once
/// ```
public struct LinearRegex: Sendable {
    /// The pattern as written.
    public let pattern: String
    let program: [PatternInstruction]

    /// Compiles a pattern. - Throws: `PatternError` for syntax outside the subset.
    public init(_ pattern: String) throws {
        self.pattern = pattern
        program = try PatternProgram.compile(PatternParser.parse(pattern)).instructions
    }

    /// Whether the pattern matches somewhere in `text`.
    public func matches(_ text: String) -> Bool {
        let input = Array(text.unicodeScalars.lazy.map(\.value))
        var current = ThreadList(count: program.count)
        var next = ThreadList(count: program.count)
        var stack: [Int] = []
        for pos in 0...input.count {
            // Unanchored search: a new thread starts at every position.
            if add(0, at: pos, input, to: &current, &stack) { return true }
            if pos == input.count { break }
            let c = input[pos]
            for pc in current.members {
                let consumed: Bool
                switch program[pc] {
                case .scalar(let s, let fold): consumed = fold ? CaseFolding.equal(c, s) : c == s
                case .any(let dotAll): consumed = dotAll || c != 0x0A
                case .set(let set): consumed = set.contains(c)
                default: consumed = false
                }
                if consumed, add(pc + 1, at: pos + 1, input, to: &next, &stack) { return true }
            }
            swap(&current, &next)
            next.clear()
        }
        return false
    }

    /// Adds the thread at `pc` and every thread reachable from it without consuming input;
    /// returns true when one of them is a match.
    private func add(_ start: Int, at pos: Int, _ input: [UInt32], to list: inout ThreadList, _ stack: inout [Int])
        -> Bool
    {
        stack.append(start)
        while let pc = stack.popLast() {
            guard list.insert(pc) else { continue }
            switch program[pc] {
            case .match: stack.removeAll(keepingCapacity: true); return true
            case .jump(let target): stack.append(target)
            case .split(let a, let b): stack.append(b); stack.append(a)
            case .assert(let a): if holds(a, at: pos, input) { stack.append(pc + 1) }
            default: continue
            }
        }
        return false
    }

    private func holds(_ a: PatternAssertion, at pos: Int, _ input: [UInt32]) -> Bool {
        switch a {
        case .textStart: return pos == 0
        case .textEnd: return pos == input.count
        case .lineStart: return pos == 0 || input[pos - 1] == 0x0A
        case .lineEnd: return pos == input.count || input[pos] == 0x0A
        case .wordBoundary, .notWordBoundary:
            let before = pos > 0 && ScalarSet.word.contains(input[pos - 1])
            let after = pos < input.count && ScalarSet.word.contains(input[pos])
            return (before != after) == (a == .wordBoundary)
        }
    }
}

/// A set of instruction indices with O(1) insert, membership and clear (a sparse set), kept
/// in insertion order.
struct ThreadList {
    private var dense: [Int] = []
    private var sparse: [Int]

    init(count: Int) { sparse = Array(repeating: 0, count: count) }

    var members: [Int] { dense }

    /// Inserts `pc`; false when it was already there.
    mutating func insert(_ pc: Int) -> Bool {
        let i = sparse[pc]
        if i < dense.count && dense[i] == pc { return false }
        sparse[pc] = dense.count
        dense.append(pc)
        return true
    }

    mutating func clear() { dense.removeAll(keepingCapacity: true) }
}
