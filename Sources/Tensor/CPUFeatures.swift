import CKernels

/// What the running CPU can do, read once: kernels with an AVX2/FMA path check this first.
public enum CPUFeatures {
    /// AVX2, FMA3 and F16C are available (and `FEWSHOT_NO_AVX2=1` is not set).
    public static let hasAVX2FMA: Bool = fewshot_cpu_has_avx2_fma()
}
