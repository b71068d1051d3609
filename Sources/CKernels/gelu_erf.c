#include "gelu_erf.h"

#include "avx2_math.h"

// The formulas, identical to GELUErfKernel's portable path (no FMA; exp is fewshot_exp8):
//   z = x * (1 / sqrt 2);  a = |z| (z itself unless z < 0);  t = 1 / (1 + p a)
//   q = ((((a5 t + a4) t + a3) t + a2) t + a1) t, each step (q + a_k) * t;  e = 1 - q exp(-(a a))
//   erf = -e where z < 0, else e;  Phi = 0.5 (1 + erf);  y = x Phi
//   slope = Phi + x (exp(-0.5 (x x)) / sqrt(2 pi)),  dx = dy slope (+ old dx)
static const float kInvSqrt2 = 0.7071067811865475f;
static const float kInvSqrt2Pi = 0.3989422804014327f;

/// Phi(x) for 8 lanes.
FEWSHOT_AVX2 static inline __m256 normal_cdf8(__m256 x) {
    const __m256 sign = _mm256_set1_ps(-0.0f), one = _mm256_set1_ps(1.0f);
    __m256 z = _mm256_mul_ps(x, _mm256_set1_ps(kInvSqrt2));
    __m256 negative = _mm256_cmp_ps(z, _mm256_setzero_ps(), _CMP_LT_OQ);
    __m256 a = _mm256_blendv_ps(z, _mm256_xor_ps(z, sign), negative);
    __m256 t = _mm256_div_ps(one, _mm256_add_ps(one, _mm256_mul_ps(_mm256_set1_ps(0.3275911f), a)));
    __m256 q = _mm256_mul_ps(_mm256_set1_ps(1.061405429f), t);
    q = _mm256_mul_ps(_mm256_add_ps(q, _mm256_set1_ps(-1.453152027f)), t);
    q = _mm256_mul_ps(_mm256_add_ps(q, _mm256_set1_ps(1.421413741f)), t);
    q = _mm256_mul_ps(_mm256_add_ps(q, _mm256_set1_ps(-0.284496736f)), t);
    q = _mm256_mul_ps(_mm256_add_ps(q, _mm256_set1_ps(0.254829592f)), t);
    __m256 e = _mm256_sub_ps(one, _mm256_mul_ps(q, fewshot_exp8(_mm256_xor_ps(_mm256_mul_ps(a, a), sign))));
    __m256 erf = _mm256_blendv_ps(e, _mm256_xor_ps(e, sign), negative);
    return _mm256_mul_ps(_mm256_set1_ps(0.5f), _mm256_add_ps(one, erf));
}

/// d GELU / dx for 8 lanes, from x and the forward's Phi.
FEWSHOT_AVX2 static inline __m256 gelu_erf_slope8(__m256 x, __m256 cdf) {
    __m256 density = _mm256_mul_ps(fewshot_exp8(_mm256_mul_ps(_mm256_set1_ps(-0.5f), _mm256_mul_ps(x, x))),
                                   _mm256_set1_ps(kInvSqrt2Pi));
    return _mm256_add_ps(cdf, _mm256_mul_ps(x, density));
}

FEWSHOT_AVX2 void fewshot_gelu_erf_forward(const float *x, float *y, float *cdf_out, long n) {
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        __m256 c = normal_cdf8(v);
        if (cdf_out) _mm256_storeu_ps(cdf_out + i, c);
        _mm256_storeu_ps(y + i, _mm256_mul_ps(v, c));
    }
    if (i < n) {
        __m256i mask = fewshot_tail_mask(n - i);
        __m256 v = _mm256_maskload_ps(x + i, mask);
        __m256 c = normal_cdf8(v);
        if (cdf_out) _mm256_maskstore_ps(cdf_out + i, mask, c);
        _mm256_maskstore_ps(y + i, mask, _mm256_mul_ps(v, c));
    }
}

FEWSHOT_AVX2 void fewshot_gelu_erf_backward(const float *x, const float *cdf_in, const float *dy, float *dx, long n,
                                            int accumulate) {
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 d = _mm256_mul_ps(_mm256_loadu_ps(dy + i),
                                 gelu_erf_slope8(_mm256_loadu_ps(x + i), _mm256_loadu_ps(cdf_in + i)));
        if (accumulate) d = _mm256_add_ps(_mm256_loadu_ps(dx + i), d);
        _mm256_storeu_ps(dx + i, d);
    }
    if (i < n) {
        __m256i mask = fewshot_tail_mask(n - i);
        __m256 d = _mm256_mul_ps(_mm256_maskload_ps(dy + i, mask),
                                 gelu_erf_slope8(_mm256_maskload_ps(x + i, mask), _mm256_maskload_ps(cdf_in + i, mask)));
        if (accumulate) d = _mm256_add_ps(_mm256_maskload_ps(dx + i, mask), d);
        _mm256_maskstore_ps(dx + i, mask, d);
    }
}

FEWSHOT_AVX2 void fewshot_gelu_erf_block(float *c, long ldc, long rows, long cols) {
    for (long r = 0; r < rows; r++) fewshot_gelu_erf_forward(c + r * ldc, c + r * ldc, NULL, cols);
}
