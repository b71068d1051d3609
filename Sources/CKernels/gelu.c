#include "gelu.h"

#include "avx2_math.h"

static const float kSqrt2OverPi = 0.7978845608028654f;
static const float kCubic = 0.044715f;

/// tanh(u) as sign(u) (1 - e) / (1 + e) with e = exp(-2|u|).
FEWSHOT_AVX2 static inline __m256 tanh8(__m256 u) {
    __m256 sign = _mm256_and_ps(u, _mm256_set1_ps(-0.0f));
    __m256 a = _mm256_andnot_ps(_mm256_set1_ps(-0.0f), u);
    __m256 e = fewshot_exp8(_mm256_mul_ps(a, _mm256_set1_ps(-2.0f)));
    __m256 one = _mm256_set1_ps(1.0f);
    __m256 t = _mm256_div_ps(_mm256_sub_ps(one, e), _mm256_add_ps(one, e));
    return _mm256_or_ps(t, sign);
}

/// The GELU of 8 lanes, its tanh stored through `t`.
FEWSHOT_AVX2 static inline __m256 gelu8(__m256 v, __m256 *t) {
    __m256 v3 = _mm256_mul_ps(_mm256_mul_ps(v, v), v);
    __m256 u = _mm256_mul_ps(_mm256_set1_ps(kSqrt2OverPi), _mm256_fmadd_ps(_mm256_set1_ps(kCubic), v3, v));
    *t = tanh8(u);
    __m256 half_v = _mm256_mul_ps(_mm256_set1_ps(0.5f), v);
    return _mm256_fmadd_ps(half_v, *t, half_v);
}

/// d GELU / dx for 8 lanes: 0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2).
FEWSHOT_AVX2 static inline __m256 gelu_slope8(__m256 v, __m256 t) {
    __m256 half = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.0f);
    __m256 du = _mm256_mul_ps(_mm256_set1_ps(kSqrt2OverPi),
                              _mm256_fmadd_ps(_mm256_set1_ps(3.0f * kCubic), _mm256_mul_ps(v, v), one));
    __m256 one_minus_t2 = _mm256_fnmadd_ps(t, t, one);
    __m256 left = _mm256_fmadd_ps(half, t, half);
    return _mm256_fmadd_ps(_mm256_mul_ps(_mm256_mul_ps(half, v), one_minus_t2), du, left);
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
        if (accumulate) d = _mm256_add_ps(d, _mm256_loadu_ps(dx + i));
        _mm256_storeu_ps(dx + i, d);
    }
    if (i < n) {
        __m256i mask = fewshot_tail_mask(n - i);
        __m256 d = _mm256_mul_ps(_mm256_maskload_ps(dy + i, mask),
                                 gelu_slope8(_mm256_maskload_ps(x + i, mask), _mm256_maskload_ps(tanh_in + i, mask)));
        if (accumulate) d = _mm256_add_ps(d, _mm256_maskload_ps(dx + i, mask));
        _mm256_maskstore_ps(dx + i, mask, d);
    }
}
