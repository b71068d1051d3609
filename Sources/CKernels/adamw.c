#include "adamw.h"

#include <math.h>

#include "avx2_math.h"

// The formula, identical to AdamWKernel's portable path (separate roundings, no FMA):
//   m = b1 m + (1 - b1) g;  v = b2 v + ((1 - b2) g) g;  denom = sqrt(v) / bias2_sqrt + eps;
//   w = w shrink - step_size (m / denom)
FEWSHOT_AVX2 void fewshot_adamw_update(float *w, float *m, float *v, const float *g, long n, float beta1,
                                       float beta2, float step_size, float bias2_sqrt, float eps, float shrink) {
    const __m256 b1 = _mm256_set1_ps(beta1), b2 = _mm256_set1_ps(beta2);
    const __m256 c1 = _mm256_set1_ps(1.0f - beta1), c2 = _mm256_set1_ps(1.0f - beta2);
    const __m256 step = _mm256_set1_ps(step_size), bc2 = _mm256_set1_ps(bias2_sqrt);
    const __m256 ev = _mm256_set1_ps(eps), sh = _mm256_set1_ps(shrink);
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 gv = _mm256_loadu_ps(g + i);
        __m256 mv = _mm256_add_ps(_mm256_mul_ps(b1, _mm256_loadu_ps(m + i)), _mm256_mul_ps(c1, gv));
        __m256 vv = _mm256_add_ps(_mm256_mul_ps(b2, _mm256_loadu_ps(v + i)), _mm256_mul_ps(_mm256_mul_ps(c2, gv), gv));
        __m256 denom = _mm256_add_ps(_mm256_div_ps(_mm256_sqrt_ps(vv), bc2), ev);
        __m256 wv = _mm256_sub_ps(_mm256_mul_ps(_mm256_loadu_ps(w + i), sh), _mm256_mul_ps(step, _mm256_div_ps(mv, denom)));
        _mm256_storeu_ps(m + i, mv);
        _mm256_storeu_ps(v + i, vv);
        _mm256_storeu_ps(w + i, wv);
    }
    for (; i < n; i++) {
        const float gi = g[i];
        m[i] = beta1 * m[i] + (1.0f - beta1) * gi;
        v[i] = beta2 * v[i] + (1.0f - beta2) * gi * gi;
        const float denom = sqrtf(v[i]) / bias2_sqrt + eps;
        w[i] = w[i] * shrink - step_size * (m[i] / denom);
    }
}
