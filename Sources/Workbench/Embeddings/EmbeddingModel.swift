import Foundation
import Language
import Learn

/// The sentence encoder the embedding built-ins share: all-MiniLM-L6-v2, loaded once per
/// process, with the vectors of texts already embedded kept for the next call.
///
/// A vector depends on its text only (batching never changes a bit), so a cached vector is
/// the one a fresh computation would give.
final class EmbeddingModel: @unchecked Sendable {
    /// The process's model, once loaded.
    private static let lock = NSLock()
    nonisolated(unsafe) private static var loaded: EmbeddingModel?

    let encoder: SentenceEncoder
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
    /// with a progress line, and the call stops at Ctrl-C.
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
            let vectors = try encoder.embed(missing) { done in
                try ctx.checkCancellation()
                progress.update(done: done)
            }
            for (t, v) in zip(missing, vectors) { cache[t] = v }
        }
        return texts.map { cache[$0]! }
    }

    /// The unit vector of one text (from the cache when seen before), without a progress line:
    /// for a query embedded as it comes.
    func vector(_ text: String) throws -> [Float] {
        cacheLock.lock()
        defer { cacheLock.unlock() }
        if let v = cache[text] { return v }
        let v = try encoder.embed([text])[0]
        if cache.count >= Self.cacheLimit { cache = [:] }
        cache[text] = v
        return v
    }
}
