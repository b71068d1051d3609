// GELU in its tanh form (GPT-2's), forward and backward over a flat run of values.
// AVX2 code: call only when fewshot_cpu_has_avx2_fma() is true. Bit-identical to the portable
// Swift path (the formula is written once in the .c file; no fused multiply-add).
#ifndef FEWSHOT_GELU_H
#define FEWSHOT_GELU_H

/// y[i] = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) for i < n; the tanh values go to
/// `tanh_out` for the backward pass.
void fewshot_gelu_forward(const float *x, float *y, float *tanh_out, long n);

/// dx[i] = dy[i] * GELU'(x[i]), from the forward's tanh values. With `accumulate` nonzero the
/// result is added into dx, otherwise dx is overwritten (it may then alias dy).
void fewshot_gelu_backward(const float *x, const float *tanh_in, const float *dy, float *dx, long n,
                           int accumulate);

#endif
