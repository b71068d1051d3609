import Tensor

/// Keys and values of every position seen so far, per layer, for incremental decoding.
///
/// The positions are kept as runs (`LlamaKVRun`): storage that never moves, written once per
/// position. A copy of a prefix shares the runs it covers instead of copying them, so the
/// sequences of a `generate` job that start from one cached prompt all read the same memory
/// for it (it stays in the CPU's cache while each of them attends to it). A cache writes only
/// into a run it made itself, and only after every position another cache may see, so a
/// shared position never changes. Keys are stored after RoPE; each position is a row of
/// `width` Floats (the kv heads side by side).
public final class LlamaKVCache {
    /// The runs in position order, each with how many of its first positions this cache uses.
    private var parts: [(run: LlamaKVRun, count: Int)] = []
    /// Whether this cache made the last part's run (and so may append to it).
    private var ownsLastRun = false
    /// The run the current forward pass writes its positions to (chosen at its first append).
    private var pending: LlamaKVRun?
    /// Positions this cache is expected to grow to (the size of the next run it makes).
    private var reservedPositions = 0
    /// Positions cached (the next token's position).
    public private(set) var count = 0
    let layers: Int
    let width: Int

    init(layers: Int, width: Int) {
        self.layers = layers
        self.width = width
    }

    /// A new cache holding the first `length` positions of this one (at most `count`), sharing
    /// their storage, that expects to grow to `positions` in all.
    func copy(prefix length: Int, reserving positions: Int = 0) -> LlamaKVCache {
        let copy = LlamaKVCache(layers: layers, width: width)
        copy.parts = parts(prefix: length)
        copy.count = min(length, count)
        copy.reservedPositions = positions
        return copy
    }

    /// The runs this cache reads.
    var runs: [LlamaKVRun] { parts.map(\.run) }

    /// Bytes held by the runs this cache reads (shared ones included).
    var bytes: Int { LlamaKVRun.bytes(of: runs) }

    /// Expects the cache to grow to `positions` positions in all, so that the run it makes next
    /// has room for all of them.
    func reserve(positions: Int) { reservedPositions = max(reservedPositions, positions) }

    /// Writes `tokens` positions of keys and values for `layer` (each (tokens, width)) after the
    /// cached ones. Every layer appends the same positions, then `advance(by:)` counts them.
    func append(layer: Int, keys k: UnsafeBufferPointer<Float>, values v: UnsafeBufferPointer<Float>) {
        let tokens = k.count / width
        let run = pending ?? runForAppending(tokens)
        pending = run
        run.write(layer: layer, at: run.filled, keys: k, values: v)
    }

    /// Counts the positions the layers have appended.
    func advance(by tokens: Int) {
        guard tokens > 0, let run = pending else { return }
        run.filled += tokens
        parts[parts.count - 1].count += tokens
        count += tokens
        pending = nil
    }

    /// The run the next positions go to: this cache's own last run while it has room and no
    /// position after this cache's end, else a new one.
    private func runForAppending(_ tokens: Int) -> LlamaKVRun {
        if ownsLastRun, let last = parts.last, last.count == last.run.filled,
            last.run.filled + tokens <= last.run.capacity
        {
            return last.run
        }
        // Room for the positions reserved, else for as many more as are cached (doubling).
        let capacity = max(tokens, reservedPositions > count ? reservedPositions - count : count)
        let run = LlamaKVRun(layers: layers, width: width, capacity: capacity)
        parts.append((run, 0))
        ownsLastRun = true
        return run
    }

    /// The first `length` positions of `layer` for the kv head whose values start `offset`
    /// Floats into each row (rows `width` apart), including positions appended in the current
    /// pass.
    func runs(layer: Int, offset: Int, length: Int) -> CachedAttention.Runs {
        var runs = CachedAttention.Runs(capacity: parts.count)
        var start = 0
        for (i, part) in parts.enumerated() where start < length {
            let n = i == parts.count - 1 ? length - start : min(part.count, length - start)
            runs.append(keys: part.run.keys[layer] + offset, values: part.run.values[layer] + offset, count: n)
            start += n
        }
        return runs
    }

    /// Forgets everything after the first `length` positions (to reuse a shared prompt prefix).
    /// The positions are rewritten in a new run, so caches that share them keep theirs.
    public func truncate(to length: Int) {
        guard length < count else { return }
        parts = parts(prefix: length)
        ownsLastRun = false
        count = length
    }

    /// The parts covering the first `length` positions.
    private func parts(prefix length: Int) -> [(run: LlamaKVRun, count: Int)] {
        var kept: [(run: LlamaKVRun, count: Int)] = []
        var left = length
        for part in parts where left > 0 {
            kept.append((part.run, min(part.count, left)))
            left -= part.count
        }
        return kept
    }
}

/// Consecutive positions' keys and values for every layer, in storage that never moves: rows
/// of `width` Floats, room for `capacity` positions, the first `filled` of them written.
final class LlamaKVRun {
    let capacity: Int
    let width: Int
    /// Positions written in every layer.
    var filled = 0
    /// Per layer: the first key row.
    let keys: [UnsafeMutablePointer<Float>]
    /// Per layer: the first value row.
    let values: [UnsafeMutablePointer<Float>]

    init(layers: Int, width: Int, capacity: Int) {
        self.capacity = capacity
        self.width = width
        keys = (0..<layers).map { _ in .allocate(capacity: capacity * width) }
        values = (0..<layers).map { _ in .allocate(capacity: capacity * width) }
    }

    deinit {
        for p in keys { p.deallocate() }
        for p in values { p.deallocate() }
    }

    /// Bytes of storage reserved.
    var bytes: Int { 2 * keys.count * capacity * width * MemoryLayout<Float>.size }

    /// Bytes of storage reserved by `runs`, each run counted once however often it appears.
    static func bytes(of runs: some Sequence<LlamaKVRun>) -> Int {
        var seen = Set<ObjectIdentifier>()
        return runs.reduce(0) { $0 + (seen.insert(ObjectIdentifier($1)).inserted ? $1.bytes : 0) }
    }

    /// Writes rows of keys and values for `layer` from position `position` on.
    func write(layer: Int, at position: Int, keys k: UnsafeBufferPointer<Float>, values v: UnsafeBufferPointer<Float>) {
        precondition(position * width + k.count <= capacity * width && k.count == v.count, "a run overflows")
        (keys[layer] + position * width).update(from: k.baseAddress!, count: k.count)
        (values[layer] + position * width).update(from: v.baseAddress!, count: v.count)
    }
}
