// e^x and tanh over a flat run of values: the 8-lane forms every kernel uses, exposed so tests
// can hold them to PortableMath's scalar functions bit for bit (and for elementwise ops).
// AVX2 code: call only when fewshot_cpu_has_avx2_fma() is true.
#ifndef FEWSHOT_VECTOR_MATH_H
#define FEWSHOT_VECTOR_MATH_H

/// y[i] = exp(x[i]) for i < n, bit-identical to `Reproducible.exp(Float)`; `y` may be `x`.
void fewshot_exp(const float *x, float *y, long n);

/// y[i] = tanh(x[i]) for i < n, bit-identical to `Reproducible.tanh(Float)`; `y` may be `x`.
void fewshot_tanh(const float *x, float *y, long n);

/// log(x) of one value, bit-identical to `Reproducible.log(Float)`.
float fewshot_log(float x);

#endif
