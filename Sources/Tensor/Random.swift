import PortableMath

/// A seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64): initial
/// weights, dropout, the trainer's batch order and token sampling. Row operations in
/// `Datasets` use its own `SplitMix64` (see there for why there are two).
///
/// The same seed gives bit-identical streams on every machine: all draws are computed
/// from integer state, never from the system generator.
///
/// ```swift
/// var rng = SeededRandom(seed: 42)
/// let w = rng.normal(count: 16, std: 0.02)
/// ```
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    /// Creates a generator whose whole stream is fixed by `seed`.
    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = (s.3 << 45) | (s.3 >> 19)
        return result
    }

    /// A float uniformly drawn from `[0, 1)` (24 random bits).
    public mutating func uniform() -> Float { Float(next() >> 40) * (1.0 / 16_777_216.0) }

    /// A standard normal draw (Box-Muller on two uniforms, computed in Double with PortableMath's
    /// `log` and `cos`, so the draws are the same bits on every machine).
    public mutating func normal() -> Float {
        let u1 = Double((next() >> 11) + 1) * (1.0 / 9_007_199_254_740_993.0)
        let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        return Float((-2 * Reproducible.log(u1)).squareRoot() * Reproducible.cos(2 * Double.pi * u2))
    }

    /// `count` draws from a normal distribution with the given mean and standard deviation.
    public mutating func normal(count: Int, mean: Float = 0, std: Float = 1) -> [Float] {
        (0..<count).map { _ in mean + std * normal() }
    }

    /// `count` draws uniform in `[low, high)`.
    public mutating func uniform(count: Int, low: Float = 0, high: Float = 1) -> [Float] {
        (0..<count).map { _ in low + (high - low) * uniform() }
    }

    /// An integer uniform in `0..<bound` (unbiased, by rejection). `bound` must be positive.
    public mutating func randint(_ bound: Int) -> Int {
        precondition(bound > 0, "randint bound must be positive")
        let b = UInt64(bound)
        let limit = UInt64.max - UInt64.max % b
        while true {
            let r = next()
            if r < limit { return Int(r % b) }
        }
    }

    /// Shuffles `array` in place (Fisher-Yates driven by this generator).
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            array.swapAt(i, randint(i + 1))
        }
    }
}
