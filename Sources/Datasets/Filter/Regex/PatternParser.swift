/// A pattern that cannot be used, with the position (in scalars) where the problem is.
public struct PatternError: Error, CustomStringConvertible, Equatable {
    public let message: String
    /// Offset in Unicode scalars from the start of the pattern.
    public let offset: Int
    public var description: String { "\(message) at offset \(offset)" }
}

/// Parses the syntax documented on `LinearRegex` into a `PatternNode`.
struct PatternParser {
    /// Deepest nesting of groups accepted (the parser and compiler recurse once per group).
    static let maxNesting = 200
    /// Largest count in `{n}`, `{n,m}` (as RE2).
    static let maxRepeat = 1000

    private let scalars: [UInt32]
    private var pos = 0
    private var depth = 0
    private var caseInsensitive = false, dotAll = false, multiLine = false

    init(_ pattern: String) { scalars = pattern.unicodeScalars.map(\.value) }

    static func parse(_ pattern: String) throws -> PatternNode {
        var p = PatternParser(pattern)
        let node = try p.parseAlternation()
        if p.pos < p.scalars.count { throw p.error("unmatched ')'") }
        return node
    }

    private func error(_ message: String, at offset: Int? = nil) -> PatternError {
        PatternError(message: message, offset: offset ?? pos)
    }

    private var peek: UInt32? { pos < scalars.count ? scalars[pos] : nil }

    private mutating func eat(_ c: Character) -> Bool {
        if peek == c.unicodeScalars.first!.value { pos += 1; return true }
        return false
    }

