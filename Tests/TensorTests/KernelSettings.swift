@testable import Tensor

/// The settings that choose how kernels run: the kernel path and the thread counts of
/// `Parallel` and BLAS. Tests that compare results across them set them here, and every call
/// restores what it found (suites that use this are `.serialized`).
enum KernelSettings {
    /// `body`'s result with `path` on `threads` threads.
    static func with<R>(_ path: KernelPath, threads: Int, _ body: () throws -> R) rethrows -> R {
        let saved = (KernelPath.best, Parallel.threadCount, BLAS.threadCount)
        defer { (KernelPath.best, Parallel.threadCount, BLAS.threadCount) = saved }
        KernelPath.best = path
        Parallel.threadCount = threads
        BLAS.threadCount = threads
        return try body()
    }

    /// Calls `body` on every kernel path this CPU runs, with each of `threads` thread counts.
    static func forEachPath(threads: [Int] = [1, 3], _ body: (KernelPath, Int) throws -> Void) rethrows {
        for path in KernelPath.available {
            for count in threads { try with(path, threads: count) { try body(path, count) } }
        }
    }
}
