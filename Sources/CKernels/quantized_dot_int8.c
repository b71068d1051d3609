// Products of quantised rows with 8-bit activations (the specification is in quantized_dot.h):
// the exact integer sums of 8 rows at once, scaled and added to 8 Float partial sums per row.
//
// Layout. A tile is 8 consecutive rows. Each block of a tile's weights is rearranged once per
// call so that lane i of every register belongs to row i: register c holds weights 4c...4c+3 of
// each row's block, and meets bytes 4c...4c+3 of x's block broadcast to every lane. Each
// multiply-add then adds to row i's sum in lane i, so no horizontal adds are needed; block b
// goes to the Float partial b % 8 of every lane, and the final tree of fewshot_hsum8 runs across
// the 8 partials lane by lane, giving 8 rows' results in one register. x is used as it is.
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

/// The first two halves of 8 blocks `stride` bytes apart from `p` (`count` of them real, the
/// others 0) as Floats: `first` (d) and `second` (Q4_1's m), for a tile's block (8 rows). The blocks' first 4 bytes are
/// gathered by a transposition, as the weights are, then their low halves go to the low 128 bits
/// and their high halves to the high ones (inserting halves lane by lane would cost more, and 2-byte
/// stores then a 16-byte load would stall on store forwarding).
AVX2 static inline __attribute__((always_inline)) void block_heads(const uint8_t *p, size_t stride, long count,
                                                                   __m256 *first, __m256 *second) {
    __m128i h[8];
    for (long i = 0; i < 8; i++) h[i] = i < count ? _mm_loadu_si32(p + i * stride) : _mm_setzero_si128();
    const __m128i h01 = _mm_unpacklo_epi32(h[0], h[1]), h23 = _mm_unpacklo_epi32(h[2], h[3]);
    const __m128i h45 = _mm_unpacklo_epi32(h[4], h[5]), h67 = _mm_unpacklo_epi32(h[6], h[7]);
    const __m256i heads = _mm256_set_m128i(_mm_unpacklo_epi64(h45, h67), _mm_unpacklo_epi64(h01, h23));
    const __m256i split = _mm256_shuffle_epi8(
        heads, _mm256_setr_epi8(0, 1, 4, 5, 8, 9, 12, 13, 2, 3, 6, 7, 10, 11, 14, 15, 0, 1, 4, 5, 8, 9, 12, 13, 2, 3, 6,
                                7, 10, 11, 14, 15));
    const __m256i halves = _mm256_permute4x64_epi64(split, 0xD8);
    *first = _mm256_cvtph_ps(_mm256_castsi256_si128(halves));
    if (second) *second = _mm256_cvtph_ps(_mm256_extracti128_si256(halves, 1));
}

/// The 8 halves `stride` bytes apart from `p` as Floats (lanes past `count` are 0), for one row's
/// group of blocks (row_single). Built in registers: eight 2-byte stores and a 16-byte load would
/// stall on store forwarding.
AVX2 static inline __m256 halves8(const uint8_t *p, long stride, long count) {
    short h[8];
    for (long i = 0; i < 8; i++) {
        uint16_t bits = 0;
        if (i < count) memcpy(&bits, p + i * stride, 2);
        h[i] = (short)bits;
    }
    return _mm256_cvtph_ps(_mm_setr_epi16(h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]));
}

