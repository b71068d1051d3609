// Products of quantised rows with 8-bit activations (the specification is in quantized_dot.h):
// the exact integer sums of 8 blocks at once, scaled and added to 8 Float partial sums.
#include "quantized_dot.h"

#if defined(__x86_64__)

#include "avx2_helpers.h"

// Each product is rounded before it is added, whatever the build's flags.
#pragma STDC FP_CONTRACT OFF

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
        scales[b] = amax / 127.0f;
        __m256 inverse = _mm256_set1_ps(amax > 0 ? 127.0f / amax : 0.0f);
        // Round to nearest (even), then pack 4 x 8 int32 to 32 bytes with saturation; packs
        // interleave the 128-bit lanes, which the final permutation undoes. -128 (only from NaN
        // or overflow) becomes -127, so that every byte's sign can move onto the weights.
        __m256i i0 = _mm256_cvtps_epi32(_mm256_mul_ps(v0, inverse));
        __m256i i1 = _mm256_cvtps_epi32(_mm256_mul_ps(v1, inverse));
        __m256i i2 = _mm256_cvtps_epi32(_mm256_mul_ps(v2, inverse));
        __m256i i3 = _mm256_cvtps_epi32(_mm256_mul_ps(v3, inverse));
        __m256i packed = _mm256_packs_epi16(_mm256_packs_epi32(i0, i1), _mm256_packs_epi32(i2, i3));
        packed = _mm256_max_epi8(packed, _mm256_set1_epi8(-127));
        _mm256_storeu_si256((__m256i *)(q + 32 * b), _mm256_permutevar8x32_epi32(packed, order));
    }
}

/// The exact dot of one block's 32 weight integers with 32 bytes of x, as 8 int32 partials.
/// `kind` is the block format: 0 for Q4_1, 1 for Q4_0, 2 for Q8_0. maddubs multiplies unsigned
/// by signed bytes into int16 pairs that cannot saturate here (Q4: 2 * 15 * 127; Q8_0, whose
/// signs move from w onto x: 2 * 128 * 127).
AVX2 static inline __m256i block_dot(int kind, const uint8_t *block, const signed char *x) {
    __m256i x8 = _mm256_loadu_si256((const __m256i *)x);
    __m256i pairs;
    if (kind == 2) {
        __m256i w = _mm256_loadu_si256((const __m256i *)(block + 2));
        pairs = _mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(x8, w));
    } else {
        pairs = _mm256_maddubs_epi16(nibbles(block + (kind == 0 ? 4 : 2)), x8);
    }
    return _mm256_madd_epi16(pairs, _mm256_set1_epi16(1));
}

/// Lane i: the sum of the 8 lanes of v[i].
AVX2 static inline __m256i lane_sums8(const __m256i v[8]) {
    __m256i h01 = _mm256_hadd_epi32(v[0], v[1]), h23 = _mm256_hadd_epi32(v[2], v[3]);
    __m256i h45 = _mm256_hadd_epi32(v[4], v[5]), h67 = _mm256_hadd_epi32(v[6], v[7]);
    // Per 128-bit half: the sums of the low (high) four lanes of v[0..3] and of v[4..7].
    __m256i h0123 = _mm256_hadd_epi32(h01, h23), h4567 = _mm256_hadd_epi32(h45, h67);
    return _mm256_add_epi32(_mm256_permute2x128_si256(h0123, h4567, 0x20),
                            _mm256_permute2x128_si256(h0123, h4567, 0x31));
}

/// The 8 halves `stride` bytes apart from `p` as Floats (lanes past `count` are 0). Built in
/// registers: eight 2-byte stores and a 16-byte load would stall on store forwarding.
AVX2 static inline __m256 halves8(const uint8_t *p, long stride, long count) {
    short h[8];
    for (long i = 0; i < 8; i++) {
        uint16_t bits = 0;
        if (i < count) memcpy(&bits, p + i * stride, 2);
        h[i] = (short)bits;
    }
    return _mm256_cvtph_ps(_mm_setr_epi16(h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]));
}

/// Adds blocks [b, b + count) (count <= 8, lane i for block b + i, where b is a multiple of 8)
/// of one row to the partial sums of `n` tokens. Missing lanes add products of zeros (+0 or -0)
/// to partials that started at +0, which leaves them unchanged (a sum from +0 is never -0).
AVX2 static inline __attribute__((always_inline)) void add_blocks(int kind, const uint8_t *group, long count, long b,
                                                                  const signed char *xq, const float *x_scales,
                                                                  const float *block_sums, long stride_q,
                                                                  long stride_s, int n, __m256 *acc) {
    const long block_bytes = kind == 0 ? 20 : kind == 1 ? 18 : 34;
    const __m256 d = halves8(group, block_bytes, count);
    const __m256 offset = kind == 0 ? halves8(group + 2, block_bytes, count) : _mm256_mul_ps(d, _mm256_set1_ps(-8));
    const __m256i mask = fewshot_tail_mask(count);
    for (int t = 0; t < n; t++) {
        const signed char *x = xq + t * stride_q + 32 * b;
        __m256i v[8];
        for (long i = 0; i < 8; i++)
            v[i] = i < count ? block_dot(kind, group + i * block_bytes, x + 32 * i) : _mm256_setzero_si256();
        __m256 isum = _mm256_cvtepi32_ps(lane_sums8(v));
        __m256 scale = _mm256_mul_ps(d, _mm256_maskload_ps(x_scales + t * stride_s + b, mask));
        acc[t] = _mm256_add_ps(acc[t], _mm256_mul_ps(scale, isum));
        if (kind != 2) {
            __m256 sums = _mm256_maskload_ps(block_sums + t * stride_s + b, mask);
            acc[t] = _mm256_add_ps(acc[t], _mm256_mul_ps(offset, sums));
        }
    }
}

/// One row's products with `n` tokens' 8-bit activations (n is 1 or 4 after inlining, so the
/// accumulators stay in registers).
AVX2 static inline __attribute__((always_inline)) void row_tile(int kind, const uint8_t *row, long blocks,
                                                                const signed char *xq, const float *x_scales,
                                                                const float *block_sums, long stride_q,
                                                                long stride_s, int n, float *out) {
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    const long block_bytes = kind == 0 ? 20 : kind == 1 ? 18 : 34;
    long b = 0;
    for (; b + 8 <= blocks; b += 8)
        add_blocks(kind, row + b * block_bytes, 8, b, xq, x_scales, block_sums, stride_q, stride_s, n, acc);
    if (b < blocks)
        add_blocks(kind, row + b * block_bytes, blocks - b, b, xq, x_scales, block_sums, stride_q, stride_s, n, acc);
    for (int t = 0; t < n; t++) out[t] = fewshot_hsum8(acc[t]);
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
