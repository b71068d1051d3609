import Foundation

/// The keys and values of token sequences the model has already run (prompts, and prompts with
/// their replies), so that a new sequence starting with one of them runs only the rest.
///
/// Entries are looked up by the longest shared prefix of token ids; each new sequence shares
/// the storage of the part it shares (`LlamaKVCache.copy(prefix:)`), so entries and the
/// sequences running from them hold one copy of a common prompt. Entries that another entry extends are dropped, and when the
/// entries hold more than `capacityBytes` the least recently used go first. A `generate` job
/// whose rows share a system message and shots, rows that alternate between a few prompts,
/// and the turns of several chats all find their prefixes here.
///
/// Positions taken from here give the same bits as computing them again (the forward pass is
/// batch-invariant), so whether a prefix was cached never changes an answer.
///
/// The lanes of one `runBatch` call share it: every method holds its lock.
final class LlamaPrefixCache: @unchecked Sendable {
    private struct Entry {
        var tokens: [Int]
        var cache: LlamaKVCache
        var lastUse: Int
    }

    private var entries: [Entry] = []
    private var clock = 0
    private var capacity: Int
    private let lock = NSLock()

    /// The most bytes of keys and values kept (an entry larger than this is not kept).
    var capacityBytes: Int {
        get { lock.withLock { capacity } }
        set {
            lock.withLock {
                capacity = newValue
                trim()
            }
        }
    }

    init(capacityBytes: Int) { capacity = capacityBytes }

    /// Bytes held by all entries (storage they share counted once).
    var bytes: Int { lock.withLock { heldBytes } }

    private var heldBytes: Int { LlamaKVRun.bytes(of: entries.lazy.flatMap(\.cache.runs)) }

    /// How many entries are kept.
    var count: Int { lock.withLock { entries.count } }

    /// The length of the longest prefix of `tokens` that some entry holds, at most `limit`.
    func sharedLength(_ tokens: [Int], limit: Int) -> Int {
        lock.withLock {
            entries.reduce(0) { best, entry in
                max(best, min(limit, entry.cache.count, entry.tokens.sharedPrefixCount(with: tokens)))
            }
        }
    }

    /// A cache holding the longest prefix of `tokens` that some entry shares, capped at `limit`
    /// positions, and its length (0 and an empty cache when nothing is shared).
    func lookUp(_ tokens: [Int], limit: Int, empty: () -> LlamaKVCache) -> (cache: LlamaKVCache, length: Int) {
        lock.lock()
        defer { lock.unlock() }
        var best: (index: Int, length: Int)?
        for (i, entry) in entries.enumerated() {
            let shared = min(limit, entry.cache.count, entry.tokens.sharedPrefixCount(with: tokens))
            if shared > (best?.length ?? 0) { best = (i, shared) }
        }
        guard let best else { return (empty(), 0) }
        clock += 1
        entries[best.index].lastUse = clock
        return (entries[best.index].cache.copy(prefix: best.length), best.length)
    }

    /// Keeps `cache`, which holds the keys and values of `tokens` (its first `cache.count`
    /// positions are used), unless a kept entry already covers them; drops the entries it
    /// covers, then the least recently used ones over the capacity. The cache must not change
    /// afterwards.
    func insert(_ tokens: [Int], _ cache: LlamaKVCache) {
        let tokens = Array(tokens.prefix(cache.count))
        lock.lock()
        defer { lock.unlock() }
        guard !tokens.isEmpty, cache.bytes <= capacity else { return }
        clock += 1
        if let i = entries.firstIndex(where: { $0.tokens.starts(with: tokens) }) {
            entries[i].lastUse = clock
            return
        }
        entries.removeAll { tokens.starts(with: $0.tokens) }
        entries.append(Entry(tokens: tokens, cache: cache, lastUse: clock))
        trim()
    }

    /// Drops the least recently used entries until the rest fit the capacity.
    private func trim() {
        while heldBytes > capacity, let oldest = entries.indices.min(by: { entries[$0].lastUse < entries[$1].lastUse }) {
            entries.remove(at: oldest)
        }
    }

    /// Forgets every entry.
    func removeAll() { lock.withLock { entries.removeAll() } }
}