/// One block of `count` <= 8 rows (the first at `block`, the others `row_bytes` apart),
/// rearranged so that lane i of every register belongs to row i: 8 registers at `w`, register c
/// holding weights 4c...4c+3 of each row (Q4: the nibbles 0...15, for c < 4 the low nibbles of
/// bytes 4c...4c+3 and for c >= 4 the high nibbles of bytes 4(c - 4)...; Q8_0: the signed
/// bytes), and the rows' scales d and offsets (m for Q4_1, -8 d for Q4_0, 0 for Q8_0) as 8
/// Floats. Rows past `count` are zeros.
AVX2 static inline __attribute__((always_inline)) void repack_block(int kind, const uint8_t *block, size_t row_bytes,
                                                                    long count, __m256i *w, __m256 *d_out,
                                                                    __m256 *offset_out) {
    const __m256i zero = _mm256_setzero_si256();
    if (kind == 2) {
        __m256i r[8];
        for (long i = 0; i < 8; i++)
            r[i] = i < count ? _mm256_loadu_si256((const __m256i *)(block + i * row_bytes + 2)) : zero;
        __m256i v[8];
        transpose8x8(r, v);
        for (int c = 0; c < 8; c++) _mm256_store_si256(w + c, v[c]);
    } else {
        const long offset = kind == 0 ? 4 : 2;
        __m128i q[8];
        for (long i = 0; i < 8; i++)
            q[i] = i < count ? _mm_loadu_si128((const __m128i *)(block + i * row_bytes + offset)) : _mm_setzero_si128();
        // a[i] = rows i and i + 4; a 4 x 4 transpose of int32 within each half then gives
        // y[k] lane i = bytes 4k...4k+3 of row i.
        __m256i a[4];
        for (int i = 0; i < 4; i++) a[i] = _mm256_set_m128i(q[i + 4], q[i]);
        const __m256i t0 = _mm256_unpacklo_epi32(a[0], a[1]), t1 = _mm256_unpackhi_epi32(a[0], a[1]);
        const __m256i t2 = _mm256_unpacklo_epi32(a[2], a[3]), t3 = _mm256_unpackhi_epi32(a[2], a[3]);
        const __m256i y[4] = {_mm256_unpacklo_epi64(t0, t2), _mm256_unpackhi_epi64(t0, t2),
                              _mm256_unpacklo_epi64(t1, t3), _mm256_unpackhi_epi64(t1, t3)};
        const __m256i low = _mm256_set1_epi8(0x0F);
        for (int k = 0; k < 4; k++) {
            _mm256_store_si256(w + k, _mm256_and_si256(y[k], low));
            _mm256_store_si256(w + 4 + k, _mm256_and_si256(_mm256_srli_epi16(y[k], 4), low));
        }
    }
    __m256 d, m;
    block_heads(block, row_bytes, count, &d, kind == 0 ? &m : NULL);
    *d_out = d;
    *offset_out = kind == 0 ? m : kind == 1 ? _mm256_mul_ps(d, _mm256_set1_ps(-8)) : _mm256_setzero_ps();
}

/// Bytes 4c...4c+3 of `x` in every lane.
AVX2 static inline __m256i x_chunk(const uint8_t *x, int c) {
    int32_t v;
    memcpy(&v, x + 4 * c, 4);
    return _mm256_set1_epi32(v);
}

/// A tile's block: 8 registers of weights (repack_block's), then the rows' d and offsets.
typedef struct {
    __m256i w[8];
    __m256 d, offset;
} tile_block;

/// One block of up to 4 tokens' activations, side by side so that one pointer reaches them all:
/// token t's 32 bytes, scale and Float block sum.
typedef struct {
    int8_t x[4][32];
    float scales[4], sums[4];
} token_block;

/// Lane i: the exact integer sums of row i's 32 products in one block (`tb`) with each of `n`
/// (1...4) tokens' 32 bytes of that block (`xb`). Chunk by chunk, so that each weight register
/// is loaded once for the n tokens. Q4: each maddubs lane pair is at most 2 * 15 * 127, so the
/// int16 sums over the 8 registers (at most 30,480) cannot overflow before the final widening.
/// Q8_0: maddubs takes unsigned by signed bytes, so each weight's sign moves onto x (x is
/// -127...127, never -128, so negating it is exact) and its magnitude (at most 128) is the
/// unsigned operand; the pairs (at most 2 * 128 * 127 = 32,512) are widened register by register.
AVX2 static inline __attribute__((always_inline)) void block_isums(int kind, const tile_block *tb,
                                                                   const token_block *xb, int n, __m256i out[4]) {
    const __m256i ones = _mm256_set1_epi16(1);
    __m256i acc[4];
    for (int t = 0; t < 4; t++) acc[t] = _mm256_setzero_si256();
    for (int c = 0; c < 8; c++) {
        const __m256i wc = _mm256_load_si256(tb->w + c);
        if (kind == 2) {
            const __m256i magnitude = _mm256_sign_epi8(wc, wc);
            for (int t = 0; t < n; t++) {
                const __m256i signed_x = _mm256_sign_epi8(x_chunk((const uint8_t *)xb->x[t], c), wc);
                acc[t] = _mm256_add_epi32(acc[t], _mm256_madd_epi16(_mm256_maddubs_epi16(magnitude, signed_x), ones));
            }
        } else {
            for (int t = 0; t < n; t++)
                acc[t] = _mm256_add_epi16(acc[t], _mm256_maddubs_epi16(wc, x_chunk((const uint8_t *)xb->x[t], c)));
        }
    }
    for (int t = 0; t < n; t++) out[t] = kind == 2 ? acc[t] : _mm256_madd_epi16(acc[t], ones);
}