    private mutating func parseAlternation() throws -> PatternNode {
        var branches = [try parseConcat()]
        while eat("|") { branches.append(try parseConcat()) }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func parseConcat() throws -> PatternNode {
        var items: [PatternNode] = []
        while let c = peek, c != 0x7C, c != 0x29 {  // '|' and ')' end a branch
            let atom = try parseAtom()
            items.append(try parseQuantifiers(atom))
        }
        return items.isEmpty ? .empty : items.count == 1 ? items[0] : .concat(items)
    }

    private mutating func parseQuantifiers(_ atom: PatternNode) throws -> PatternNode {
        var node = atom
        var quantified = false
        while let c = peek {
            let start = pos
            var bounds: (Int, Int?)
            switch c {
            case 0x2A: pos += 1; bounds = (0, nil)  // *
            case 0x2B: pos += 1; bounds = (1, nil)  // +
            case 0x3F: pos += 1; bounds = (0, 1)  // ?
            case 0x7B:  // {
                guard let b = try parseCounted() else { return node }  // a literal '{'
                bounds = b
            default: return node
            }
            if case .assertion = node { throw error("nothing to repeat before this quantifier", at: start) }
            if quantified { throw error("a quantifier cannot follow another quantifier", at: start) }
            quantified = true
            _ = eat("?")  // lazy: the same set of matches for a yes/no test
            if peek == 0x2B { throw error("possessive quantifiers are not supported") }
            node = .repetition(node, min: bounds.0, max: bounds.1)
        }
        return node
    }

    /// `{n}`, `{n,}` or `{n,m}`; nil (position unchanged) when the brace is not a quantifier.
    private mutating func parseCounted() throws -> (Int, Int?)? {
        let start = pos
        pos += 1
        guard let lo = readNumber() else { pos = start; return nil }
        var hi: Int? = lo
        if eat(",") { hi = readNumber() }
        guard eat("}") else { pos = start; return nil }
        if lo > PatternParser.maxRepeat || (hi ?? 0) > PatternParser.maxRepeat {
            throw error("repetition count above \(PatternParser.maxRepeat)", at: start)
        }
        if let hi, hi < lo { throw error("repetition {\(lo),\(hi)} has max below min", at: start) }
        return (lo, hi)
    }

    private mutating func readNumber() -> Int? {
        var n = 0, digits = 0
        while let c = peek, c >= 0x30 && c <= 0x39 {
            n = min(n * 10 + Int(c - 0x30), 1_000_000)
            digits += 1
            pos += 1
        }
        return digits > 0 ? n : nil
    }

    private mutating func parseAtom() throws -> PatternNode {
        let c = scalars[pos]
        pos += 1
        switch c {
        case 0x28: return try parseGroup()  // (
        case 0x5B: return .set(try parseSet())  // [
        case 0x2E: return .any(dotAll: dotAll)  // .
        case 0x5E: return .assertion(multiLine ? .lineStart : .textStart)  // ^
        case 0x24: return .assertion(multiLine ? .lineEnd : .textEnd)  // $
        case 0x5C: return try parseEscape()  // backslash
        case 0x2A, 0x2B, 0x3F: throw error("nothing to repeat before this quantifier", at: pos - 1)
        default: return .scalar(c, fold: caseInsensitive)
        }
    }

    private mutating func parseGroup() throws -> PatternNode {
        let open = pos - 1
        if depth >= PatternParser.maxNesting {
            throw error("groups nested more than \(PatternParser.maxNesting) deep", at: open)
        }
        let saved = (caseInsensitive, dotAll, multiLine)
        if eat("?") {
            if eat(":") {
            } else if eat("P") || peek == 0x3C && !lookaround(at: pos + 1) {  // (?P<name> or (?<name>
                guard eat("<") else { throw error("expected '<' after (?P") }
                while let c = peek, c != 0x3E { pos += 1 }
                guard eat(">") else { throw error("unterminated group name") }
            } else if peek == 0x3D || peek == 0x21 || peek == 0x3C {
                throw error("lookahead and lookbehind are not supported", at: open)
            } else if peek == 0x3E {
                throw error("atomic groups are not supported", at: open)
            } else {
                // Flags: (?ims) for the rest of this group, or (?ims:...) for a sub-pattern.
                try parseFlags()
                if eat(")") { return .empty }  // flags stay set until the enclosing group closes
                guard eat(":") else { throw error("expected ')' or ':' after flags") }
            }
        }
        depth += 1
        let inner = try parseAlternation()
        depth -= 1
        guard eat(")") else { throw error("missing ')' to close the group", at: open) }
        (caseInsensitive, dotAll, multiLine) = saved
        return inner
    }

    private func lookaround(at i: Int) -> Bool {
        i < scalars.count && (scalars[i] == 0x3D || scalars[i] == 0x21)  // (?<= (?<!
    }

    private mutating func parseFlags() throws {
        var on = true
        while let c = peek, c != 0x29, c != 0x3A {
            switch c {
            case 0x69: caseInsensitive = on  // i
            case 0x73: dotAll = on  // s
            case 0x6D: multiLine = on  // m
            case 0x2D: on = false  // -
            default: throw error("unknown flag '\(Character(Unicode.Scalar(c)!))' (flags are i, m and s)")
            }
            pos += 1
        }
    }

    private mutating func parseEscape() throws -> PatternNode {
        guard let c = peek else { throw error("pattern ends with a lone backslash") }
        switch c {
        case 0x41: pos += 1; return .assertion(.textStart)  // \A
        case 0x7A: pos += 1; return .assertion(.textEnd)  // \z
        case 0x62: pos += 1; return .assertion(.wordBoundary)  // \b
        case 0x42: pos += 1; return .assertion(.notWordBoundary)  // \B
        default:
            if var set = try parseClassEscape() {
                set.fold = false
                return .set(set)
            }
            return .scalar(try parseLiteralEscape(), fold: caseInsensitive)
        }
    }

    /// `\d \D \w \W \s \S` (after the backslash), or nil for any other escape.
    private mutating func parseClassEscape() throws -> ScalarSet? {
        guard let c = peek else { return nil }
        var set: ScalarSet
        switch c {
        case 0x64, 0x44: set = .digits
        case 0x77, 0x57: set = .word
        case 0x73, 0x53: set = .space
        default: return nil
        }
        pos += 1
        set.negated = c < 0x60  // the upper-case forms negate
        return set
    }

    /// The scalar a literal escape stands for (after the backslash).
    private mutating func parseLiteralEscape() throws -> UInt32 {
        let start = pos - 1
        let c = scalars[pos]
        pos += 1
        switch c {
        case 0x6E: return 0x0A  // \n
        case 0x74: return 0x09  // \t
        case 0x72: return 0x0D  // \r
        case 0x66: return 0x0C  // \f
        case 0x76: return 0x0B  // \v
        case 0x61: return 0x07  // \a
        case 0x30: return 0  // \0
        case 0x78, 0x75:  // \xHH, \x{H...}, \uHHHH, \u{H...}
            let fixed = c == 0x78 ? 2 : 4
            var digits: [UInt32] = []
            if eat("{") {
                while let d = peek, d != 0x7D, digits.count <= 8 { digits.append(d); pos += 1 }
                guard eat("}") else { throw error("unterminated \\\(Character(Unicode.Scalar(c)!)){...} escape", at: start) }
            } else {
                while digits.count < fixed, let d = peek { digits.append(d); pos += 1 }
            }
            let text = String(String.UnicodeScalarView(digits.compactMap(Unicode.Scalar.init)))
            guard !text.isEmpty, let v = UInt32(text, radix: 16), Unicode.Scalar(v) != nil else {
                throw error("bad hexadecimal escape", at: start)
            }
            return v
        case 0x31...0x39: throw error("backreferences are not supported", at: start)
        case 0x6B: throw error("named backreferences are not supported", at: start)
        case 0x70, 0x50: throw error("Unicode property classes (\\p, \\P) are not supported", at: start)
        default:
            let isLetterOrDigit = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
            if isLetterOrDigit { throw error("unknown escape \\\(Character(Unicode.Scalar(c)!))", at: start) }
            return c  // an escaped punctuation or other character stands for itself
        }
    }

    /// A bracketed class, after the '['.
    private mutating func parseSet() throws -> ScalarSet {
        let open = pos - 1
        var set = ScalarSet()
        set.fold = caseInsensitive
        set.negated = eat("^")
        var first = true
        while true {
            guard let c = peek else { throw error("missing ']' to close the class", at: open) }
            if c == 0x5D && !first { pos += 1; break }  // ']' (first position: a literal)
            first = false
            if c == 0x5B && pos + 1 < scalars.count && scalars[pos + 1] == 0x3A {
                throw error("POSIX classes like [:alpha:] are not supported (use \\w, \\d, \\s or ranges)")
            }
            let lo: UInt32
            pos += 1
            if c == 0x5C {
                guard peek != nil else { throw error("missing ']' to close the class", at: open) }
                if let inner = try parseClassEscape() {
                    try merge(inner, into: &set)
                    continue
                }
                lo = try parseLiteralEscape()
            } else {
                lo = c
            }
            // A range a-z, unless the '-' is last.
            if peek == 0x2D, pos + 1 < scalars.count, scalars[pos + 1] != 0x5D {
                pos += 1
                var hi = scalars[pos]
                pos += 1
                if hi == 0x5C {
                    if peek == nil { throw error("missing ']' to close the class", at: open) }
                    hi = try parseLiteralEscape()
                }
                guard lo <= hi else { throw error("class range out of order", at: pos - 1) }
                set.ranges.append(lo...hi)
            } else {
                set.ranges.append(lo...lo)
            }
        }
        return set
    }

    /// Adds a shorthand class (`\d`, `\W`, ...) to a bracketed class.
    private func merge(_ inner: ScalarSet, into set: inout ScalarSet) throws {
        guard inner.negated else { set.ranges += inner.ranges; return }
        // The complement of the inner ranges over all scalars.
        var next: UInt32 = 0
        for r in inner.ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if r.lowerBound > next { set.ranges.append(next...(r.lowerBound - 1)) }
            next = max(next, r.upperBound + 1)
        }
        set.ranges.append(next...0x10FFFF)
    }
}
