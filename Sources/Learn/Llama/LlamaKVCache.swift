/// Keys and values of every position seen so far, per layer, for incremental decoding.
///
/// Layout per layer: (T, nkv*hs) row-major, growing as tokens arrive. Keys are stored after RoPE.
public final class LlamaKVCache {
    var keys: [[Float]]
    var values: [[Float]]
    /// Positions cached (the next token's position).
    public private(set) var count = 0
    let width: Int

    init(layers: Int, width: Int) {
        self.width = width
        keys = Array(repeating: [], count: layers)
        values = Array(repeating: [], count: layers)
    }

    /// A new cache holding the first `length` positions of this one (at most `count`), with
    /// room for `positions` in all (so that one growing to that length never reallocates).
    func copy(prefix length: Int, reserving positions: Int = 0) -> LlamaKVCache {
        let n = min(length, count)
        let copy = LlamaKVCache(layers: keys.count, width: width)
        for l in keys.indices {
            if positions > n {
                copy.keys[l].reserveCapacity(positions * width)
                copy.values[l].reserveCapacity(positions * width)
            }
            copy.keys[l] += keys[l][..<(n * width)]
            copy.values[l] += values[l][..<(n * width)]
        }
        copy.count = n
        return copy
    }

    /// Bytes held by the keys and values (what their arrays have reserved).
    var bytes: Int {
        (keys.reduce(0) { $0 + $1.capacity } + values.reduce(0) { $0 + $1.capacity }) * MemoryLayout<Float>.size
    }

    /// Reserves room for `positions` positions in all, so that a sequence growing to that
    /// length never reallocates (and a cache kept afterwards holds no doubled slack).
    func reserve(positions: Int) {
        for l in keys.indices {
            keys[l].reserveCapacity(positions * width)
            values[l].reserveCapacity(positions * width)
        }
    }

    /// Appends `tokens` positions of keys and values for `layer` (each (tokens, width)).
    func append(layer: Int, keys k: UnsafeBufferPointer<Float>, values v: UnsafeBufferPointer<Float>) {
        keys[layer].append(contentsOf: k)
        values[layer].append(contentsOf: v)
    }

    /// Marks `tokens` more positions as complete (after every layer has appended them).
    func advance(by tokens: Int) { count += tokens }

    /// Forgets everything after the first `length` positions (to reuse a shared prompt prefix).
    public func truncate(to length: Int) {
        guard length < count else { return }
        for l in keys.indices {
            keys[l].removeSubrange((length * width)...)
            values[l].removeSubrange((length * width)...)
        }
        count = length
    }
}
