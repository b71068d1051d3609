/// Which implementation an inner loop runs: the portable Swift one, or the C one in
/// `CKernels` compiled for AVX2/FMA.
///
/// Ops use `best`; tests pass each path explicitly and compare them.
enum KernelPath: CaseIterable, Sendable {
    /// Swift, baseline x86-64 (or any other CPU).
    case portable
    /// C with AVX2/FMA intrinsics: only where `CPUFeatures.hasAVX2FMA`.
    case avx2

    /// AVX2 when the CPU has it (and `FEWSHOT_NO_AVX2=1` is not set), else portable.
    static let best: KernelPath = CPUFeatures.hasAVX2FMA ? .avx2 : .portable

    /// The paths this CPU can run (what tests compare).
    static var available: [KernelPath] { CPUFeatures.hasAVX2FMA ? [.portable, .avx2] : [.portable] }
}
