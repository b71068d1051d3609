// LayerNorm over rows of `c` values: forward and backward for a run of rows.
// AVX2 code: call only when fewshot_cpu_has_avx2_fma() is true. Bit-identical to the portable
// Swift path (the formula is written once in the .c file; no fused multiply-add).
#ifndef FEWSHOT_LAYER_NORM_H
#define FEWSHOT_LAYER_NORM_H

/// y = (x - mean) / sqrt(var + eps) * w + b for each of `rows` rows of `c` values; `b` may be
/// NULL (no shift). Saves each row's mean and 1/std for the backward pass.
void fewshot_layer_norm_forward(const float *x, const float *w, const float *b, float *y, float *mean,
                                float *rstd, long rows, long c, float eps);

/// Backward of the forward above for `rows` rows: dx from dy (overwritten, or added into when
/// `accumulate` is nonzero), and the rows' contributions to the weight and bias gradients added
/// into `dw` and `db` (`c` values each).
void fewshot_layer_norm_backward(const float *x, const float *w, const float *mean, const float *rstd,
                                 const float *dy, float *dx, float *dw, float *db, long rows, long c,
                                 int accumulate);

#endif
