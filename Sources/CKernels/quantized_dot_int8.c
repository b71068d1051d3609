// Products of quantised rows with 8-bit activations (the specification is in quantized_dot.h):
// the exact integer sums of 8 blocks at once, scaled and added to 8 Float partial sums.
//
// Layout. A group is 8 consecutive blocks of a row. Both operands of a group are rearranged
// ("interleaved") so that lane i of every register belongs to block i: register c holds bytes
// 4c...4c+3 of each block's 32 values. Each multiply-add then adds to block i's sum in lane i,
// so no horizontal adds are needed: the sums land where the specification puts them (block b in
// partial b % 8). The activations are interleaved once per call (shared by every row), each
// row's weights once per row (shared by every token).
#include "quantized_dot.h"

#if defined(__x86_64__)

#include "avx2_helpers.h"

#include <stdlib.h>

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

/// 8 rows of 32 bytes (`r[i]`, as int32 chunks c0...c7) transposed to 8 registers: out[c] lane
/// i = chunk c of r[i].
AVX2 static inline void transpose8x8(const __m256i r[8], __m256i out[8]) {
    __m256i t[8], u[8];
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_epi32(r[i], r[i + 1]);
        t[i + 1] = _mm256_unpackhi_epi32(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
        u[i] = _mm256_unpacklo_epi64(t[i], t[i + 2]);
        u[i + 1] = _mm256_unpackhi_epi64(t[i], t[i + 2]);
        u[i + 2] = _mm256_unpacklo_epi64(t[i + 1], t[i + 3]);
        u[i + 3] = _mm256_unpackhi_epi64(t[i + 1], t[i + 3]);
    }
    // u[k] (k < 4) holds chunk k of rows 0-3 in its low half and chunk k + 4 in its high half;
    // u[k + 4] the same for rows 4-7.
    for (int k = 0; k < 4; k++) {
        out[k] = _mm256_permute2x128_si256(u[k], u[k + 4], 0x20);
        out[k + 4] = _mm256_permute2x128_si256(u[k], u[k + 4], 0x31);
    }
}

