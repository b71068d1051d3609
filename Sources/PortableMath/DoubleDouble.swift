/// Error-free transformations for the double-double steps of `log` and `pow` (Dekker and
/// Knuth, without fused multiply-add).
enum DoubleDouble {
    /// `a + b = s + e` exactly, for any `a`, `b` (Knuth's TwoSum).
    @inline(__always)
    static func twoSum(_ a: Double, _ b: Double) -> (s: Double, e: Double) {
        let s = a + b
        let bb = s - a
        return (s, (a - (s - bb)) + (b - bb))
    }

    /// `a + b = s + e` exactly when `|a| >= |b|` (Dekker's FastTwoSum).
    @inline(__always)
    static func fastTwoSum(_ a: Double, _ b: Double) -> (s: Double, e: Double) {
        let s = a + b
        return (s, b - (s - a))
    }

    /// `a = hi + lo` with 26-bit halves (Veltkamp's split; `|a| < 2^995`).
    @inline(__always)
    static func split(_ a: Double) -> (hi: Double, lo: Double) {
        let c = 134_217_729 * a
        let hi = c - (c - a)
        return (hi, a - hi)
    }

    /// `a * b = p + e` exactly (Dekker's TwoProduct; no overflow in the halves).
    @inline(__always)
    static func twoProduct(_ a: Double, _ b: Double) -> (p: Double, e: Double) {
        let p = a * b
        let (ah, al) = split(a), (bh, bl) = split(b)
        return (p, ((ah * bh - p) + ah * bl + al * bh) + al * bl)
    }
}
