// Bidirectional self-attention of one head over one sequence (BERT's), forward only: the two
// products and the row softmaxes in L1-sized loops, with no packing and no edge copies.
// AVX2/FMA code: call only when fewshot_cpu_has_avx2_fma() is true, with hs a multiple of 8.
//
// The bits are those of the GEMM route (gemm.h's order, the same on every path):
//   s[i][j] = fma chain over d = 0, 1, ... of (scale * q[i][d]) k[j][d], from 0, the product
//             scale * q[i][d] rounded to float first;
//   p[i]    = fewshot_softmax(s[i][0 ..< l]);
//   y[i][c] = fma chain over j = 0, 1, ... of p[i][j] v[j][c], from 0.
#ifndef FEWSHOT_BIDIRECTIONAL_ATTENTION_H
#define FEWSHOT_BIDIRECTIONAL_ATTENTION_H

/// Floats of scratch space the forward needs for `l` positions of head size `hs`.
long fewshot_bidirectional_attention_scratch(long l, long hs);

/// att (l x l, row stride l) = softmax(scale q k^T); y (l x hs, row stride ldy) = att v.
/// q, k, v are l x hs with row stride `ld`.
void fewshot_bidirectional_attention_forward(const float *q, const float *k, const float *v, long ld, long l,
                                             long hs, float scale, float *att, float *y, long ldy,
                                             float *scratch);

#endif
