/// Seeds for the independent random streams that one user seed drives.
///
/// A call with `seed: s` often needs many streams: one per request of a `generate`, one per
/// chat turn, one for a model's initial weights and another for the order of its batches.
/// Deriving them as `s + i` makes neighbouring seeds share most of their streams (`seed: 1`
/// request 0 is `seed: 0` request 1), so "a different seed" would not give different data.
/// Here each stream's seed is a hash of the pair (seed, stream), computed with SplitMix64's
/// finaliser (a bijection on 64 bits): neighbouring seeds and neighbouring streams give
/// unrelated values, and the same pair gives the same value on every machine.
///
/// ```swift
/// let requestSeed = StreamSeed.derive(0, 3)              // request 3 of `seed: 0`
/// let batchSeed = StreamSeed.derive(0, "batches")        // the batch order of `seed: 0`
/// ```
public enum StreamSeed {
    /// The seed of stream number `index` under `seed`.
    public static func derive(_ seed: UInt64, _ index: UInt64) -> UInt64 {
        mix(mix(seed ^ 0x6A09_E667_F3BC_C909) &+ (index &+ 1) &* 0x9E37_79B9_7F4A_7C15)
    }

    /// The seed of the stream called `name` (such as "batches") under `seed`.
    public static func derive(_ seed: UInt64, _ name: String) -> UInt64 {
        derive(seed, fnv1a(name))
    }

    /// The seed of stream `index` under `seed` as a non-negative integer below 2^53, the form
    /// a request's `seed` field takes (exact in JSON readers that parse numbers as doubles).
    public static func requestSeed(_ seed: Int, _ index: Int) -> Int {
        Int(derive(UInt64(bitPattern: Int64(seed)), UInt64(bitPattern: Int64(index))) >> 11)
    }

    /// SplitMix64's output function: spreads every input bit over every output bit.
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The 64-bit FNV-1a hash of a name's UTF-8 bytes.
    static func fnv1a(_ name: String) -> UInt64 {
        name.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
    }
}
