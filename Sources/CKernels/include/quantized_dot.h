// Matrix-vector products straight from ggml's quantised blocks, with AVX2 and FMA.
//
// Every function computes y[r] = dot(row r, x) for r in [first, last) of a row-major matrix
// whose rows are `row_bytes` apart, and whose `blocks` blocks of 32 weights per row match the
// GGUF layout. Two kinds:
// - Float activations (fewshot_rows_*): each block is widened to Float and multiplied with FMA,
//   so results equal a product with the dequantised row up to the order of the additions.
// - 8-bit activations (fewshot_rows_*_q8): x is first rounded to signed bytes per block of 32
//   (fewshot_quantize_q8), then blocks multiply as integers, as llama.cpp does: faster, with
//   each value of x off by up to half a rounding step (max|x_block| / 254).
// Declared on x86-64 only; call them only when fewshot_cpu_has_avx2_fma() is true.
#ifndef FEWSHOT_QUANTIZED_DOT_H
#define FEWSHOT_QUANTIZED_DOT_H

#include <stddef.h>

#if defined(__x86_64__)

/// Q4_1 rows (half d, half m, 16 bytes of nibbles: low nibbles are weights 0-15, high 16-31;
/// weight = q * d + m). `block_sums[b]` is the sum of x[32b ..< 32b+32], which carries m.
void fewshot_rows_q4_1(const void *data, size_t row_bytes, long first, long last, const float *x,
                       const float *block_sums, long blocks, float *y);

/// Q4_0 rows (half d, 16 bytes of nibbles; weight = (q - 8) * d), with block sums of x as above.
void fewshot_rows_q4_0(const void *data, size_t row_bytes, long first, long last, const float *x,
                       const float *block_sums, long blocks, float *y);

/// Q8_0 rows (half d, 32 signed bytes; weight = q * d).
void fewshot_rows_q8_0(const void *data, size_t row_bytes, long first, long last, const float *x,
                       long blocks, float *y);

/// Rounds x (32 * blocks Floats) to signed bytes per block: q = round(x / d) with
/// d = max|x| / 127 stored in `scales[b]` (0 for an all-zero block).
void fewshot_quantize_q8(const float *x, long blocks, signed char *q, float *scales);

/// Q4_1 rows times the 8-bit activations of `tokens` tokens (from fewshot_quantize_q8, one row
/// of 32 * blocks bytes and `blocks` scales and Float block sums per token, back to back):
/// y[t * y_stride + r] for every token t. Each weight block is decoded once per four tokens.
/// The offsets m multiply the exact Float `block_sums` of x.
void fewshot_rows_q4_1_q8(const void *data, size_t row_bytes, long first, long last, const signed char *xq,
                          const float *x_scales, const float *block_sums, long blocks, long tokens, float *y,
                          long y_stride);

/// Q4_0 rows times 8-bit activations, as above; the -8 offsets multiply the exact block sums.
void fewshot_rows_q4_0_q8(const void *data, size_t row_bytes, long first, long last, const signed char *xq,
                          const float *x_scales, const float *block_sums, long blocks, long tokens, float *y,
                          long y_stride);

/// Q8_0 rows times 8-bit activations, as above (block sums unused).
void fewshot_rows_q8_0_q8(const void *data, size_t row_bytes, long first, long last, const signed char *xq,
                          const float *x_scales, const float *block_sums, long blocks, long tokens, float *y,
                          long y_stride);

/// F16 rows of `columns` values (any count), widened with F16C.
void fewshot_rows_f16(const void *data, size_t row_bytes, long first, long last, const float *x, long columns,
                      float *y);

/// F32 rows of `columns` values (any count; the tail past a multiple of 8 is scalar).
void fewshot_rows_f32(const float *data, long first, long last, const float *x, long columns, float *y);

#endif
#endif
