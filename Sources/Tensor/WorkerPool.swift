import Foundation
import Synchronization

/// Persistent worker threads for `Parallel`, which wait for the next loop by spinning briefly
/// before they sleep.
///
/// A training step runs about seventy parallel loops, a few hundred microseconds apart. With
/// `DispatchQueue.concurrentPerform` each one wakes a sleeping worker (about 10 us on a quiet
/// machine, often longer than the calling thread takes to run every iteration itself); here a
/// worker that finished a loop less than `spinTime` ago picks up the next one at once.
///
/// One loop runs at a time: a call made while the pool is busy (a nested loop, or another
/// thread's) returns false and the caller runs its iterations itself.
@available(macOS 15, *)
final class WorkerPool: @unchecked Sendable {
    /// How long an idle worker spins before it sleeps.
    static let spinTime: UInt64 = 100_000  // ns

    /// (generation << 40) | (next iteration << 20) | iteration count: one word, so a worker
    /// claims an iteration only of the loop it was woken for.
    private let state = Atomic<Int>(0)
    /// Claimed iterations not yet finished; the caller waits for zero.
    private let unfinished = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)
    private let sleepers = Atomic<Int>(0)
    private let wake = NSCondition()
    /// The current loop's body: written before `state` announces the loop, read after a claim.
    nonisolated(unsafe) private var body: ((Int) -> Void)?

    /// Starts `workers` threads (the caller is the other participant). They keep the pool
    /// alive and sleep when idle; they end with the process.
    init(workers: Int) {
        for _ in 0..<workers {
            let thread = Thread { self.workerLoop() }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Runs `body(i)` for `i` in `0..<iterations` on the workers and the calling thread;
    /// false (nothing run) when the pool is busy or the count does not fit.
    func perform(_ iterations: Int, _ body: (Int) -> Void) -> Bool {
        guard iterations < 1 << 20, busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
        else { return false }
        withoutActuallyEscaping(body) { body in
            self.body = body
            unfinished.store(iterations, ordering: .relaxed)
            let generation = (state.load(ordering: .relaxed) >> 40) + 1
            state.store(generation << 40 | iterations, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                wake.lock()
                wake.broadcast()
                wake.unlock()
            }
            runIterations(of: generation)
            // Another worker is finishing an iteration: spin briefly, then yield the core to it
            // (on a loaded machine it may be waiting for this very core).
            let spinUntil = DispatchTime.now().uptimeNanoseconds + Self.spinTime / 4
            var spins = 0
            while unfinished.load(ordering: .acquiring) > 0 {
                spins &+= 1
                if spins & 255 == 0, DispatchTime.now().uptimeNanoseconds > spinUntil { sched_yield() }
            }
            self.body = nil
        }
        busy.store(false, ordering: .releasing)
        return true
    }

    /// Claims and runs iterations of loop `generation` until none is left.
    private func runIterations(of generation: Int) {
        var current = state.load(ordering: .acquiring)
        while current >> 40 == generation {
            let next = (current >> 20) & 0xFFFFF, count = current & 0xFFFFF
            guard next < count else { return }
            let (exchanged, seen) = state.compareExchange(
                expected: current, desired: current + (1 << 20), ordering: .acquiringAndReleasing)
            if exchanged {
                body!(next)
                unfinished.subtract(1, ordering: .releasing)
                current = state.load(ordering: .acquiring)
            } else {
                current = seen
            }
        }
    }

    private func workerLoop() {
        var seen = 0
        while true {
            let spinUntil = DispatchTime.now().uptimeNanoseconds + Self.spinTime
            var generation = state.load(ordering: .acquiring) >> 40
            var spins = 0
            while generation == seen {
                // Read the clock every 256 polls only (a clock read costs more than a poll).
                spins &+= 1
                if spins & 255 == 0, DispatchTime.now().uptimeNanoseconds > spinUntil { break }
                generation = state.load(ordering: .acquiring) >> 40
            }
            if generation == seen {
                // Announce the sleep before the last check: `perform` publishes a loop and then
                // reads `sleepers`, so one of the two sees the other (no lost wake-up).
                wake.lock()
                sleepers.add(1, ordering: .sequentiallyConsistent)
                while state.load(ordering: .sequentiallyConsistent) >> 40 == seen { wake.wait() }
                sleepers.subtract(1, ordering: .sequentiallyConsistent)
                wake.unlock()
                generation = state.load(ordering: .acquiring) >> 40
            }
            seen = generation
            runIterations(of: generation)
        }
    }
}
