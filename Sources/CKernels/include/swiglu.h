// The Llama feed-forward's elementwise step, with AVX2: gate[i] = gate[i] / (1 + exp(-gate[i]))
// * up[i] for i < n, each operation rounded in that order (no fused multiply-add; exp is
// fewshot's, as Reproducible.exp), so the bits are those of Tensor's portable path (SwiGLU).
// Call only when fewshot_cpu_has_avx2_fma() is true.
#ifndef FEWSHOT_SWIGLU_H
#define FEWSHOT_SWIGLU_H

/// gate = silu(gate) * up over n values, in place.
void fewshot_swiglu(float *gate, const float *up, long n);

#endif
