// The portable paths' one primitive that needs the CPU's help: a fused multiply-add of a
// scalar and a row into a row. Safe on every CPU (it checks for FMA itself).
#ifndef FEWSHOT_AXPY_H
#define FEWSHOT_AXPY_H

/// y[j] = fma(a, x[j], y[j]) for j < n: one rounding per element, as IEEE 754 defines fma,
/// so the result is the same bits whether the CPU's FMA instruction or libm's fmaf computes it.
void fewshot_axpy_fma(long n, float a, const float *x, float *y);

#endif
