/// What the runtime computes on, in words, for `fewshot --version`: the CPU's vector features,
/// the kernel path, the thread count, and the promise that results do not depend on them.
public enum ComputeInfo {
    /// A few lines, one fact each.
    public static var description: String {
        var lines = [
            "cpu features: \(CPUFeatures.names.isEmpty ? "none of note" : CPUFeatures.names.joined(separator: " "))",
            "kernels: \(KernelPath.best.rawValue) (available: \(KernelPath.available.map(\.rawValue).joined(separator: ", ")); FEWSHOT_KERNELS)",
            "threads: \(Parallel.threadCount) (FEWSHOT_THREADS)",
            "results: deterministic: the same bits for every kernel path and thread count",
        ]
        if let warning = KernelPath.warning { lines.append("warning: \(warning)") }
        return lines.joined(separator: "\n")
    }
}
