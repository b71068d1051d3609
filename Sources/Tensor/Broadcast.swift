/// Broadcasting rules (NumPy's): shapes are aligned at their last axis; an axis of 1 stretches.
enum Broadcast {
    /// The broadcast shape of `a` and `b`, or an error naming both.
    static func shape(_ op: String, _ a: [Int], _ b: [Int]) throws -> [Int] {
        let n = max(a.count, b.count)
        var out = [Int](repeating: 1, count: n)
        for i in 0..<n {
            let da = i < n - a.count ? 1 : a[i - (n - a.count)]
            let db = i < n - b.count ? 1 : b[i - (n - b.count)]
            guard da == db || da == 1 || db == 1 else {
                throw TensorError(op, "shapes \(shapeText(a)) and \(shapeText(b)) cannot broadcast (axis \(i): \(da) vs \(db))")
            }
            out[i] = max(da, db)
        }
        return out
    }

    /// For each flat index of `out`, the flat index of the value of `input` it reads;
    /// nil when `input` already has the output's shape.
    static func indexMap(_ input: [Int], to out: [Int]) -> [Int]? {
        if input == out { return nil }
        let n = out.count
        let padded = [Int](repeating: 1, count: n - input.count) + input
        var strides = [Int](repeating: 0, count: n)
        var s = 1
        for i in stride(from: n - 1, through: 0, by: -1) {
            strides[i] = padded[i] == 1 ? 0 : s
            s *= padded[i]
        }
        let total = out.reduce(1, *)
        var map = [Int](repeating: 0, count: total)
        if total == 0 { return map }
        var idx = [Int](repeating: 0, count: n)
        var offset = 0
        for flat in 0..<total {
            map[flat] = offset
            var axis = n - 1
            while axis >= 0 {
                idx[axis] += 1
                offset += strides[axis]
                if idx[axis] < out[axis] { break }
                offset -= strides[axis] * idx[axis]
                idx[axis] = 0
                axis -= 1
            }
        }
        return map
    }

    /// Sums a gradient of the output's shape back onto an input through its index map.
    static func reduce(_ g: [Float], map: [Int]?, inputCount: Int) -> [Float] {
        guard let map else { return g }
        var out = [Float](repeating: 0, count: inputCount)
        for i in 0..<g.count { out[map[i]] += g[i] }
        return out
    }
}
