// Softmax of one row, the inner loop of attention and of cross-entropy.
// AVX2 code: call only when fewshot_cpu_has_avx2_fma() is true. Bit-identical to the portable
// Swift path (the formula is written once in the .c file; no fused multiply-add).
#ifndef FEWSHOT_SOFTMAX_H
#define FEWSHOT_SOFTMAX_H

/// y = softmax(x) over `n` > 0 values, stable (shifted by the maximum); `y` may be `x`.
/// Returns log(sum(exp(x))), which cross-entropy needs.
float fewshot_softmax(const float *x, float *y, long n);

#endif
