// fewshot's own single-precision GEMM, AVX2/FMA path. Call only when fewshot_cpu_has_avx2_fma().
//
// The accumulation order is part of the contract, so that every path (this one, the portable
// Swift one in Tensor/BLAS+Portable.swift, any wider one) gives bit-identical results:
//
//     for each element (i, j):  acc = C[i][j]
//                               for p = 0, 1, ..., k-1:  acc = fma(alpha * A[i][p], B[p][j], acc)
//                               C[i][j] = acc
//
// where A and B are op(A) and op(B) as passed, `alpha * A[i][p]` is rounded to float first (it
// is exact when alpha is 1), and fma rounds once. Blocking, packing, tiling and the split of
// C over threads never change that order: K-blocks store `acc` into C and load it again.
#ifndef FEWSHOT_GEMM_H
#define FEWSHOT_GEMM_H

/// C (m x n, row stride ldc) += alpha op(A) op(B) in the order above. op(A) is m x k: A as
/// stored is m x k (row stride lda), or k x m when transpose_a. op(B) is k x n: B is k x n
/// (row stride ldb), or n x k when transpose_b. With `start` (n values), every row of C starts
/// from them instead of from C's values, and C is only written (zeros: beta 0; a bias row).
/// Runs on the calling thread only.
void fewshot_sgemm_avx2(int transpose_a, int transpose_b, long m, long n, long k, float alpha, const float *a,
                        long lda, const float *b, long ldb, float *c, long ldc, const float *start);

/// The same product, then exact GELU (gelu_erf.h) on each value of C, applied to each register
/// tile as soon as its sums are complete (while it is in cache): the bits of the product followed
/// by fewshot_gelu_erf_forward.
void fewshot_sgemm_avx2_gelu_erf(int transpose_a, int transpose_b, long m, long n, long k, float alpha,
                                 const float *a, long lda, const float *b, long ldb, float *c, long ldc,
                                 const float *start);

/// The same product for one row of A (a GEMV, m = 1), in the same order: y (n values) +=
/// alpha x op(B), x holding k values. Streams B once instead of packing it.
void fewshot_sgemv_avx2(int transpose_b, long n, long k, float alpha, const float *x, const float *b, long ldb,
                        float *y);

#endif
