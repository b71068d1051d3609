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

/// The 32 weights of one block decoded to Float in `w` (values 0-7, 8-15, 16-23, 24-31):
/// `kind` 0 for Q4_1 (d, m, nibbles; q * d + m), 1 for Q4_0 (d, nibbles; (q - 8) * d), 2 for
/// Q8_0 (d, signed bytes; q * d).
AVX2 static inline __attribute__((always_inline)) void decode_block(int kind, const uint8_t *block, __m256 w[4]) {
    const __m256 d = _mm256_set1_ps(half_at(block));
    if (kind == 2) {
        for (int i = 0; i < 4; i++) {
            __m128i q = _mm_loadl_epi64((const __m128i *)(block + 2 + 8 * i));
            w[i] = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(q)), d);
        }
        return;
    }
    const __m128i mask = _mm_set1_epi8(0x0F);
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
        const __m256 eight = _mm256_set1_ps(8);
        for (int i = 0; i < 4; i++) w[i] = _mm256_mul_ps(_mm256_sub_ps(w[i], eight), d);
    }
}

/// One row of blocks times `n` tokens of x (rows `x_stride` apart), each token's product in
/// the order of the specification: every block is decoded once for all n tokens, and each
/// token's sums are exactly those of a product with it alone. `n` is 1 or 4 after inlining.
AVX2 static inline __attribute__((always_inline)) void row_tokens(int kind, int n, const uint8_t *row,
                                                                  const float *x, long x_stride, long blocks,
                                                                  float *y, long y_stride) {
    const long block_bytes = kind == 0 ? 20 : kind == 1 ? 18 : 34;
    __m256 lo[4], hi[4];
    for (int i = 0; i < n; i++) lo[i] = hi[i] = _mm256_setzero_ps();
    for (long b = 0; b < blocks; b++, row += block_bytes) {
        __m256 w[4];
        decode_block(kind, row, w);
        for (int i = 0; i < n; i++) {
            const float *xb = x + i * x_stride + 32 * b;
            add16(w[0], w[1], xb, &lo[i], &hi[i]);
            add16(w[2], w[3], xb + 16, &lo[i], &hi[i]);
        }
    }
    for (int i = 0; i < n; i++) y[i * y_stride] = fewshot_hsum8(_mm256_add_ps(lo[i], hi[i]));
}

/// Rows [first, last) times `tokens` tokens: y[t * y_stride + r]. Runs of 16 rows meet runs
/// of four tokens, so that both stay in L1 while they are multiplied; the order of the runs
/// never changes a sum.
AVX2 static inline __attribute__((always_inline)) void block_rows(int kind, const void *data, size_t row_bytes,
                                                                  long first, long last, const float *x,
                                                                  long blocks, long tokens, float *y,
                                                                  long y_stride) {
    const long columns = 32 * blocks;
    for (long r0 = first; r0 < last; r0 += 16) {
        const long r1 = last - r0 < 16 ? last : r0 + 16;
        long t = 0;
        for (; t + 4 <= tokens; t += 4) {
            for (long r = r0; r < r1; r++) {
                row_tokens(kind, 4, (const uint8_t *)data + r * row_bytes, x + t * columns, columns, blocks,
                           y + t * y_stride + r, y_stride);
            }
        }
        for (; t < tokens; t++) {
            for (long r = r0; r < r1; r++) {
                row_tokens(kind, 1, (const uint8_t *)data + r * row_bytes, x + t * columns, columns, blocks,
                           y + t * y_stride + r, y_stride);
            }
        }
    }
}

AVX2 void fewshot_rows_q4_1(const void *data, size_t row_bytes, long first, long last, const float *x, long blocks,
                            float *y) {
    block_rows(0, data, row_bytes, first, last, x, blocks, 1, y, 0);
}

AVX2 void fewshot_rows_q4_0(const void *data, size_t row_bytes, long first, long last, const float *x, long blocks,
                            float *y) {
    block_rows(1, data, row_bytes, first, last, x, blocks, 1, y, 0);
}

AVX2 void fewshot_rows_q8_0(const void *data, size_t row_bytes, long first, long last, const float *x, long blocks,
                            float *y) {
    block_rows(2, data, row_bytes, first, last, x, blocks, 1, y, 0);
}

AVX2 void fewshot_rows_q4_1_tokens(const void *data, size_t row_bytes, long first, long last, const float *x,
                                   long blocks, long tokens, float *y, long y_stride) {
    block_rows(0, data, row_bytes, first, last, x, blocks, tokens, y, y_stride);
}

AVX2 void fewshot_rows_q4_0_tokens(const void *data, size_t row_bytes, long first, long last, const float *x,
                                   long blocks, long tokens, float *y, long y_stride) {
    block_rows(1, data, row_bytes, first, last, x, blocks, tokens, y, y_stride);
}

AVX2 void fewshot_rows_q8_0_tokens(const void *data, size_t row_bytes, long first, long last, const float *x,
                                   long blocks, long tokens, float *y, long y_stride) {
    block_rows(2, data, row_bytes, first, last, x, blocks, tokens, y, y_stride);
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
