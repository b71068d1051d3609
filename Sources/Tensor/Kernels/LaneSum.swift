/// The one way fewshot sums a run of values (a fixed tree, whatever the CPU's vector width).
///
/// Value `i` goes to partial sum `i % 16`; each partial adds its values in order from +0;
/// then `s[l] = p[l] + p[l + 8]`, `t[l] = s[l] + s[l + 4]`, `u[l] = t[l] + t[l + 2]`, and the
/// sum is `u[0] + u[1]`. AVX2 code keeps the partials in two 8-lane registers and ends with
/// `fewshot_hsum8`, which is the same tree (CKernels' `fewshot_lanes16_*`, `fewshot_sum16` and
/// `fewshot_dot16` in avx2_math.h are the C twins of everything here). The missing lanes of a
/// tail add +0.0, which changes nothing (a lane that starts at +0.0 is never -0.0). A maximum
/// uses the same lanes and tree with `max(a, b) = a > b ? a : b` (x86's `maxps`).
///
/// ```swift
/// var acc = LaneSum16()
/// var j = 0
/// while j < n { acc.add(loadLanes(x + j, count: n - j), at: j); j += 8 }
/// let total = acc.total  // == LaneSum.sum(x, n)
/// ```
enum LaneSum {
    /// The lane sum of `x[i] * y[i]` for `i < n` (each product rounded, then added).
    static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ n: Int) -> Float {
        var partial = SIMD16<Float>(repeating: 0)
        var i = 0
        while i + 16 <= n {
            let a = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
            let b = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD16<Float>.self)
            partial += a * b
            i += 16
        }
        for j in i..<n { partial[j - i] += x[j] * y[j] }
        return combine(partial)
    }

    /// The lane sum of `x[0..<n]`.
    @inline(__always)
    static func sum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = LaneSum16()
        var j = 0
        while j < n {
            acc.add(loadLanes(x + j, count: n - j), at: j)
            j += 8
        }
        return acc.total
    }

    /// The lane maximum of `x[0..<n]` (-inf when `n` is 0).
    @inline(__always)
    static func maximum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = LaneMax16()
        var j = 0
        while j < n {
            acc.add(loadLanes(x + j, count: n - j, padding: -.infinity), at: j)
            j += 8
        }
        return acc.total
    }

    /// The fixed tree over the 16 partial sums.
    static func combine(_ p: SIMD16<Float>) -> Float {
        let s = p.lowHalf + p.highHalf
        let t = s.lowHalf + s.highHalf
        return (t[0] + t[2]) + (t[1] + t[3])
    }
}

/// Accumulator of the lane sum over 8-value chunks: lanes 0-7 are `lo`, 8-15 are `hi`.
struct LaneSum16 {
    /// Lanes 0-7 and 8-15.
    var lo = SIMD8<Float>(), hi = SIMD8<Float>()

    /// Adds the values of elements `j..<j+8` (`j` a multiple of 8; zeros past a tail).
    @inline(__always)
    mutating func add(_ v: SIMD8<Float>, at j: Int) {
        if j & 8 == 0 { lo += v } else { hi += v }
    }

    /// The sum of the 16 lanes in the tree order.
    @inline(__always)
    var total: Float {
        let s = lo + hi
        let t = s.lowHalf + s.highHalf
        let u = t.lowHalf + t.highHalf
        return u[0] + u[1]
    }
}

/// The 16-lane maximum: the same lanes and tree as `LaneSum16`, with `max(a, b) = a > b ? a : b`
/// (x86's `maxps`, so a NaN is handled as the C kernels handle it).
struct LaneMax16 {
    /// Lanes 0-7 and 8-15, starting at -inf.
    var lo = SIMD8<Float>(repeating: -.infinity), hi = SIMD8<Float>(repeating: -.infinity)

    /// Keeps the lane-wise maximum with elements `j..<j+8` (-inf past a tail).
    @inline(__always)
    mutating func add(_ v: SIMD8<Float>, at j: Int) {
        if j & 8 == 0 { lo = laneMax(lo, v) } else { hi = laneMax(hi, v) }
    }

    /// The maximum of the 16 lanes in the tree order.
    @inline(__always)
    var total: Float {
        let s = laneMax(lo, hi)
        let t = laneMax(s.lowHalf, s.highHalf)
        let u = laneMax(t.lowHalf, t.highHalf)
        return u[0] > u[1] ? u[0] : u[1]
    }
}

/// `a > b ? a : b` per lane.
@inline(__always)
func laneMax<V: SIMD>(_ a: V, _ b: V) -> V where V.Scalar == Float {
    b.replacing(with: a, where: a .> b)
}

/// Eight values from `p`, or the first `count` of them (< 8) followed by `padding`.
@inline(__always)
func loadLanes(_ p: UnsafePointer<Float>, count: Int, padding: Float = 0) -> SIMD8<Float> {
    if count >= 8 { return UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }
    var v = SIMD8<Float>(repeating: padding)
    for l in 0..<count { v[l] = p[l] }
    return v
}

/// Stores eight values to `p`, or only the first `count` of them (< 8).
@inline(__always)
func storeLanes(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, count: Int) {
    if count >= 8 {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
        return
    }
    for l in 0..<count { p[l] = v[l] }
}

extension LaneSum {
    /// The fixed tree over 8 partial sums, `fewshot_hsum8`'s: `t[l] = p[l] + p[l + 4]`, then
    /// `(t[0] + t[2]) + (t[1] + t[3])` (the last three steps of `combine`).
    static func combine8(_ p: SIMD8<Float>) -> Float {
        let t = p.lowHalf + p.highHalf
        return (t[0] + t[2]) + (t[1] + t[3])
    }
}
