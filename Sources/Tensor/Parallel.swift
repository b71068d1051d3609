import Dispatch
import Foundation

/// Thread settings for BLAS and for Tensor's own parallel loops.
///
/// `FEWSHOT_THREADS` (default: every core) is read once, the first time any kernel runs.
public enum Parallel {
    /// Worker threads used by our loops (and by OpenBLAS). Set it to override `FEWSHOT_THREADS`.
    public static var threadCount: Int {
        get { _ = configured; return threads }
        set {
            _ = configured
            threads = max(1, newValue)
            BLAS.threadCount = threads
        }
    }

    nonisolated(unsafe) private static var threads = 1

    private static let configured: Bool = {
        // Keep large freed buffers in the heap instead of returning them to the kernel: every
        // training step allocates and frees the same big activations, and fresh pages cost
        // a page fault and a clear each time (PyTorch's caching allocator avoids the same).
        keepFreedMemory()
        BLAS.configureThreadsFromEnvironment()
        threads = max(1, BLAS.threadCount)
        return true
    }()

    /// The `(start, end)` chunks `forRange` would use for `count` items.
    static func chunks(_ count: Int, grain: Int) -> [(Int, Int)] {
        let workers = min(threadCount, max(1, count / max(1, grain)))
        let chunk = (count + workers - 1) / max(workers, 1)
        return (0..<workers).map { (min(count, $0 * chunk), min(count, ($0 + 1) * chunk)) }
    }

    /// Runs `body(worker, start, end)` for each chunk, in parallel when there are several.
    static func run(_ chunks: [(Int, Int)], _ body: (Int, Int, Int) -> Void) {
        if chunks.count <= 1 {
            if let c = chunks.first { body(0, c.0, c.1) }
            return
        }
        perform(chunks.count) { k in body(k, chunks[k].0, chunks[k].1) }
    }

    /// Runs `body(i)` for `i` in `0..<iterations` in parallel: on the spinning worker pool, or
    /// through libdispatch when the pool is busy (a nested or concurrent loop). A single
    /// iteration runs inline.
    public static func perform(_ iterations: Int, _ body: (Int) -> Void) {
        if iterations == 1 { return body(0) }
        if #available(macOS 15, *), iterations > 1, pool.perform(iterations, body) { return }
        DispatchQueue.concurrentPerform(iterations: iterations, execute: body)
    }

    /// The pool for the current thread count (a new count starts a new pool).
    @available(macOS 15, *)
    private static var pool: WorkerPool {
        poolLock.withLock {
            if let (count, pool) = current, count == threadCount { return pool as! WorkerPool }
            let pool = WorkerPool(workers: threadCount - 1)
            current = (threadCount, pool)
            return pool
        }
    }

    /// The pool and the thread count it was made for (AnyObject: the stored type cannot carry
    /// the pool's availability).
    nonisolated(unsafe) private static var current: (Int, AnyObject)?
    private static let poolLock = NSLock()

    /// Runs `body(start, end)` over `0..<count` split into at most `threads` chunks (default
    /// `threadCount`; 1 runs it on the calling thread).
    ///
    /// Loops shorter than `grain` items per extra thread run inline: spawning costs more.
    @inline(__always)
    public static func forRange(
        _ count: Int, grain: Int = 16_384, threads: Int = threadCount, _ body: (Int, Int) -> Void
    ) {
        let workers = min(threads, max(1, count / max(1, grain)))
        if workers <= 1 {
            body(0, count)
            return
        }
        let chunk = (count + workers - 1) / workers
        perform(workers) { w in
            let start = w * chunk
            let end = min(count, start + chunk)
            if start < end { body(start, end) }
        }
    }
}

/// Raises glibc's mmap and trim thresholds (malloc.h's `M_MMAP_THRESHOLD` = -3 and
/// `M_TRIM_THRESHOLD` = -1) to 1 GiB. `mallopt` is looked up at run time because the Swift
/// Glibc module does not export malloc.h; elsewhere this does nothing.
private func keepFreedMemory() {
    #if os(Linux)
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
        _ = mallopt(-3, 1 << 30)
        _ = mallopt(-1, 1 << 30)
    #endif
}
