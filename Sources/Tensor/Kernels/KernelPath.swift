import Foundation

/// Which implementation the inner loops run: the portable Swift one, or the C one in
/// `CKernels` compiled for AVX2/FMA.
///
/// Every path computes the same bits (each kernel documents the order of its sums), so the
/// choice changes speed only. `FEWSHOT_KERNELS=portable|avx2` forces one; by default the
/// fastest path this CPU can run is used. Tests pass each path explicitly and compare them.
public enum KernelPath: String, CaseIterable, Sendable {
    /// Swift, for any CPU.
    case portable
    /// C with AVX2/FMA intrinsics: only where `CPUFeatures.hasAVX2FMA`.
    case avx2

    /// The path in use: `FEWSHOT_KERNELS` if set and runnable here, else the fastest one.
    /// Tests set it to run whole models on each path; set it only between operations.
    public static var best: KernelPath {
        get { selected }
        set { selected = available.contains(newValue) ? newValue : available.last! }
    }

    nonisolated(unsafe) private static var selected: KernelPath =
        choose(ProcessInfo.processInfo.environment["FEWSHOT_KERNELS"]).path

    /// Why `best` is not what `FEWSHOT_KERNELS` asked for, if it is not (shown by `--version`).
    public static let warning: String? = choose(ProcessInfo.processInfo.environment["FEWSHOT_KERNELS"]).warning

    /// The paths this CPU can run (what tests compare).
    public static var available: [KernelPath] { CPUFeatures.hasAVX2FMA ? [.portable, .avx2] : [.portable] }

    /// The path for a `FEWSHOT_KERNELS` value, and a warning when it cannot be honoured.
    static func choose(_ requested: String?) -> (path: KernelPath, warning: String?) {
        let fastest = available.last!
        guard let requested, !requested.isEmpty else { return (fastest, nil) }
        guard let path = KernelPath(rawValue: requested.lowercased()) else {
            let known = allCases.map(\.rawValue).joined(separator: ", ")
            return (fastest, "FEWSHOT_KERNELS=\(requested) is not a kernel path (\(known)); using \(fastest.rawValue)")
        }
        guard available.contains(path) else {
            return (fastest, "FEWSHOT_KERNELS=\(requested): this CPU cannot run it; using \(fastest.rawValue)")
        }
        return (path, nil)
    }
}
