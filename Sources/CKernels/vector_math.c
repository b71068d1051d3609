#include "vector_math.h"

#include "avx2_math.h"

FEWSHOT_AVX2 void fewshot_exp(const float *x, float *y, long n) {
    long i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, fewshot_exp8(_mm256_loadu_ps(x + i)));
    if (i < n) {
        const __m256i mask = fewshot_tail_mask(n - i);
        _mm256_maskstore_ps(y + i, mask, fewshot_exp8(_mm256_maskload_ps(x + i, mask)));
    }
}

FEWSHOT_AVX2 void fewshot_tanh(const float *x, float *y, long n) {
    long i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, fewshot_tanh8(_mm256_loadu_ps(x + i)));
    if (i < n) {
        const __m256i mask = fewshot_tail_mask(n - i);
        _mm256_maskstore_ps(y + i, mask, fewshot_tanh8(_mm256_maskload_ps(x + i, mask)));
    }
}

float fewshot_log(float x) { return fewshot_logf(x); }
