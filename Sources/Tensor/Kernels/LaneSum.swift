/// The one way fewshot sums a run of values (a fixed tree, whatever the CPU's vector width).
///
/// Value `i` goes to partial sum `i % 16`; each partial adds its values in order from +0;
/// then `s[l] = p[l] + p[l + 8]`, `t[l] = s[l] + s[l + 4]`, `u[l] = t[l] + t[l + 2]`, and the
/// sum is `u[0] + u[1]`. AVX2 code keeps the partials in two 8-lane registers and ends with
/// `fewshot_hsum8`, which is the same tree.
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

    /// The fixed tree over the 16 partial sums.
    static func combine(_ p: SIMD16<Float>) -> Float {
        let s = p.lowHalf + p.highHalf
        let t = s.lowHalf + s.highHalf
        return (t[0] + t[2]) + (t[1] + t[3])
    }
}
