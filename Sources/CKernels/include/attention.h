// Causal self-attention of one head (one batch row, one head), forward and backward: the
// products run only over the causal triangle, in L1-sized loops, instead of as six
// general GEMM calls that also multiply the masked half.
// AVX2/FMA code: call only when fewshot_cpu_has_avx2_fma() is true, with hs a multiple of 8.
#ifndef FEWSHOT_ATTENTION_H
#define FEWSHOT_ATTENTION_H

/// Floats of scratch space either function needs for `t` positions of head size `hs`.
long fewshot_attention_scratch(long t, long hs);

/// att (t x t, row stride t) = softmax(scale * q k^T) over j <= i, zero after i;
/// y (t x hs, row stride ldy) = att v. q, k, v are t x hs with row stride `ld`.
void fewshot_attention_forward(const float *q, const float *k, const float *v, long ld, long t, long hs,
                               float scale, float *att, float *y, long ldy, float *scratch);

/// Gradients of the forward above, given its `att` and dy (t x hs, row stride lddy):
/// dq, dk, dv (row stride `ld`) are overwritten, or added into when `accumulate` is non-zero.
void fewshot_attention_backward(const float *q, const float *k, const float *v, long ld, const float *att,
                                const float *dy, long lddy, long t, long hs, float scale, float *dq, float *dk,
                                float *dv, int accumulate, float *scratch);

#endif