/// Interleaves the 8-bit activations of `tokens` tokens: for token t and group g, 8 registers
/// (256 bytes at out + (t * groups + g) * 256), register c lane i = bytes 4c...4c+3 of block
/// 8g + i (zeros past the last block).
AVX2 static void interleave_activations(const signed char *xq, long blocks, long tokens, uint8_t *out) {
    const long groups = (blocks + 7) / 8;
    for (long t = 0; t < tokens; t++) {
        for (long g = 0; g < groups; g++) {
            __m256i r[8], v[8];
            for (long i = 0; i < 8; i++) {
                const long b = 8 * g + i;
                r[i] = b < blocks ? _mm256_loadu_si256((const __m256i *)(xq + (t * blocks + b) * 32))
                                  : _mm256_setzero_si256();
            }
            transpose8x8(r, v);
            __m256i *dst = (__m256i *)(out + (t * groups + g) * 256);
            for (int c = 0; c < 8; c++) _mm256_storeu_si256(dst + c, v[c]);
        }
    }
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

/// One group of a row (`count` <= 8 blocks from `group`), interleaved as the activations are:
/// 8 registers of weight bytes at `w`, register c pairing with activation register c, and the
/// blocks' scales d and offsets (m for Q4_1, -8 d for Q4_0, 0 for Q8_0) as 8 Floats each (0 past
/// `count`). Q4 weights are the nibbles 0...15 (register c < 4: weights 4c...4c+3, the low
/// nibbles of bytes 4c...4c+3; register c >= 4: weights 16 + 4(c - 4)..., their high nibbles);
/// Q8_0 weights are the signed bytes.
AVX2 static inline __attribute__((always_inline)) void repack_group(int kind, const uint8_t *group, long count,
                                                                    __m256i *w, float *d_out, float *offset_out) {
    const long block_bytes = kind == 0 ? 20 : kind == 1 ? 18 : 34;
    const __m256i zero = _mm256_setzero_si256();
    if (kind == 2) {
        __m256i r[8];
        for (long i = 0; i < 8; i++)
            r[i] = i < count ? _mm256_loadu_si256((const __m256i *)(group + i * block_bytes + 2)) : zero;
        __m256i v[8];
        transpose8x8(r, v);
        for (int c = 0; c < 8; c++) _mm256_storeu_si256(w + c, v[c]);
    } else {
        const long offset = kind == 0 ? 4 : 2;
        __m128i q[8];
        for (long i = 0; i < 8; i++)
            q[i] = i < count ? _mm_loadu_si128((const __m128i *)(group + i * block_bytes + offset)) : _mm_setzero_si128();
        // a[i] = blocks i and i + 4; a 4 x 4 transpose of int32 within each half then gives
        // y[k] lane i = bytes 4k...4k+3 of block i.
        __m256i a[4];
        for (int i = 0; i < 4; i++) a[i] = _mm256_set_m128i(q[i + 4], q[i]);
        const __m256i t0 = _mm256_unpacklo_epi32(a[0], a[1]), t1 = _mm256_unpackhi_epi32(a[0], a[1]);
        const __m256i t2 = _mm256_unpacklo_epi32(a[2], a[3]), t3 = _mm256_unpackhi_epi32(a[2], a[3]);
        const __m256i y[4] = {_mm256_unpacklo_epi64(t0, t2), _mm256_unpackhi_epi64(t0, t2),
                              _mm256_unpacklo_epi64(t1, t3), _mm256_unpackhi_epi64(t1, t3)};
        const __m256i low = _mm256_set1_epi8(0x0F);
        for (int k = 0; k < 4; k++) {
            _mm256_storeu_si256(w + k, _mm256_and_si256(y[k], low));
            _mm256_storeu_si256(w + 4 + k, _mm256_and_si256(_mm256_srli_epi16(y[k], 4), low));
        }
    }
    const __m256 d = halves8(group, block_bytes, count);
    _mm256_storeu_ps(d_out, d);
    _mm256_storeu_ps(offset_out, kind == 0   ? halves8(group + 2, block_bytes, count)
                                 : kind == 1 ? _mm256_mul_ps(d, _mm256_set1_ps(-8))
                                             : _mm256_setzero_ps());
}

/// Lane i: the exact integer sum of block i's 32 products with one token's bytes `x` (its 8
/// interleaved registers). Q4: each maddubs lane pair is at most 2 * 15 * 127, so the int16
/// sums over the 8 registers (at most 30,480) cannot overflow before the final widening. Q8_0,
/// whose signs move from w onto x (maddubs takes unsigned by signed bytes; pairs up to
/// 2 * 128 * 127), widens each register's pairs first.
AVX2 static inline __attribute__((always_inline)) __m256i group_sums(int kind, const __m256i *w, const uint8_t *x) {
    const __m256i ones = _mm256_set1_epi16(1);
    const __m256i *xv = (const __m256i *)x;
    if (kind == 2) {
        __m256i sum = _mm256_setzero_si256();
        for (int c = 0; c < 8; c++) {
            const __m256i wc = _mm256_loadu_si256(w + c);
            const __m256i pairs =
                _mm256_maddubs_epi16(_mm256_sign_epi8(wc, wc), _mm256_sign_epi8(_mm256_loadu_si256(xv + c), wc));
            sum = _mm256_add_epi32(sum, _mm256_madd_epi16(pairs, ones));
        }
        return sum;
    }
    __m256i pairs = _mm256_maddubs_epi16(_mm256_loadu_si256(w), _mm256_loadu_si256(xv));
    for (int c = 1; c < 8; c++)
        pairs = _mm256_add_epi16(pairs, _mm256_maddubs_epi16(_mm256_loadu_si256(w + c), _mm256_loadu_si256(xv + c)));
    return _mm256_madd_epi16(pairs, ones);
}

/// Adds group g (blocks b = 8g...) of one row to token t's partial sums `acc`:
/// p += scale_b * isum_b, then (Q4) p += offset_b * block_sum_b, lane i for block b + i. Lanes
/// past `count` add products of zeros (+0 or -0) to partials that started at +0, which leaves
/// them unchanged (a sum from +0 is never -0).
AVX2 static inline __attribute__((always_inline)) __m256 add_token(int kind, const __m256i *w, __m256 d, __m256 offset,
                                                                   __m256i mask, long b, const uint8_t *x,
                                                                   const float *x_scales, const float *block_sums,
                                                                   __m256 acc) {
    const __m256 isum = _mm256_cvtepi32_ps(group_sums(kind, w, x));
    const __m256 scale = _mm256_mul_ps(d, _mm256_maskload_ps(x_scales + b, mask));
    acc = _mm256_add_ps(acc, _mm256_mul_ps(scale, isum));
    if (kind != 2) acc = _mm256_add_ps(acc, _mm256_mul_ps(offset, _mm256_maskload_ps(block_sums + b, mask)));
    return acc;
}

/// One row's products with `n` tokens (n is 1 or 4 after inlining; the four accumulators are
/// separate variables so that they stay in registers). `x` is the first token's interleaved
/// activations; scales and sums are per token, `blocks` apart.
AVX2 static inline __attribute__((always_inline)) void row_tile(int kind, const __m256i *w, const float *row_d,
                                                                const float *row_offset, long blocks,
                                                                const uint8_t *x, long x_stride,
                                                                const float *x_scales, const float *block_sums,
                                                                int n, float *out) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    for (long g = 0, b = 0; b < blocks; g++, b += 8) {
        const long count = blocks - b < 8 ? blocks - b : 8;
        const __m256i *wg = w + 8 * g;
        const uint8_t *xg = x + 256 * g;
        const __m256 d = _mm256_loadu_ps(row_d + b), offset = _mm256_loadu_ps(row_offset + b);
        const __m256i mask = fewshot_tail_mask(count);
        acc0 = add_token(kind, wg, d, offset, mask, b, xg, x_scales, block_sums, acc0);
        if (n > 1) {
            acc1 = add_token(kind, wg, d, offset, mask, b, xg + x_stride, x_scales + blocks, block_sums + blocks, acc1);
            acc2 = add_token(kind, wg, d, offset, mask, b, xg + 2 * x_stride, x_scales + 2 * blocks,
                             block_sums + 2 * blocks, acc2);
            acc3 = add_token(kind, wg, d, offset, mask, b, xg + 3 * x_stride, x_scales + 3 * blocks,
                             block_sums + 3 * blocks, acc3);
        }
    }
    out[0] = fewshot_hsum8(acc0);
    if (n > 1) {
        out[1] = fewshot_hsum8(acc1);
        out[2] = fewshot_hsum8(acc2);
        out[3] = fewshot_hsum8(acc3);
    }
}

