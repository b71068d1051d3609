/// ROUGE-L precision, recall and F-measure of a candidate against a reference.
public struct RougeScore: Hashable, Sendable {
    /// LCS length over the candidate's length.
    public var precision: Double
    /// LCS length over the reference's length.
    public var recall: Double
    /// Their harmonic mean (0 when either is 0), the number Self-Instruct thresholds at 0.7.
    public var fMeasure: Double
}

/// ROUGE-L between two texts: the longest common subsequence of their `TextTokens.words`,
/// as in the `rouge-score` package (no stemming).
///
/// ```swift
/// rougeL("the cat sat on the mat", "the cat lay on the mat").fMeasure   // 0.8333
/// ```
public func rougeL(_ candidate: String, _ reference: String) -> RougeScore {
    var vocab = Vocabulary()
    let c = vocab.encode(candidate)
    let r = vocab.encode(reference)
    return rougeL(tokens: c, r)
}

/// ROUGE-L between two token-id sequences.
public func rougeL(tokens candidate: [Int32], _ reference: [Int32]) -> RougeScore {
    var scratch: [Int32] = []
    return rougeL(tokens: candidate, reference, scratch: &scratch)
}

/// ROUGE-L reusing `scratch` for the DP row (no allocation per pair in the filters' loops).
func rougeL(tokens candidate: [Int32], _ reference: [Int32], scratch: inout [Int32]) -> RougeScore {
    let lcs = lcsLength(candidate, reference, scratch: &scratch)
    guard lcs > 0 else { return RougeScore(precision: 0, recall: 0, fMeasure: 0) }
    let p = Double(lcs) / Double(candidate.count)
    let r = Double(lcs) / Double(reference.count)
    return RougeScore(precision: p, recall: r, fMeasure: 2 * p * r / (p + r))
}

/// Length of the longest common subsequence of `a` and `b` (one row of the DP table, O(|b|) memory).
public func lcsLength(_ a: [Int32], _ b: [Int32]) -> Int {
    var scratch: [Int32] = []
    return lcsLength(a, b, scratch: &scratch)
}

func lcsLength(_ a: [Int32], _ b: [Int32], scratch row: inout [Int32]) -> Int {
    if a.isEmpty || b.isEmpty { return 0 }
    let (long, short) = a.count >= b.count ? (a, b) : (b, a)
    if row.count < short.count + 1 { row = [Int32](repeating: 0, count: short.count + 1) }
    return long.withUnsafeBufferPointer { lp in
        short.withUnsafeBufferPointer { sp in
            row.withUnsafeMutableBufferPointer { dp in
                for j in 0...sp.count { dp[j] = 0 }
                for i in 0..<lp.count {
                    let x = lp[i]
                    var diagonal: Int32 = 0
                    for j in 0..<sp.count {
                        let above = dp[j + 1]
                        dp[j + 1] = x == sp[j] ? diagonal + 1 : max(above, dp[j])
                        diagonal = above
                    }
                }
                return Int(dp[sp.count])
            }
        }
    }
}
