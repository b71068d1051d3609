// Products of quantised rows with 8-bit activations (the specification is in quantized_dot.h):
// the exact integer sums of 8 rows at once, scaled and added to 8 Float partial sums per row.
//
// Layout. The products read the matrix's tiles (quantized_tile.h, built once per matrix by
// quantized_tiles.c): 8 rows whose blocks are stored so that lane i of every register belongs to
// row i, register c holding weights 4c...4c+3 of each row's block, which meets bytes 4c...4c+3
// of x's block broadcast to every lane. Each multiply-add then adds to row i's sum in lane i, so
// no horizontal adds are needed; block b goes to the Float partial b % 8 of every lane, and the
// final tree of fewshot_hsum8 runs across the 8 partials lane by lane, giving 8 rows' results in
// one register. x is used as it is.
#include "quantized_dot.h"

#if defined(__x86_64__)

#include "avx2_helpers.h"
#include "quantized_tile.h"

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

/// Bytes 4c...4c+3 of `x` in every lane.
AVX2 static inline __m256i x_chunk(const uint8_t *x, int c) {
    int32_t v;
    memcpy(&v, x + 4 * c, 4);
    return _mm256_set1_epi32(v);
}

/// One block of up to 4 tokens' activations, side by side so that one pointer reaches them all:
/// token t's 32 bytes, scale and Float block sum.
typedef struct {
    int8_t x[4][32];
    float scales[4], sums[4];
} token_block;

/// Register c of a tile's block at `w` (quantized_tile.h): lane i holds weights 4c...4c+3 of
/// row i as unsigned bytes (Q4: the nibbles, split here) or signed ones (Q8_0).
AVX2 static inline __attribute__((always_inline)) __m256i tile_weights(int kind, const __m256i *w, int c) {
    if (kind == TILE_Q8_0) return _mm256_load_si256(w + c);
    const __m256i low = _mm256_set1_epi8(0x0F);
    if (c < 4) return _mm256_and_si256(_mm256_load_si256(w + c), low);
    return _mm256_and_si256(_mm256_srli_epi16(_mm256_load_si256(w + c - 4), 4), low);
}