/// Adds one block's integer sums `isum` of 8 rows (with their `d` and `offset`) to one token's
/// partial sums (lane i: row i): p += scale_b * isum_b, then (Q4) p += offset_b * block_sum_b.
AVX2 static inline __attribute__((always_inline)) __m256 add_block(int kind, __m256i isum, __m256 d, __m256 offset,
                                                                   float x_scale, float block_sum, __m256 acc) {
    const __m256 scale = _mm256_mul_ps(d, _mm256_set1_ps(x_scale));
    acc = _mm256_add_ps(acc, _mm256_mul_ps(scale, _mm256_cvtepi32_ps(isum)));
    if (kind != 2) acc = _mm256_add_ps(acc, _mm256_mul_ps(offset, _mm256_set1_ps(block_sum)));
    return acc;
}

/// A tile's products (`count` <= 8 real rows, its blocks at `tile`) with `n` (1...4) tokens (their
/// blocks at `tokens`); token t's 8 results go to y + t * y_stride. Each lane's 8 Float partials
/// are built one at a time (partial l from blocks l, l + 8, ... in order), so that the n
/// accumulators stay in registers; the tree of fewshot_hsum8, t[l] = p[l] + p[l + 4], then
/// (t[0] + t[2]) + (t[1] + t[3]), then runs across the partials. Partials with no block stay +0.
AVX2 static inline __attribute__((always_inline)) void tile_tokens(int kind, const tile_block *tile, long blocks,
                                                                   const token_block *tokens, int n, long count,
                                                                   float *y, long y_stride) {
    __m256 p[4][8];
    for (long l = 0; l < 8; l++) {
        __m256 a[4];
        for (int t = 0; t < 4; t++) a[t] = _mm256_setzero_ps();
        for (long b = l; b < blocks; b += 8) {
            __m256i isum[4];
            block_isums(kind, tile + b, tokens + b, n, isum);
            for (int t = 0; t < n; t++)
                a[t] = add_block(kind, isum[t], tile[b].d, tile[b].offset, tokens[b].scales[t], tokens[b].sums[t],
                                 a[t]);
        }
        for (int t = 0; t < n; t++) p[t][l] = a[t];
    }
    const __m256i mask = fewshot_tail_mask(count);
    for (int t = 0; t < n; t++) {
        const __m256 t0 = _mm256_add_ps(p[t][0], p[t][4]), t1 = _mm256_add_ps(p[t][1], p[t][5]);
        const __m256 t2 = _mm256_add_ps(p[t][2], p[t][6]), t3 = _mm256_add_ps(p[t][3], p[t][7]);
        const __m256 sum = _mm256_add_ps(_mm256_add_ps(t0, t2), _mm256_add_ps(t1, t3));
        if (count == 8)
            _mm256_storeu_ps(y + t * y_stride, sum);
        else
            _mm256_maskstore_ps(y + t * y_stride, mask, sum);
    }
}

/// One block's 32 weight integers as unsigned bytes, with `sign` the bytes whose signs move onto
/// x (Q8_0, as in block_isums; Q4 nibbles need none).
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
/// products to `acc` (lane i: block b + i, so partial b % 8 of the specification), straight from
/// the row's blocks: each block's 8 partial integer sums are summed across by fold2 and fold4,
/// then the Float steps are add_block's.
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

