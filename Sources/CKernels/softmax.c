#include "softmax.h"

#include <math.h>

#include "avx2_math.h"

// The formula, identical to SoftmaxKernel's portable path: m = the 16-lane maximum of x;
// e[j] = exp(x[j] - m) (fewshot_exp8); s = the 16-lane sum of e; y[j] = e[j] * (1 / s);
// the result is m + log(s) (fewshot_logf).
FEWSHOT_AVX2 float fewshot_softmax(const float *x, float *y, long n) {
    const long body = n & ~7L;
    const __m256i tail = fewshot_tail_mask(n - body);
    const __m256 tail_lanes = _mm256_castsi256_ps(tail);
    fewshot_lanes16 mx = fewshot_lanes16_fill(-INFINITY);
    for (long j = 0; j < body; j += 8) fewshot_lanes16_max(&mx, j, _mm256_loadu_ps(x + j));
    if (body < n) {
        __m256 v = _mm256_blendv_ps(_mm256_set1_ps(-INFINITY), _mm256_maskload_ps(x + body, tail), tail_lanes);
        fewshot_lanes16_max(&mx, body, v);
    }
    const float m = fewshot_lanes16_maximum(mx);
    const __m256 mv = _mm256_set1_ps(m);
    fewshot_lanes16 sum = fewshot_lanes16_fill(0.0f);
    for (long j = 0; j < body; j += 8) {
        __m256 e = fewshot_exp8(_mm256_sub_ps(_mm256_loadu_ps(x + j), mv));
        _mm256_storeu_ps(y + j, e);
        fewshot_lanes16_add(&sum, j, e);
    }
    if (body < n) {
        __m256 e = _mm256_and_ps(fewshot_exp8(_mm256_sub_ps(_mm256_maskload_ps(x + body, tail), mv)), tail_lanes);
        _mm256_maskstore_ps(y + body, tail, e);
        fewshot_lanes16_add(&sum, body, e);
    }
    const float s = fewshot_lanes16_sum(sum);
    const __m256 inv = _mm256_set1_ps(1.0f / s);
    for (long j = 0; j < body; j += 8) _mm256_storeu_ps(y + j, _mm256_mul_ps(_mm256_loadu_ps(y + j), inv));
    if (body < n) _mm256_maskstore_ps(y + body, tail, _mm256_mul_ps(_mm256_maskload_ps(y + body, tail), inv));
    return m + fewshot_logf(s);
}
