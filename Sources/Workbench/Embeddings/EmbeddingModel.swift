import Foundation
import Language
import Learn

/// The sentence encoder the embedding built-ins and frozen MiniLM students share:
/// all-MiniLM-L6-v2, loaded once per process, with the vectors of texts already embedded
/// (and the pooled vectors behind them) kept for the next call.
///
/// A vector depends on its text only (batching never changes a bit), so a cached vector is
/// the one a fresh computation would give.
final class EmbeddingModel: @unchecked Sendable {
    /// The process's model, once loaded.
    private static let lock = NSLock()
    nonisolated(unsafe) private static var loaded: EmbeddingModel?

    let encoder: SentenceEncoder
    /// The pooled vectors frozen MiniLM students read (by token ids), shared by all of them.
    let pooledCache = PooledVectorCache()
    private var cache: [String: [Float]] = [:]
    private let cacheLock = NSLock()
    /// Cached vectors are dropped (all at once) past this many texts.
    private static let cacheLimit = 200_000

    private init(encoder: SentenceEncoder) { self.encoder = encoder }

    /// Where `scripts/setup` installs the model: `$FEWSHOT_HOME/models/all-MiniLM-L6-v2`.
    static var directory: String { PretrainedModels.directory + "/" + SentenceEncoder.modelName }

    /// Whether the model's files are all installed.
    static var isInstalled: Bool { SentenceEncoder.isInstalled(at: directory) }

    /// The model in `$FEWSHOT_HOME/models/all-MiniLM-L6-v2`, or an error at `parameter` that
    /// names the setup command.
    static func shared(_ args: Arguments, parameter: String) throws -> EmbeddingModel {
        lock.lock()
        defer { lock.unlock() }
        if let loaded { return loaded }
        do {
            let model = EmbeddingModel(encoder: try SentenceEncoder(directory: directory))
            loaded = model
            return model
        } catch {
            throw args.error(parameter, "cannot load the embedding model: \(error)")
        }
    }

    /// Unit vectors of `texts`, in order; texts not seen before are embedded in batches of 64,
    /// with a progress line, and the call stops at Ctrl-C. The pooled vectors behind them go
    /// through `pooledCache`, so a frozen student reading the same texts encodes none again.
    func embed(_ texts: [String], _ ctx: CallContext) throws -> [[Float]] {
        cacheLock.lock()
        defer { cacheLock.unlock() }
        var missing: [String] = []
        var seen = Set<String>()
        for t in texts where cache[t] == nil && seen.insert(t).inserted { missing.append(t) }
        if !missing.isEmpty {
            if cache.count + missing.count > Self.cacheLimit { cache = [:] }
            let progress = ProgressReporter("embed", total: missing.count, context: ctx)
            defer { progress.clear() }
            let ids = missing.map(encoder.tokens)
            let order = missing.indices.sorted { (ids[$0].count, $0) < (ids[$1].count, $1) }
            for start in stride(from: 0, to: order.count, by: 64) {
                let chunk = Array(order[start..<min(order.count, start + 64)])
                let pooled = try pooledCache.pooled(chunk.map { ids[$0] }, encoder: encoder.encoder)  // (b, C)
                let c = encoder.dimension
                for (row, index) in chunk.enumerated() {
                    cache[missing[index]] = SentenceEncoder.normalized(Array(pooled.data[(row * c)..<((row + 1) * c)]))
                }
                try ctx.checkCancellation()
                progress.update(done: start + chunk.count)
            }
        }
        return texts.map { cache[$0]! }
    }

    /// The unit vector of one text (from the cache when seen before), without a progress line:
    /// for a query embedded as it comes.
    func vector(_ text: String) throws -> [Float] {
        cacheLock.lock()
        defer { cacheLock.unlock() }
        if let v = cache[text] { return v }
        let pooled = try pooledCache.pooled([encoder.tokens(text)], encoder: encoder.encoder)  // (1, C)
        let v = SentenceEncoder.normalized(pooled.data)
        if cache.count >= Self.cacheLimit { cache = [:] }
        cache[text] = v
        return v
    }
}
