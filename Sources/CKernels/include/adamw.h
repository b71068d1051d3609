// The AdamW update of one run of parameters, in one pass over weights, moments and gradients.
// AVX2 code: call only when fewshot_cpu_has_avx2_fma() is true. Bit-identical to the portable
// Swift path (the formula is written once in the .c file; no fused multiply-add).
#ifndef FEWSHOT_ADAMW_H
#define FEWSHOT_ADAMW_H

/// For i < n, as PyTorch's AdamW:
///   m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2
///   w = w * shrink - step_size * m / (sqrt(v) / bias2_sqrt + eps)
/// where shrink = 1 - lr * weight_decay (1 without decay), step_size = lr / (1 - beta1^t) and
/// bias2_sqrt = sqrt(1 - beta2^t).
void fewshot_adamw_update(float *w, float *m, float *v, const float *g, long n, float beta1, float beta2,
                          float step_size, float bias2_sqrt, float eps, float shrink);

#endif
