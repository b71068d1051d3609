// SwiGLU over a flat run of values (the specification is in swiglu.h).
#include "swiglu.h"

#if defined(__x86_64__)

#include "avx2_math.h"

#pragma STDC FP_CONTRACT OFF

/// silu(g) * u for 8 values: g / (1 + exp(-g)), times u.
FEWSHOT_AVX2 static inline __m256 swiglu8(__m256 g, __m256 u) {
    const __m256 e = fewshot_exp8(_mm256_xor_ps(g, _mm256_set1_ps(-0.0f)));
    return _mm256_mul_ps(_mm256_div_ps(g, _mm256_add_ps(_mm256_set1_ps(1.0f), e)), u);
}

FEWSHOT_AVX2 void fewshot_swiglu(float *gate, const float *up, long n) {
    long i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(gate + i, swiglu8(_mm256_loadu_ps(gate + i), _mm256_loadu_ps(up + i)));
    if (i < n) {
        const __m256i mask = fewshot_tail_mask(n - i);
        _mm256_maskstore_ps(gate + i, mask, swiglu8(_mm256_maskload_ps(gate + i, mask), _mm256_maskload_ps(up + i, mask)));
    }
}

#endif
