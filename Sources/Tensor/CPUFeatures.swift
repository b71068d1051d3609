import CKernels

/// What the running CPU can do, read once: kernels with an AVX2/FMA path check this first.
public enum CPUFeatures {
    /// AVX2, FMA3 and F16C are available.
    public static let hasAVX2FMA: Bool = fewshot_cpu_has_avx2_fma()

    /// The vector features found (`/proc/cpuinfo` names), for `fewshot --version`.
    public static let names: [String] = {
        let mask = fewshot_cpu_feature_mask()
        var names: [String] = []
        var index: UInt32 = 0
        while let name = fewshot_cpu_feature_name(index) {
            if mask & (1 << index) != 0 { names.append(String(cString: name)) }
            index += 1
        }
        return names
    }()
}
