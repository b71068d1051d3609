// Products of quantised rows with Float activations (the specification is in quantized_dot.h):
// weights decoded to Float in registers, products added to 16 partial sums (two accumulators).
#include "quantized_dot.h"

#if defined(__x86_64__)

#include "avx2_helpers.h"

// Each product is rounded before it is added, whatever the build's flags.
#pragma STDC FP_CONTRACT OFF

/// Adds the products of 16 decoded weights (w0: values 0-7, w1: values 8-15) with 16 values
/// of x to the partial sums 0-7 (`lo`) and 8-15 (`hi`).
AVX2 static inline void add16(__m256 w0, __m256 w1, const float *x, __m256 *lo, __m256 *hi) {
    *lo = _mm256_add_ps(*lo, _mm256_mul_ps(w0, _mm256_loadu_ps(x)));
    *hi = _mm256_add_ps(*hi, _mm256_mul_ps(w1, _mm256_loadu_ps(x + 8)));
}

/// 8 unsigned bytes at `p` as 8 Floats.
AVX2 static inline __m256 widen_u8(__m128i p) { return _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(p)); }

/// Rows of 32-weight blocks: `kind` 0 for Q4_1 (d, m, nibbles; q * d + m), 1 for Q4_0 (d,
/// nibbles; (q - 8) * d), 2 for Q8_0 (d, signed bytes; q * d).
AVX2 static inline __attribute__((always_inline)) void block_rows(int kind, const void *data, size_t row_bytes,
                                                                  long first, long last, const float *x,
                                                                  long blocks, float *y) {
    const long block_bytes = kind == 0 ? 20 : kind == 1 ? 18 : 34;
    const __m128i mask = _mm_set1_epi8(0x0F);
    const __m256 eight = _mm256_set1_ps(8);
    for (long r = first; r < last; r++) {
        const uint8_t *block = (const uint8_t *)data + r * row_bytes;
        __m256 lo = _mm256_setzero_ps(), hi = _mm256_setzero_ps();
        for (long b = 0; b < blocks; b++, block += block_bytes) {
            __m256 d = _mm256_set1_ps(half_at(block));
            __m256 w[4];
            if (kind == 2) {
                for (int i = 0; i < 4; i++) {
                    __m128i q = _mm_loadl_epi64((const __m128i *)(block + 2 + 8 * i));
                    w[i] = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(q)), d);
                }
            } else {
                __m128i q = _mm_loadu_si128((const __m128i *)(block + (kind == 0 ? 4 : 2)));
                __m128i low = _mm_and_si128(q, mask), high = _mm_and_si128(_mm_srli_epi16(q, 4), mask);
                w[0] = widen_u8(low);
                w[1] = widen_u8(_mm_srli_si128(low, 8));
                w[2] = widen_u8(high);
                w[3] = widen_u8(_mm_srli_si128(high, 8));
                if (kind == 0) {
                    __m256 m = _mm256_set1_ps(half_at(block + 2));
                    for (int i = 0; i < 4; i++) w[i] = _mm256_add_ps(_mm256_mul_ps(w[i], d), m);
                } else {
                    for (int i = 0; i < 4; i++) w[i] = _mm256_mul_ps(_mm256_sub_ps(w[i], eight), d);
                }
            }
            add16(w[0], w[1], x + 32 * b, &lo, &hi);
            add16(w[2], w[3], x + 32 * b + 16, &lo, &hi);
        }
        y[r] = fewshot_hsum8(_mm256_add_ps(lo, hi));
    }
}

AVX2 void fewshot_rows_q4_1(const void *data, size_t row_bytes, long first, long last, const float *x, long blocks,
                            float *y) {
    block_rows(0, data, row_bytes, first, last, x, blocks, y);
}

AVX2 void fewshot_rows_q4_0(const void *data, size_t row_bytes, long first, long last, const float *x, long blocks,
                            float *y) {
    block_rows(1, data, row_bytes, first, last, x, blocks, y);
}

AVX2 void fewshot_rows_q8_0(const void *data, size_t row_bytes, long first, long last, const float *x, long blocks,
                            float *y) {
    block_rows(2, data, row_bytes, first, last, x, blocks, y);
}

// F32 and F16 rows: a tail past a multiple of 16 values is copied into zeroed buffers; its
// padding adds 0 * 0 = +0 to partials that started at +0, which leaves them unchanged (a sum
// that starts at +0 is never -0).

AVX2 void fewshot_rows_f32(const float *data, long first, long last, const float *x, long columns, float *y) {
    const long whole = columns - columns % 16, rest = columns - whole;
    float xt[16] = {0};
    memcpy(xt, x + whole, rest * sizeof(float));
    for (long r = first; r < last; r++) {
        const float *row = data + r * columns;
        __m256 lo = _mm256_setzero_ps(), hi = _mm256_setzero_ps();
        for (long i = 0; i < whole; i += 16)
            add16(_mm256_loadu_ps(row + i), _mm256_loadu_ps(row + i + 8), x + i, &lo, &hi);
        if (rest > 0) {
            float wt[16] = {0};
            memcpy(wt, row + whole, rest * sizeof(float));
            add16(_mm256_loadu_ps(wt), _mm256_loadu_ps(wt + 8), xt, &lo, &hi);
        }
        y[r] = fewshot_hsum8(_mm256_add_ps(lo, hi));
    }
}

AVX2 void fewshot_rows_f16(const void *data, size_t row_bytes, long first, long last, const float *x, long columns,
                           float *y) {
    const long whole = columns - columns % 16, rest = columns - whole;
    float xt[16] = {0};
    memcpy(xt, x + whole, rest * sizeof(float));
    for (long r = first; r < last; r++) {
        const uint8_t *row = (const uint8_t *)data + r * row_bytes;
        __m256 lo = _mm256_setzero_ps(), hi = _mm256_setzero_ps();
        for (long i = 0; i < whole; i += 16) {
            __m256 w0 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(row + 2 * i)));
            __m256 w1 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(row + 2 * i + 16)));
            add16(w0, w1, x + i, &lo, &hi);
        }
        if (rest > 0) {
            uint16_t wt[16] = {0};
            memcpy(wt, row + 2 * whole, rest * 2);
            __m256 w0 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)wt));
            __m256 w1 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(wt + 8)));
            add16(w0, w1, xt, &lo, &hi);
        }
        y[r] = fewshot_hsum8(_mm256_add_ps(lo, hi));
    }
}

#endif
