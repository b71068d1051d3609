#include "quantized_dot.h"

#if defined(__x86_64__)

#include "avx2_helpers.h"

AVX2 void fewshot_quantize_q8(const float *x, long blocks, signed char *q, float *scales) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    for (long b = 0; b < blocks; b++) {
        const float *xb = x + 32 * b;
        __m256 v0 = _mm256_loadu_ps(xb), v1 = _mm256_loadu_ps(xb + 8);
        __m256 v2 = _mm256_loadu_ps(xb + 16), v3 = _mm256_loadu_ps(xb + 24);
        __m256 m = _mm256_max_ps(_mm256_max_ps(_mm256_andnot_ps(sign, v0), _mm256_andnot_ps(sign, v1)),
                                 _mm256_max_ps(_mm256_andnot_ps(sign, v2), _mm256_andnot_ps(sign, v3)));
        __m128 h = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
        h = _mm_max_ps(h, _mm_movehl_ps(h, h));
        h = _mm_max_ss(h, _mm_movehdup_ps(h));
        float amax = _mm_cvtss_f32(h);
        float d = amax / 127.0f;
        scales[b] = d;
        __m256 inverse = _mm256_set1_ps(amax > 0 ? 127.0f / amax : 0.0f);
        // Round to nearest (even), then pack 4 x 8 int32 to 32 bytes; packs interleave the
        // 128-bit lanes, which the final permutation undoes.
        __m256i i0 = _mm256_cvtps_epi32(_mm256_mul_ps(v0, inverse));
        __m256i i1 = _mm256_cvtps_epi32(_mm256_mul_ps(v1, inverse));
        __m256i i2 = _mm256_cvtps_epi32(_mm256_mul_ps(v2, inverse));
        __m256i i3 = _mm256_cvtps_epi32(_mm256_mul_ps(v3, inverse));
        __m256i packed = _mm256_packs_epi16(_mm256_packs_epi32(i0, i1), _mm256_packs_epi32(i2, i3));
        _mm256_storeu_si256((__m256i *)(q + 32 * b), _mm256_permutevar8x32_epi32(packed, order));
    }
}

/// One row's products with `n` tokens' 8-bit activations (n is 1 or 4 after inlining, so the
/// accumulators stay in registers): each weight block is decoded once for all n tokens.
/// `kind` is the block format: 0 for Q4_1, 1 for Q4_0, 2 for Q8_0.
AVX2 static inline __attribute__((always_inline)) void row_tile(
    int kind, const uint8_t *block, long blocks, const signed char *xq, const float *x_scales,
    const float *block_sums, long tokens_stride_q, long tokens_stride_s, int n, float *out) {
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    float offsets[4] = {0, 0, 0, 0};
    const long block_bytes = kind == 0 ? 20 : kind == 1 ? 18 : 34;
    for (long b = 0; b < blocks; b++, block += block_bytes) {
        float d = half_at(block);
        // Q4 blocks: unsigned nibbles and an offset (m, or -8 d) times the block sums of x.
        // Q8_0: maddubs multiplies unsigned by signed bytes, so w's signs move onto x.
        __m256i w = kind == 0 ? nibbles(block + 4) : kind == 1 ? nibbles(block + 2)
                                                               : _mm256_loadu_si256((const __m256i *)(block + 2));
        float offset = kind == 0 ? half_at(block + 2) : -8 * d;
        for (int t = 0; t < n; t++) {
            __m256i x8 = _mm256_loadu_si256((const __m256i *)(xq + t * tokens_stride_q + 32 * b));
            __m256 dot = kind == 2 ? byte_dot(_mm256_sign_epi8(w, w), _mm256_sign_epi8(x8, w)) : byte_dot(w, x8);
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(d * x_scales[t * tokens_stride_s + b]), dot, acc[t]);
            if (kind != 2) offsets[t] += offset * block_sums[t * tokens_stride_s + b];
        }
    }
    for (int t = 0; t < n; t++) out[t] = fewshot_hsum8(acc[t]) + offsets[t];
}

/// Rows [first, last) times every token, four tokens at a time.
AVX2 static inline __attribute__((always_inline)) void rows_tokens(
    int kind, const void *data, size_t row_bytes, long first, long last, const signed char *xq,
    const float *x_scales, const float *block_sums, long blocks, long tokens, float *y, long y_stride) {
    float out[4];
    for (long r = first; r < last; r++) {
        const uint8_t *row = (const uint8_t *)data + r * row_bytes;
        long t = 0;
        for (; t + 4 <= tokens; t += 4) {
            row_tile(kind, row, blocks, xq + t * 32 * blocks, x_scales + t * blocks, block_sums + t * blocks,
                     32 * blocks, blocks, 4, out);
            for (int i = 0; i < 4; i++) y[(t + i) * y_stride + r] = out[i];
        }
        for (; t < tokens; t++) {
            row_tile(kind, row, blocks, xq + t * 32 * blocks, x_scales + t * blocks, block_sums + t * blocks,
                     32 * blocks, blocks, 1, out);
            y[t * y_stride + r] = out[0];
        }
    }
}

AVX2 void fewshot_rows_q4_1_q8(const void *data, size_t row_bytes, long first, long last, const signed char *xq,
                               const float *x_scales, const float *block_sums, long blocks, long tokens, float *y,
                               long y_stride) {
    rows_tokens(0, data, row_bytes, first, last, xq, x_scales, block_sums, blocks, tokens, y, y_stride);
}

AVX2 void fewshot_rows_q4_0_q8(const void *data, size_t row_bytes, long first, long last, const signed char *xq,
                               const float *x_scales, const float *block_sums, long blocks, long tokens, float *y,
                               long y_stride) {
    rows_tokens(1, data, row_bytes, first, last, xq, x_scales, block_sums, blocks, tokens, y, y_stride);
}

AVX2 void fewshot_rows_q8_0_q8(const void *data, size_t row_bytes, long first, long last, const signed char *xq,
                               const float *x_scales, const float *block_sums, long blocks, long tokens, float *y,
                               long y_stride) {
    rows_tokens(2, data, row_bytes, first, last, xq, x_scales, block_sums, blocks, tokens, y, y_stride);
}

#endif