/// One block's 32 weight integers as unsigned bytes, with `sign` the bytes whose signs move onto
/// x (Q8_0, as in group_sums; Q4 nibbles need none).
AVX2 static inline __m256i block_weights(int kind, const uint8_t *block, __m256i *sign) {
    if (kind == 2) {
        __m256i w = _mm256_loadu_si256((const __m256i *)(block + 2));
        *sign = w;
        return _mm256_sign_epi8(w, w);
    }
    return nibbles(block + (kind == 0 ? 4 : 2));
}

/// The first step of summing 8 vectors' lanes without horizontal adds (which share the
/// multiplier's port): per 128-bit half, [a0 + a2, b0 + b2, a1 + a3, b1 + b3].
AVX2 static inline __m256i fold2(__m256i a, __m256i b) {
    return _mm256_add_epi32(_mm256_unpacklo_epi32(a, b), _mm256_unpackhi_epi32(a, b));
}

/// The second step, from fold2(a, b) and fold2(c, d): per 128-bit half, the sums of a's, b's,
/// c's and d's four lanes there.
AVX2 static inline __m256i fold4(__m256i ab, __m256i cd) {
    return _mm256_add_epi32(_mm256_unpacklo_epi64(ab, cd), _mm256_unpackhi_epi64(ab, cd));
}

/// Adds one group (`count` <= 8 blocks at `group`, the first being block b) of one token's
/// products to `acc`, straight from the row's blocks. Lane i of the integer sums is block
/// b + i's, as in group_sums; the Float steps are add_group's.
AVX2 static inline __attribute__((always_inline)) __m256 add_group_single(int kind, const uint8_t *group, long count,
                                                                          long b, const signed char *xq,
                                                                          const float *x_scales,
                                                                          const float *block_sums, __m256 acc) {
    const long block_bytes = kind == 0 ? 20 : kind == 1 ? 18 : 34;
    const __m256i ones = _mm256_set1_epi16(1);
    __m256i v[8];
    for (long i = 0; i < 8; i++) {
        if (i < count) {
            __m256i sign = _mm256_setzero_si256();
            const __m256i w = block_weights(kind, group + i * block_bytes, &sign);
            __m256i x = _mm256_loadu_si256((const __m256i *)(xq + 32 * (b + i)));
            if (kind == 2) x = _mm256_sign_epi8(x, sign);
            v[i] = _mm256_madd_epi16(_mm256_maddubs_epi16(w, x), ones);
        } else {
            v[i] = _mm256_setzero_si256();
        }
    }
    const __m256i q0 = fold4(fold2(v[0], v[1]), fold2(v[2], v[3]));
    const __m256i q1 = fold4(fold2(v[4], v[5]), fold2(v[6], v[7]));
    const __m256i isum =
        _mm256_add_epi32(_mm256_permute2x128_si256(q0, q1, 0x20), _mm256_permute2x128_si256(q0, q1, 0x31));
    const __m256 d = halves8(group, block_bytes, count);
    const __m256i mask = fewshot_tail_mask(count);
    const __m256 scale = _mm256_mul_ps(d, _mm256_maskload_ps(x_scales + b, mask));
    acc = _mm256_add_ps(acc, _mm256_mul_ps(scale, _mm256_cvtepi32_ps(isum)));
    if (kind != 2) {
        const __m256 offset = kind == 0 ? halves8(group + 2, block_bytes, count) : _mm256_mul_ps(d, _mm256_set1_ps(-8));
        acc = _mm256_add_ps(acc, _mm256_mul_ps(offset, _mm256_maskload_ps(block_sums + b, mask)));
    }
    return acc;
}

