#include "softmax.h"

#include <math.h>

#include "avx2_math.h"

FEWSHOT_AVX2 float fewshot_softmax(const float *x, float *y, long n) {
    const long body = n & ~7L;
    const __m256i tail = fewshot_tail_mask(n - body);
    const __m256 tail_lanes = _mm256_castsi256_ps(tail);
    __m256 mx = _mm256_set1_ps(-INFINITY);
    for (long j = 0; j < body; j += 8) mx = _mm256_max_ps(mx, _mm256_loadu_ps(x + j));
    if (body < n) {
        __m256 v = _mm256_blendv_ps(_mm256_set1_ps(-INFINITY), _mm256_maskload_ps(x + body, tail), tail_lanes);
        mx = _mm256_max_ps(mx, v);
    }
    const float m = fewshot_hmax8(mx);
    const __m256 mv = _mm256_set1_ps(m);
    __m256 sum = _mm256_setzero_ps();
    for (long j = 0; j < body; j += 8) {
        __m256 e = fewshot_exp8(_mm256_sub_ps(_mm256_loadu_ps(x + j), mv));
        _mm256_storeu_ps(y + j, e);
        sum = _mm256_add_ps(sum, e);
    }
    if (body < n) {
        __m256 e = _mm256_and_ps(fewshot_exp8(_mm256_sub_ps(_mm256_maskload_ps(x + body, tail), mv)), tail_lanes);
        _mm256_maskstore_ps(y + body, tail, e);
        sum = _mm256_add_ps(sum, e);
    }
    const float s = fewshot_hsum8(sum);
    const __m256 inv = _mm256_set1_ps(1.0f / s);
    for (long j = 0; j < body; j += 8) _mm256_storeu_ps(y + j, _mm256_mul_ps(_mm256_loadu_ps(y + j), inv));
    if (body < n) _mm256_maskstore_ps(y + body, tail, _mm256_mul_ps(_mm256_maskload_ps(y + body, tail), inv));
    return m + logf(s);
}
