/// The numbers a built-in's numeric parameter accepts, declared with the parameter so the
/// check before the call and the signature in `help()` come from one place.
///
/// ```swift
/// BuiltinParameter("n", .int, default: 5, bounds: .atLeast(0))          // head(d, n: -1) fails
/// BuiltinParameter("lr", .optional(.number), default: .nil, bounds: .above(0, upTo: 1))
/// ```
public struct ValueBounds: Sendable, Equatable, CustomStringConvertible {
    public let lower: Double?
    /// The lower bound itself is allowed (`≥`), or only numbers above it (`>`).
    public let lowerInclusive: Bool
    public let upper: Double?

    /// `lower...upper`.
    public static func between(_ lower: Double, _ upper: Double) -> ValueBounds {
        ValueBounds(lower: lower, lowerInclusive: true, upper: upper)
    }
    /// `lower...` (no upper bound besides the type's).
    public static func atLeast(_ lower: Double) -> ValueBounds { ValueBounds(lower: lower, lowerInclusive: true, upper: nil) }
    /// Above `lower` (not equal), at most `upper`.
    public static func above(_ lower: Double, upTo upper: Double) -> ValueBounds {
        ValueBounds(lower: lower, lowerInclusive: false, upper: upper)
    }

    /// Whether a number is inside (NaN never is).
    public func contains(_ x: Double) -> Bool {
        if x.isNaN { return false }
        if let lower, lowerInclusive ? x < lower : x <= lower { return false }
        if let upper, x > upper { return false }
        return true
    }

    /// Whether a value is inside: ints and floats are checked; nil and other types pass (the
    /// type check reports those).
    public func admits(_ value: Value) -> Bool {
        switch value {
        case .int(let i): return contains(Double(i))  // bounds are small: no rounding at their ends
        case .float(let d): return contains(d)
        default: return true
        }
    }

    /// As shown in signatures and errors: `in 0...1`, `≥ 1`, `> 0 and ≤ 10`.
    public var description: String {
        switch (lower, upper) {
        case (let l?, let u?):
            return lowerInclusive
                ? "in \(ValueBounds.show(l))...\(ValueBounds.show(u))"
                : "> \(ValueBounds.show(l)) and ≤ \(ValueBounds.show(u))"
        case (let l?, nil): return "\(lowerInclusive ? "≥" : ">") \(ValueBounds.show(l))"
        case (nil, let u?): return "≤ \(ValueBounds.show(u))"
        case (nil, nil): return "any number"
        }
    }

    static func show(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
        return "\(x)"
    }
}
