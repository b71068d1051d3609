// Matrix-vector products straight from ggml's quantised blocks, with AVX2.
//
// Every function computes y[r] = dot(row r, x) for r in [first, last) of a row-major matrix
// whose rows are `row_bytes` apart, and whose `blocks` blocks of 32 weights per row match the
// GGUF layout. Each product follows one specification, shared with the portable Swift path
// (Tensor's QuantizedDot), so both give the same bits on any CPU and for any split of the rows
// across threads. No product fuses a multiply with an add (this file's kernels are compiled
// without contraction), and sums of integers are exact, so only the Float sums are ordered:
//
// - Float activations (fewshot_rows_f32, _f16, _q4_1, _q4_0, _q8_0): each weight is decoded
//   to Float (Q4_1: q * d + m, a product then a sum; Q4_0: (q - 8) * d; Q8_0: q * d; F16: the
//   exact half), and value j's product w_j * x_j (rounded) is added to partial sum j % 16,
//   in order from +0; the 16 partials are then summed in a fixed tree: s[l] = p[l] + p[l + 8],
//   t[l] = s[l] + s[l + 4], y = (t[0] + t[2]) + (t[1] + t[3]) (LaneSum in Tensor; here two
//   8-lane accumulators and fewshot_hsum8(lo + hi)).
// - 8-bit activations (fewshot_tiles_*_q8): x is first rounded to signed bytes per block of 32
//   (fewshot_quantize_q8), as llama.cpp does, each value off by up to half a rounding step
//   (max|x_block| / 254). For block b, isum_b is the exact integer dot of its 32 weight
//   integers (Q4: the nibbles 0...15; Q8_0: the signed bytes) with the 32 bytes of x, and
//   scale_b = d_w * d_x (one rounded product). Block b goes to Float partial b % 8:
//   p += scale_b * isum_b, then (Q4 only) p += offset_b * block_sum_b, where offset_b is m
//   (Q4_1) or -8 d (Q4_0) and block_sum_b the Float sum of x's block in order; each product is
//   rounded, then added; blocks in order from +0. y is the tree t[l] = p[l] + p[l + 4],
//   (t[0] + t[2]) + (t[1] + t[3]) (fewshot_hsum8).
// Declared on x86-64 only; call them only when fewshot_cpu_has_avx2_fma() is true.
#ifndef FEWSHOT_QUANTIZED_DOT_H
#define FEWSHOT_QUANTIZED_DOT_H

#include <stddef.h>

#if defined(__x86_64__)

/// Q4_1 rows (half d, half m, 16 bytes of nibbles: low nibbles are weights 0-15, high 16-31;
/// weight = q * d + m) times Float x.
void fewshot_rows_q4_1(const void *data, size_t row_bytes, long first, long last, const float *x, long blocks,
                       float *y);

/// Q4_0 rows (half d, 16 bytes of nibbles; weight = (q - 8) * d) times Float x.
void fewshot_rows_q4_0(const void *data, size_t row_bytes, long first, long last, const float *x, long blocks,
                       float *y);

/// Q8_0 rows (half d, 32 signed bytes; weight = q * d) times Float x.
void fewshot_rows_q8_0(const void *data, size_t row_bytes, long first, long last, const float *x, long blocks,
                       float *y);

/// Q4_1, Q4_0 and Q8_0 rows times the Float activations of `tokens` tokens (rows of
/// 32 * blocks values, back to back): y[t * y_stride + r] for every token t, each exactly the
/// single-token product above (a token's result never depends on the others). Each row of
/// weights is decoded once per call (per four tokens for rows of more than 6144 values).
void fewshot_rows_q4_1_tokens(const void *data, size_t row_bytes, long first, long last, const float *x,
                              long blocks, long tokens, float *y, long y_stride);
void fewshot_rows_q4_0_tokens(const void *data, size_t row_bytes, long first, long last, const float *x,
                              long blocks, long tokens, float *y, long y_stride);
void fewshot_rows_q8_0_tokens(const void *data, size_t row_bytes, long first, long last, const float *x,
                              long blocks, long tokens, float *y, long y_stride);

/// F16 rows of `columns` values (any count) times Float x.
void fewshot_rows_f16(const void *data, size_t row_bytes, long first, long last, const float *x, long columns,
                      float *y);

/// F32 rows of `columns` values (any count) times Float x.
void fewshot_rows_f32(const float *data, long first, long last, const float *x, long columns, float *y);

/// Rounds x (32 * blocks Floats) to signed bytes per block. amax is the maximum of |x| over
/// the block, taken as maxps does (a > b ? a : b) in the tree max(max(|x[0..8]|, |x[8..16]|),
/// max(|x[16..24]|, |x[24..32]|)) lane by lane, then lanes l and l + 4, l and l + 2, 0 and 1;
/// `scales[b]` = amax / 127; q = x * (127 / amax) (0 when amax is not positive) rounded to
/// nearest, ties to even, and clamped to -127...127 (NaN or out of range: -127).
void fewshot_quantize_q8(const float *x, long blocks, signed char *q, float *scales);

/// Rows [first, last) (any range) of a Q4_1 matrix, from its tiles (fewshot_tiles_q4_1 in
/// quantized_tiles.h), times the 8-bit activations of `tokens` tokens (from fewshot_quantize_q8,
/// one row of 32 * blocks bytes and `blocks` scales and Float block sums per token, back to
/// back): y[t * y_stride + r] for every token t (a token's result never depends on the
/// others). Each tile of 8 rows meets the tokens four at a time; a tile cut by the range
/// computes its 8 rows and stores only the range's.
void fewshot_tiles_q4_1_q8(const void *tiles, long first, long last, const signed char *xq, const float *x_scales,
                           const float *block_sums, long blocks, long tokens, float *y, long y_stride);

/// Q4_0 tiles (fewshot_tiles_q4_0) times 8-bit activations, as above.
void fewshot_tiles_q4_0_q8(const void *tiles, long first, long last, const signed char *xq, const float *x_scales,
                           const float *block_sums, long blocks, long tokens, float *y, long y_stride);

/// Q8_0 tiles (fewshot_tiles_q8_0) times 8-bit activations, as above (block sums unused).
void fewshot_tiles_q8_0_q8(const void *tiles, long first, long last, const signed char *xq, const float *x_scales,
                           const float *block_sums, long blocks, long tokens, float *y, long y_stride);

#endif
#endif
