// Products of quantised rows with Float activations (the specification is in quantized_dot.h):
// weights decoded to Float (in registers for one token; for several, once per row into an L1
// buffer that every token then reads), products added to 16 partial sums (two accumulators).
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

/// Masks of byte shuffles (vpshufb, within each 128-bit lane; -1 gives a zero byte): with the
/// same 16 bytes in both lanes, SPREAD(0), SPREAD(4) puts bytes 0-7 in the low byte of the 8
/// int32 lanes (SPREAD(8), SPREAD(12): bytes 8-15), SPREAD_TOP in their top byte. One
/// shuffle instead of a widening vpmovzxbd, which takes two micro-ops on Zen 3.
#define SPREAD(a) a, -1, -1, -1, a + 1, -1, -1, -1, a + 2, -1, -1, -1, a + 3, -1, -1, -1
#define SPREAD_TOP(a) -1, -1, -1, a, -1, -1, -1, a + 1, -1, -1, -1, a + 2, -1, -1, -1, a + 3

/// The 32 weights of one block decoded to Float in `w` (values 0-7, 8-15, 16-23, 24-31):
/// `kind` 0 for Q4_1 (d, m, nibbles; q * d + m), 1 for Q4_0 (d, nibbles; (q - 8) * d), 2 for
/// Q8_0 (d, signed bytes; q * d). Integers become Floats exactly, and so do the halves.
AVX2 static inline __attribute__((always_inline)) void decode_block(int kind, const uint8_t *block, __m256 w[4]) {
    if (kind == 2) {
        const __m256 d = _mm256_cvtph_ps(_mm_set1_epi16((short)(block[0] | block[1] << 8)));
        const __m256i low = _mm256_setr_epi8(SPREAD_TOP(0), SPREAD_TOP(4));
        const __m256i high = _mm256_setr_epi8(SPREAD_TOP(8), SPREAD_TOP(12));
        for (int i = 0; i < 2; i++) {
            // The byte in the top of each int32, then an arithmetic shift: the signed value.
            const __m256i q = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(block + 2 + 16 * i)));
            w[2 * i] = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_srai_epi32(_mm256_shuffle_epi8(q, low), 24)), d);
            w[2 * i + 1] = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_srai_epi32(_mm256_shuffle_epi8(q, high), 24)), d);
        }
        return;
    }
    const __m256i q = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(block + (kind == 0 ? 4 : 2))));
    const __m256i a = _mm256_shuffle_epi8(q, _mm256_setr_epi8(SPREAD(0), SPREAD(4)));
    const __m256i b = _mm256_shuffle_epi8(q, _mm256_setr_epi8(SPREAD(8), SPREAD(12)));
    const __m256i mask = _mm256_set1_epi32(0x0F);
    w[0] = _mm256_cvtepi32_ps(_mm256_and_si256(a, mask));
    w[1] = _mm256_cvtepi32_ps(_mm256_and_si256(b, mask));
    w[2] = _mm256_cvtepi32_ps(_mm256_srli_epi32(a, 4));
    w[3] = _mm256_cvtepi32_ps(_mm256_srli_epi32(b, 4));
    if (kind == 0) {
        // d and m side by side, as [d, m, d, m, ...]; then each alone in every lane.
        uint32_t dm_bits;
        memcpy(&dm_bits, block, 4);
        const __m256 dm = _mm256_cvtph_ps(_mm_set1_epi32((int)dm_bits));
        const __m256 d = _mm256_permute_ps(dm, 0x00), m = _mm256_permute_ps(dm, 0x55);
        for (int i = 0; i < 4; i++) w[i] = _mm256_add_ps(_mm256_mul_ps(w[i], d), m);
    } else {
        const __m256 d = _mm256_cvtph_ps(_mm_set1_epi16((short)(block[0] | block[1] << 8)));
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

/// Rows [first, last) times `tokens` tokens, each block decoded in registers once per four
/// tokens: y[t * y_stride + r]. Runs of 16 rows meet runs of four tokens, so that both stay in
/// L1 while they are multiplied; the order of the runs never changes a sum. For one token, and
/// for rows too long for `many_tokens`' buffer.
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

/// `nr` (1 to 4) decoded rows (`w`, rows `columns` apart) times `nt` (1 to 3) tokens of x (rows
/// `columns` apart), with nr * nt <= 6: y[t * y_stride + r]. Each product keeps its own two
/// accumulators (values j % 16 < 8 and >= 8) in registers, 12 of the 16 at most, and adds in
/// the specification's order; each vector of weights or x is loaded once per 8 values for every
/// token or row that uses it.
AVX2 static inline __attribute__((always_inline)) void tile(int nr, int nt, const float *w, const float *x,
                                                            long columns, float *y, long y_stride) {
    __m256 acc[4][3][2];
    for (int r = 0; r < nr; r++)
        for (int t = 0; t < nt; t++) acc[r][t][0] = acc[r][t][1] = _mm256_setzero_ps();
    for (long c = 0; c < columns; c += 16) {
        for (int h = 0; h < 2; h++) {
            __m256 wv[4];
            for (int r = 0; r < nr; r++) wv[r] = _mm256_loadu_ps(w + r * columns + c + 8 * h);
            for (int t = 0; t < nt; t++) {
                const __m256 xv = _mm256_loadu_ps(x + t * columns + c + 8 * h);
                for (int r = 0; r < nr; r++) acc[r][t][h] = _mm256_add_ps(acc[r][t][h], _mm256_mul_ps(wv[r], xv));
            }
        }
    }
    for (int r = 0; r < nr; r++)
        for (int t = 0; t < nt; t++) y[t * y_stride + r] = fewshot_hsum8(_mm256_add_ps(acc[r][t][0], acc[r][t][1]));
}

/// `n` decoded rows (`w`, `columns` apart) times `nt` (1 to 3) tokens of x: y[t * y_stride + r].
/// Rows go two at a time with three or two tokens, four at a time with one (so that eight
/// sums in flight hide the latency of the adds).
AVX2 static inline __attribute__((always_inline)) void rows_times(int nt, long n, const float *w, const float *x,
                                                                  long columns, float *y, long y_stride) {
    long r = 0;
    if (nt == 1)
        for (; r + 4 <= n; r += 4) tile(4, 1, w + r * columns, x, columns, y + r, y_stride);
    for (; r + 2 <= n; r += 2) tile(2, nt, w + r * columns, x, columns, y + r, y_stride);
    if (r < n) tile(1, nt, w + r * columns, x, columns, y + r, y_stride);
}

/// Floats of decoded weights `many_tokens` keeps on the stack (48 KiB: up to 16 rows; 16 KiB
/// and 32 KiB measured slower for rows of 1536 values on Zen 3).
#define DECODED_FLOATS 12288

/// Rows [first, last) times `tokens` tokens: each run of rows is decoded to Float once (the
/// values `decode_block` gives, stored), then meets the tokens three at a time in 2 x 3 tiles
/// of products, so decoding costs once per row instead of once per four tokens, and the adds
/// and multiplies of the tiles fill Zen 3's four Float pipes. Rows of more than
/// DECODED_FLOATS / 2 values go to `block_rows`, and so do four tokens of Q4_0 or Q8_0 rows.
AVX2 static inline __attribute__((always_inline)) void many_tokens(int kind, const void *data, size_t row_bytes,
                                                                   long first, long last, const float *x,
                                                                   long blocks, long tokens, float *y,
                                                                   long y_stride) {
    const long columns = 32 * blocks;
    // Four tokens of Q4_0 or Q8_0 rows: decoding in registers for all four at once (which
    // needs fewer registers than Q4_1's, so nothing spills) beats storing the decoded rows.
    if (columns == 0 || 2 * columns > DECODED_FLOATS || (kind != 0 && tokens == 4)) {
        block_rows(kind, data, row_bytes, first, last, x, blocks, tokens, y, y_stride);
        return;
    }
    const long block_bytes = kind == 0 ? 20 : kind == 1 ? 18 : 34;
    long run = DECODED_FLOATS / columns;
    run = run > 16 ? 16 : run - run % 2;
    float decoded[DECODED_FLOATS] __attribute__((aligned(32)));
    for (long r0 = first; r0 < last; r0 += run) {
        const long n = last - r0 < run ? last - r0 : run;
        for (long r = 0; r < n; r++) {
            const uint8_t *row = (const uint8_t *)data + (r0 + r) * row_bytes;
            float *out = decoded + r * columns;
            for (long b = 0; b < blocks; b++, row += block_bytes, out += 32) {
                __m256 wv[4];
                decode_block(kind, row, wv);
                for (int i = 0; i < 4; i++) _mm256_store_ps(out + 8 * i, wv[i]);
            }
        }
        // Tokens three at a time, the last four as two pairs.
        for (long t = 0; t < tokens;) {
            const long left = tokens - t, nt = left == 4 || left == 2 ? 2 : left == 1 ? 1 : 3;
            const float *xt = x + t * columns;
            float *yt = y + t * y_stride + r0;
            if (nt == 3) rows_times(3, n, decoded, xt, columns, yt, y_stride);
            else if (nt == 2) rows_times(2, n, decoded, xt, columns, yt, y_stride);
            else rows_times(1, n, decoded, xt, columns, yt, y_stride);
            t += nt;
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
    many_tokens(0, data, row_bytes, first, last, x, blocks, tokens, y, y_stride);
}

AVX2 void fewshot_rows_q4_0_tokens(const void *data, size_t row_bytes, long first, long last, const float *x,
                                   long blocks, long tokens, float *y, long y_stride) {
    many_tokens(1, data, row_bytes, first, last, x, blocks, tokens, y, y_stride);
}

AVX2 void fewshot_rows_q8_0_tokens(const void *data, size_t row_bytes, long first, long last, const float *x,
                                   long blocks, long tokens, float *y, long y_stride) {
    many_tokens(2, data, row_bytes, first, last, x, blocks, tokens, y, y_stride);
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
