import Foundation

/// Distance in units in the last place between two finite values of the same sign (0 when both
/// are the same bits, or both NaN).
func ulps(_ a: Float, _ b: Float) -> Int {
    if a.isNaN && b.isNaN { return 0 }
    if a == b { return 0 }
    func ordered(_ x: Float) -> Int64 {
        let bits = Int64(x.bitPattern & 0x7FFF_FFFF)
        return x.sign == .minus ? -bits : bits
    }
    return Int(abs(ordered(a) - ordered(b)))
}

/// Distance in units in the last place between two Double values.
func ulps(_ a: Double, _ b: Double) -> Int {
    if a.isNaN && b.isNaN { return 0 }
    if a == b { return 0 }
    func ordered(_ x: Double) -> Int64 {
        let bits = Int64(bitPattern: x.bitPattern & 0x7FFF_FFFF_FFFF_FFFF)
        return x.sign == .minus ? -bits : bits
    }
    let d = ordered(a).subtractingReportingOverflow(ordered(b))
    return d.overflow ? Int.max : Int(d.partialValue.magnitude)
}

/// `count` values spread log-uniformly over `low...high` (both positive), deterministic.
func logSpaced(_ low: Double, _ high: Double, count: Int) -> [Double] {
    (0..<count).map { i in low * Foundation.pow(high / low, Double(i) / Double(count - 1)) }
}

/// `count` values evenly over `low...high`, plus a deterministic jitter off the grid.
func evenlySpaced(_ low: Double, _ high: Double, count: Int) -> [Double] {
    (0..<count).map { i in
        let t = (Double(i) + 0.5 * Double((i * 7919) % 1000) / 1000) / Double(count)
        return low + (high - low) * t
    }
}