/// Lane i: the exact integer sums of row i's 32 products in one block of a tile (`w`) with each
/// of `n` (1...4) tokens' 32 bytes of that block (`xb`). Chunk by chunk, so that each weight
/// register is loaded once for the n tokens. Q4: each maddubs lane pair is at most 2 * 15 * 127,
/// so the int16 sums over the 8 registers (at most 30,480) cannot overflow before the final
/// widening. Q8_0: maddubs takes unsigned by signed bytes, so each weight's sign moves onto x (x
/// is -127...127, never -128, so negating it is exact) and its magnitude (at most 128) is the
/// unsigned operand; the pairs (at most 2 * 128 * 127 = 32,512) are widened register by register.
AVX2 static inline __attribute__((always_inline)) void block_isums(int kind, const __m256i *w, const token_block *xb,
                                                                   int n, __m256i out[4]) {
    const __m256i ones = _mm256_set1_epi16(1);
    __m256i acc[4];
    for (int t = 0; t < 4; t++) acc[t] = _mm256_setzero_si256();
    for (int c = 0; c < 8; c++) {
        const __m256i wc = tile_weights(kind, w, c);
        if (kind == TILE_Q8_0) {
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
    for (int t = 0; t < n; t++) out[t] = kind == TILE_Q8_0 ? acc[t] : _mm256_madd_epi16(acc[t], ones);
}

/// Adds one block's integer sums `isum` of 8 rows (with their `d` and `offset`) to one token's
/// partial sums (lane i: row i): p += scale_b * isum_b, then (Q4) p += offset_b * block_sum_b.
AVX2 static inline __attribute__((always_inline)) __m256 add_block(int kind, __m256i isum, __m256 d, __m256 offset,
                                                                   float x_scale, float block_sum, __m256 acc) {
    const __m256 scale = _mm256_mul_ps(d, _mm256_set1_ps(x_scale));
    acc = _mm256_add_ps(acc, _mm256_mul_ps(scale, _mm256_cvtepi32_ps(isum)));
    if (kind != TILE_Q8_0) acc = _mm256_add_ps(acc, _mm256_mul_ps(offset, _mm256_set1_ps(block_sum)));
    return acc;
}

/// A tile's products (its blocks at `tile`, in the layout's order) with `n` (1...4) tokens (their
/// blocks at `tokens`): token t's result for the tile's row i goes to y[t * y_stride + i] for the
/// lanes i set in `lanes` (all 8 when `whole`). Each lane's 8 Float partials are built one at a time (partial l from
/// blocks l, l + 8, ... in order), so that the n accumulators stay in registers; the tree of
/// fewshot_hsum8, t[l] = p[l] + p[l + 4], then (t[0] + t[2]) + (t[1] + t[3]), then runs across
/// the partials. Partials with no block stay +0.
AVX2 static inline __attribute__((always_inline)) void tile_tokens(int kind, const uint8_t *tile, long blocks,
                                                                   const token_block *tokens, int n, __m256i lanes,
                                                                   int whole, float *y, long y_stride) {
    const long registers = kind == TILE_Q8_0 ? 8 : 4;
    __m256 p[4][8];
    for (long l = 0; l < 8; l++) {
        __m256 a[4];
        for (int t = 0; t < 4; t++) a[t] = _mm256_setzero_ps();
        for (long b = l; b < blocks; b += 8, tile += tile_bytes(kind)) {
            const __m256i *w = (const __m256i *)tile;
            const float *heads = (const float *)(w + registers);
            const __m256 d = _mm256_load_ps(heads);
            const __m256 offset = kind == TILE_Q8_0 ? _mm256_setzero_ps() : _mm256_load_ps(heads + 8);
            __m256i isum[4];
            block_isums(kind, w, tokens + b, n, isum);
            for (int t = 0; t < n; t++)
                a[t] = add_block(kind, isum[t], d, offset, tokens[b].scales[t], tokens[b].sums[t], a[t]);
        }
        for (int t = 0; t < n; t++) p[t][l] = a[t];
    }
    for (int t = 0; t < n; t++) {
        const __m256 t0 = _mm256_add_ps(p[t][0], p[t][4]), t1 = _mm256_add_ps(p[t][1], p[t][5]);
        const __m256 t2 = _mm256_add_ps(p[t][2], p[t][6]), t3 = _mm256_add_ps(p[t][3], p[t][7]);
        const __m256 sum = _mm256_add_ps(_mm256_add_ps(t0, t2), _mm256_add_ps(t1, t3));
        if (whole)
            _mm256_storeu_ps(y + t * y_stride, sum);
        else
            _mm256_maskstore_ps(y + t * y_stride, lanes, sum);
    }
}

/// Token blocks kept on the stack (worker threads have 1 MiB); more use the heap.
enum { STACK_BYTES = 1 << 16 };

/// Rows [first, last) (any range) times every token, from the matrix's tiles. The tokens'
/// blocks are first gathered in groups of four (token_block), then each tile that holds rows of
/// the range meets the groups one by one; a tile cut by the range computes all its 8 rows and
/// stores the wanted ones.
AVX2 static inline __attribute__((always_inline)) void tiles_tokens(
    int kind, const void *tiles, long first, long last, const signed char *xq, const float *x_scales,
    const float *block_sums, long blocks, long tokens, float *y, long y_stride) {
    if (first >= last) return;
    const long groups = (tokens + 3) / 4;
    const size_t bytes = (size_t)blocks * (size_t)groups * sizeof(token_block);
    _Alignas(32) uint8_t small[STACK_BYTES];
    uint8_t *storage = bytes <= STACK_BYTES ? small : aligned_alloc(32, (bytes + 31) / 32 * 32);
    if (!storage) abort();
    token_block *acts = (token_block *)storage;
    for (long t = 0; t < tokens; t++)
        for (long b = 0; b < blocks; b++) {
            token_block *tb = acts + (t / 4) * blocks + b;
            memcpy(tb->x[t % 4], xq + (t * blocks + b) * 32, 32);
            tb->scales[t % 4] = x_scales[t * blocks + b];
            tb->sums[t % 4] = block_sums[t * blocks + b];
        }
    const __m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    for (long r = first / 8 * 8; r < last; r += 8) {
        const long lo = first > r ? first - r : 0, hi = last - r < 8 ? last - r : 8;
        // Lanes lo...hi - 1: index > lo - 1 and hi > index.
        const __m256i lanes = _mm256_and_si256(_mm256_cmpgt_epi32(index, _mm256_set1_epi32((int)lo - 1)),
                                               _mm256_cmpgt_epi32(_mm256_set1_epi32((int)hi), index));
        const int whole = lo == 0 && hi == 8;
        const uint8_t *tile = (const uint8_t *)tiles + (r / 8) * blocks * tile_bytes(kind);
        for (long g = 0; g < groups; g++) {
            const long n = tokens - 4 * g < 4 ? tokens - 4 * g : 4;
            const token_block *group = acts + g * blocks;
            float *yg = y + 4 * g * y_stride + r;
            if (n == 4)
                tile_tokens(kind, tile, blocks, group, 4, lanes, whole, yg, y_stride);
            else if (n == 3)
                tile_tokens(kind, tile, blocks, group, 3, lanes, whole, yg, y_stride);
            else if (n == 2)
                tile_tokens(kind, tile, blocks, group, 2, lanes, whole, yg, y_stride);
            else
                tile_tokens(kind, tile, blocks, group, 1, lanes, whole, yg, y_stride);
        }
    }
    if (storage != small) free(storage);
}

AVX2 void fewshot_tiles_q4_1_q8(const void *tiles, long first, long last, const signed char *xq,
                                const float *x_scales, const float *block_sums, long blocks, long tokens, float *y,
                                long y_stride) {
    tiles_tokens(TILE_Q4_1, tiles, first, last, xq, x_scales, block_sums, blocks, tokens, y, y_stride);
}

AVX2 void fewshot_tiles_q4_0_q8(const void *tiles, long first, long last, const signed char *xq,
                                const float *x_scales, const float *block_sums, long blocks, long tokens, float *y,
                                long y_stride) {
    tiles_tokens(TILE_Q4_0, tiles, first, last, xq, x_scales, block_sums, blocks, tokens, y, y_stride);
}

AVX2 void fewshot_tiles_q8_0_q8(const void *tiles, long first, long last, const signed char *xq,
                                const float *x_scales, const float *block_sums, long blocks, long tokens, float *y,
                                long y_stride) {
    tiles_tokens(TILE_Q8_0, tiles, first, last, xq, x_scales, block_sums, blocks, tokens, y, y_stride);
}

#endif
