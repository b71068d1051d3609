import Dispatch
import Synchronization
import Testing

@testable import Tensor

/// `Parallel.perform` runs every iteration exactly once, back to back, nested, and from
/// several threads at the same time (a busy pool hands the loop to libdispatch).
@Suite struct WorkerPoolTests {
    func expectEachIterationOnce(_ iterations: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        // One slot per iteration: only that iteration writes it.
        var hits = [Int](repeating: 0, count: iterations)
        hits.withUnsafeMutableBufferPointer { h in
            let slots = h.baseAddress!
            Parallel.perform(iterations) { i in slots[i] += 1 }
        }
        #expect(hits.allSatisfy { $0 == 1 }, sourceLocation: sourceLocation)
    }

    @Test func manyLoopsBackToBack() throws {
        for n in 0..<5_000 { expectEachIterationOnce(2 + n % 7) }
    }

    @Test func nestedAndConcurrentLoops() throws {
        guard #available(macOS 15, *) else { return }
        let total = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<200 {
                Parallel.perform(3) { _ in
                    Parallel.perform(2) { _ in total.add(1, ordering: .relaxed) }
                }
            }
        }
        #expect(total.load(ordering: .relaxed) == 4 * 200 * 3 * 2)
    }
}
