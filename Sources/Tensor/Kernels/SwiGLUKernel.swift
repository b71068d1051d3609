import CKernels
import PortableMath

/// The Llama feed-forward's elementwise step, `gate = silu(gate) * up`, on either `KernelPath`
/// with bit-identical results: `g / (1 + exp(-g)) * u`, each operation rounded in that order
/// (no fused multiply-add; exp is `Reproducible.exp`). Elements are independent, so any split
/// across threads gives the same bits.
public enum SwiGLU {
    /// `gate[i] = silu(gate[i]) * up[i]` for `count` values, in place, split over `Parallel`'s
    /// threads from 8,192 values (a few microseconds each: one decoding step of 8 sequences
    /// already shares it); on the calling thread alone when `threads` is 1.
    ///
    /// ```swift
    /// SwiGLU.apply(gate: g, up: u, count: tokens * hidden)
    /// ```
    public static func apply(
        gate: UnsafeMutablePointer<Float>, up: UnsafePointer<Float>, count: Int, threads: Int = Parallel.threadCount,
        path: KernelPath = .best
    ) {
        func run(_ start: Int, _ end: Int) {
            if path == .avx2 {
                fewshot_swiglu(gate + start, up + start, end - start)
                return
            }
            for i in start..<end {
                let g = gate[i]
                gate[i] = g / (1 + Reproducible.exp(-g)) * up[i]
            }
        }
        Parallel.forRange(count, grain: 4096, threads: threads, run)
    }
}