/// One row's product with one token, straight from its blocks (interleaving would cost more
/// than it saves for a single token). Full groups pass a constant count, so their branches fold.
AVX2 static inline __attribute__((always_inline)) float row_single(int kind, const uint8_t *row, long blocks,
                                                                   const signed char *xq, const float *x_scales,
                                                                   const float *block_sums) {
    const long block_bytes = kind == 0 ? 20 : kind == 1 ? 18 : 34;
    __m256 acc = _mm256_setzero_ps();
    long b = 0;
    for (; b + 8 <= blocks; b += 8)
        acc = add_group_single(kind, row + b * block_bytes, 8, b, xq, x_scales, block_sums, acc);
    if (b < blocks) acc = add_group_single(kind, row + b * block_bytes, blocks - b, b, xq, x_scales, block_sums, acc);
    return fewshot_hsum8(acc);
}

/// Bytes of interleaved activations kept on the stack at once (worker threads have 1 MiB).
enum { ACTIVATION_CHUNK_BYTES = 1 << 16 };

/// Rows [first, last) times every token. One token goes straight through row_single. Otherwise
/// the tokens go in chunks whose interleaved
/// activations fit ACTIVATION_CHUNK_BYTES; for each chunk, each row's weights are interleaved
/// once and meet the chunk's tokens four at a time.
AVX2 static inline __attribute__((always_inline)) void rows_tokens(
    int kind, const void *data, size_t row_bytes, long first, long last, const signed char *xq,
    const float *x_scales, const float *block_sums, long blocks, long tokens, float *y, long y_stride) {
    const long block_bytes = kind == 0 ? 20 : kind == 1 ? 18 : 34;
    if (tokens == 1) {
        for (long r = first; r < last; r++)
            y[r] = row_single(kind, (const uint8_t *)data + r * row_bytes, blocks, xq, x_scales, block_sums);
        return;
    }
    const long groups = (blocks + 7) / 8;
    const long x_stride = groups * 256;
    const long per_chunk = ACTIVATION_CHUNK_BYTES / x_stride > 1 ? ACTIVATION_CHUNK_BYTES / x_stride : 1;
    _Alignas(32) uint8_t x_small[ACTIVATION_CHUNK_BYTES];
    uint8_t *x = x_stride <= ACTIVATION_CHUNK_BYTES ? x_small : aligned_alloc(32, (size_t)x_stride);
    _Alignas(32) __m256i w[8 * groups];
    _Alignas(32) float row_d[8 * groups], row_offset[8 * groups];
    float out[4];
    for (long start = 0; start < tokens; start += per_chunk) {
        const long count = tokens - start < per_chunk ? tokens - start : per_chunk;
        interleave_activations(xq + start * 32 * blocks, blocks, count, x);
        const float *scales = x_scales + start * blocks, *sums = block_sums + start * blocks;
        for (long r = first; r < last; r++) {
            const uint8_t *row = (const uint8_t *)data + r * row_bytes;
            long b = 0;
            for (; b + 8 <= blocks; b += 8)
                repack_group(kind, row + b * block_bytes, 8, w + b, row_d + b, row_offset + b);
            if (b < blocks) repack_group(kind, row + b * block_bytes, blocks - b, w + b, row_d + b, row_offset + b);
            long t = 0;
            for (; t + 4 <= count; t += 4) {
                row_tile(kind, w, row_d, row_offset, blocks, x + t * x_stride, x_stride, scales + t * blocks,
                         sums + t * blocks, 4, out);
                for (int i = 0; i < 4; i++) y[(start + t + i) * y_stride + r] = out[i];
            }
            for (; t < count; t++) {
                row_tile(kind, w, row_d, row_offset, blocks, x + t * x_stride, x_stride, scales + t * blocks,
                         sums + t * blocks, 1, out);
                y[(start + t) * y_stride + r] = out[0];
            }
        }
    }
    if (x != x_small) free(x);
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
