#include "gelu.h"

#include "avx2_math.h"

// The formulas, identical to GELUKernel's portable path (no FMA; tanh is fewshot_tanh8):
//   u = k (x + c ((x x) x)),  t = tanh(u),  y = (0.5 x) (1 + t)
//   slope = 0.5 (1 + t) + ((0.5 x) (1 - t t)) (k (1 + (3 c) (x x))),  dx = dy slope (+ old dx)
// with k = sqrt(2/pi) and c = 0.044715 (3 c rounded to float once).
static const float kSqrt2OverPi = 0.7978845608028654f;
static const float kCubic = 0.044715f;
static const float kCubic3 = 3.0f * 0.044715f;

/// The GELU of 8 lanes, its tanh stored through `t`.
FEWSHOT_AVX2 static inline __m256 gelu8(__m256 v, __m256 *t) {
    __m256 v3 = _mm256_mul_ps(_mm256_mul_ps(v, v), v);
    __m256 u = _mm256_mul_ps(_mm256_set1_ps(kSqrt2OverPi), _mm256_add_ps(v, _mm256_mul_ps(_mm256_set1_ps(kCubic), v3)));
    *t = fewshot_tanh8(u);
    __m256 half_v = _mm256_mul_ps(_mm256_set1_ps(0.5f), v);
    return _mm256_mul_ps(half_v, _mm256_add_ps(_mm256_set1_ps(1.0f), *t));
}

/// d GELU / dx for 8 lanes, from x and the forward's tanh.
FEWSHOT_AVX2 static inline __m256 gelu_slope8(__m256 v, __m256 t) {
    __m256 half = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.0f);
    __m256 du = _mm256_mul_ps(_mm256_set1_ps(kSqrt2OverPi),
                              _mm256_add_ps(one, _mm256_mul_ps(_mm256_set1_ps(kCubic3), _mm256_mul_ps(v, v))));
    __m256 one_minus_t2 = _mm256_sub_ps(one, _mm256_mul_ps(t, t));
    __m256 left = _mm256_mul_ps(half, _mm256_add_ps(one, t));
    return _mm256_add_ps(left, _mm256_mul_ps(_mm256_mul_ps(_mm256_mul_ps(half, v), one_minus_t2), du));
}

FEWSHOT_AVX2 void fewshot_gelu_forward(const float *x, float *y, float *tanh_out, long n) {
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 t;
        __m256 g = gelu8(_mm256_loadu_ps(x + i), &t);
        _mm256_storeu_ps(tanh_out + i, t);
        _mm256_storeu_ps(y + i, g);
    }
    if (i < n) {
        __m256i mask = fewshot_tail_mask(n - i);
        __m256 t;
        __m256 g = gelu8(_mm256_maskload_ps(x + i, mask), &t);
        _mm256_maskstore_ps(tanh_out + i, mask, t);
        _mm256_maskstore_ps(y + i, mask, g);
    }
}

FEWSHOT_AVX2 void fewshot_gelu_backward(const float *x, const float *tanh_in, const float *dy, float *dx, long n,
                                        int accumulate) {
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 d = _mm256_mul_ps(_mm256_loadu_ps(dy + i),
                                 gelu_slope8(_mm256_loadu_ps(x + i), _mm256_loadu_ps(tanh_in + i)));
        if (accumulate) d = _mm256_add_ps(_mm256_loadu_ps(dx + i), d);
        _mm256_storeu_ps(dx + i, d);
    }
    if (i < n) {
        __m256i mask = fewshot_tail_mask(n - i);
        __m256 d = _mm256_mul_ps(_mm256_maskload_ps(dy + i, mask),
                                 gelu_slope8(_mm256_maskload_ps(x + i, mask), _mm256_maskload_ps(tanh_in + i, mask)));
        if (accumulate) d = _mm256_add_ps(_mm256_maskload_ps(dx + i, mask), d);
        _mm256_maskstore_ps(dx + i, mask, d);
    }
}
