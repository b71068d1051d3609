import PortableMath

/// Vectorised transcendental functions for the fused kernels (8 lanes, AVX2-sized): PortableMath's
/// forms, identical lane by lane to the scalar `Reproducible` functions and to CKernels'
/// `fewshot_exp8` / `fewshot_tanh8`.

/// `e^x` per lane (`Reproducible.exp`).
@inline(__always)
func simdExp(_ v: SIMD8<Float>) -> SIMD8<Float> { Reproducible.exp(v) }

/// `tanh(u)` per lane (`Reproducible.tanh`).
@inline(__always)
func simdTanh(_ u: SIMD8<Float>) -> SIMD8<Float> { Reproducible.tanh(u) }