/// One row's product with one token, straight from its blocks (rearranging a tile would cost
/// more than it saves for a single token). Full groups pass a constant count, so their branches fold.
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

/// Bytes of rearranged blocks kept on the stack (worker threads have 1 MiB); more use the heap.
enum { STACK_BYTES = 1 << 16 };

/// Rows [first, last) times every token. One token goes straight through row_single. Otherwise
/// the tokens' blocks are first gathered in groups of four (token_block), then the rows go in
/// tiles of 8: each tile's blocks are rearranged once, then meet the groups one by one.
AVX2 static inline __attribute__((always_inline)) void rows_tokens(
    int kind, const void *data, size_t row_bytes, long first, long last, const signed char *xq,
    const float *x_scales, const float *block_sums, long blocks, long tokens, float *y, long y_stride) {
    const long block_bytes = kind == 0 ? 20 : kind == 1 ? 18 : 34;
    if (tokens == 1) {
        for (long r = first; r < last; r++)
            y[r] = row_single(kind, (const uint8_t *)data + r * row_bytes, blocks, xq, x_scales, block_sums);
        return;
    }
    const long groups = (tokens + 3) / 4;
    const size_t bytes = (size_t)blocks * (sizeof(tile_block) + (size_t)groups * sizeof(token_block));
    _Alignas(32) uint8_t small[STACK_BYTES];
    uint8_t *storage = bytes <= STACK_BYTES ? small : aligned_alloc(32, (bytes + 31) / 32 * 32);
    if (!storage) abort();
    tile_block *tile = (tile_block *)storage;
    token_block *acts = (token_block *)(tile + blocks);
    for (long t = 0; t < tokens; t++)
        for (long b = 0; b < blocks; b++) {
            token_block *tb = acts + (t / 4) * blocks + b;
            memcpy(tb->x[t % 4], xq + (t * blocks + b) * 32, 32);
            tb->scales[t % 4] = x_scales[t * blocks + b];
            tb->sums[t % 4] = block_sums[t * blocks + b];
        }
    // The next tile's bytes are prefetched a few cache lines per block (rows read block by block
    // are too many streams for the hardware prefetchers to follow, and a burst of prefetches
    // stalls).
    const long per_block = (8 * (long)row_bytes + 64 * blocks - 1) / (64 * blocks) * 64;
    for (long r = first; r < last; r += 8) {
        const long count = last - r < 8 ? last - r : 8;
        const uint8_t *rows = (const uint8_t *)data + r * row_bytes;
        const long next_bytes = r + 8 < last ? (last - r - 8 < 8 ? last - r - 8 : 8) * (long)row_bytes : 0;
        for (long b = 0; b < blocks; b++) {
            for (long at = b * per_block; at < (b + 1) * per_block && at < next_bytes; at += 64)
                _mm_prefetch((const char *)(rows + 8 * row_bytes + at), _MM_HINT_T0);
            // A full tile passes a constant count, so that its branches fold.
            if (count == 8)
                repack_block(kind, rows + b * block_bytes, row_bytes, 8, tile[b].w, &tile[b].d, &tile[b].offset);
            else
                repack_block(kind, rows + b * block_bytes, row_bytes, count, tile[b].w, &tile[b].d, &tile[b].offset);
        }
        for (long g = 0; g < groups; g++) {
            const long n = tokens - 4 * g < 4 ? tokens - 4 * g : 4;
            const token_block *group = acts + g * blocks;
            float *yg = y + 4 * g * y_stride + r;
            if (n == 4)
                tile_tokens(kind, tile, blocks, group, 4, count, yg, y_stride);
            else if (n == 3)
                tile_tokens(kind, tile, blocks, group, 3, count, yg, y_stride);
            else if (n == 2)
                tile_tokens(kind, tile, blocks, group, 2, count, yg, y_stride);
            else
                tile_tokens(kind, tile, blocks, group, 1, count, yg, y_stride);
        }
    }
    if (storage != small) free(storage);
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
