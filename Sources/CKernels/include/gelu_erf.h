// GELU in its exact (erf) form (BERT's), forward and backward over a flat run of values.
// AVX2 code: call only when fewshot_cpu_has_avx2_fma() is true. Bit-identical to the portable
// Swift path (GELUErfKernel); the formula is written in gelu_erf.c, with no fused multiply-add.
#ifndef FEWSHOT_GELU_ERF_H
#define FEWSHOT_GELU_ERF_H

/// y[i] = x Phi(x) with Phi(x) = 0.5 (1 + erf(x / sqrt 2)), erf by Abramowitz and Stegun
/// 7.1.26; the Phi values go to `cdf_out` for the backward pass (none when it is NULL).
void fewshot_gelu_erf_forward(const float *x, float *y, float *cdf_out, long n);

/// The forward in place over a block of `rows` x `cols` values (row stride ldc), keeping no Phi:
/// a GEMM's output tile while it is still in cache (gemm.h's fewshot_sgemm_avx2_gelu_erf).
void fewshot_gelu_erf_block(float *c, long ldc, long rows, long cols);

/// dx[i] = dy[i] (Phi(x) + x exp(-x^2 / 2) / sqrt(2 pi)), from the forward's Phi values. With
/// `accumulate` nonzero the result is added into dx, otherwise dx is overwritten.
void fewshot_gelu_erf_backward(const float *x, const float *cdf_in, const float *dy, float *dx, long n,
                               int accumulate);

#endif
