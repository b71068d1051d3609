/// The parsed form of a fewshot regular expression (see `LinearRegex` for the syntax).
indirect enum PatternNode {
    case empty
    /// One Unicode scalar; `fold` compares case-insensitively.
    case scalar(UInt32, fold: Bool)
    /// `.`: any scalar, and `\n` too when `dotAll`.
    case any(dotAll: Bool)
    case set(ScalarSet)
    case assertion(PatternAssertion)
    case concat([PatternNode])
    case alternation([PatternNode])
    /// `node{min,max}`; `max` nil means unbounded.
    case repetition(PatternNode, min: Int, max: Int?)
}

/// A zero-width test at a position.
enum PatternAssertion {
    case textStart, textEnd, lineStart, lineEnd, wordBoundary, notWordBoundary
}

/// A set of scalars: sorted ranges, possibly negated, possibly case-insensitive.
struct ScalarSet {
    var ranges: [ClosedRange<UInt32>] = []
    var negated = false
    var fold = false

    static let digits = ScalarSet(ranges: [0x30...0x39])
    static let word = ScalarSet(ranges: [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A])
    static let space = ScalarSet(ranges: [0x09...0x0A, 0x0C...0x0D, 0x20...0x20])

    /// Whether `s` is in the set.
    func contains(_ s: UInt32) -> Bool {
        var found = inRanges(s)
        if !found && fold {
            let (lower, upper) = CaseFolding.variants(s)
            found = inRanges(lower) || inRanges(upper)
        }
        return found != negated
    }

    private func inRanges(_ s: UInt32) -> Bool {
        for r in ranges where r.contains(s) { return true }
        return false
    }
}

/// Simple (one scalar to one scalar) case mapping, enough for case-insensitive matching.
enum CaseFolding {
    /// The lower- and upper-case forms of a scalar (itself where there is no single-scalar form).
    static func variants(_ s: UInt32) -> (lower: UInt32, upper: UInt32) {
        if s < 0x80 {
            if s >= 0x41 && s <= 0x5A { return (s + 32, s) }
            if s >= 0x61 && s <= 0x7A { return (s, s - 32) }
            return (s, s)
        }
        guard let scalar = Unicode.Scalar(s) else { return (s, s) }
        return (single(scalar.properties.lowercaseMapping) ?? s, single(scalar.properties.uppercaseMapping) ?? s)
    }

    private static func single(_ mapping: String) -> UInt32? {
        let scalars = mapping.unicodeScalars
        return scalars.count == 1 ? scalars.first!.value : nil
    }

    /// Whether two scalars are equal ignoring case.
    static func equal(_ a: UInt32, _ b: UInt32) -> Bool {
        if a == b { return true }
        let (l, u) = variants(a)
        return l == b || u == b
    }
}
