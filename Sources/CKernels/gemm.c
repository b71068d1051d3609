// Packed, cache-blocked GEMM with a 6 x 16 register tile (BLIS's loop structure: jc, pc, ic,
// jr, ir). The accumulation order per element is fixed: see include/gemm.h.
#include "gemm.h"

#include <stdlib.h>
#include <string.h>

#include "avx2_math.h"
#include "gelu_erf.h"

// Register tile: MR rows of A by NR columns of B (12 accumulators of 8 lanes).
#define MR 6
#define NR 16
// Cache blocks: a KC x NR sliver of B stays in L1, an MC x KC block of A in L2, a KC x NC
// panel of B in L2/L3. (Measured on Zen 3: KC 512 and MC 96 run 3-5% faster than 256 and 120;
// the blocking never changes a result.)
#define KC 512
#define MC 96
#define NC 2048

/// The element (row, col) of op(X) for a matrix X stored with row stride ld.
static inline float element(const float *x, long ld, int transpose, long row, long col) {
    return transpose ? x[col * ld + row] : x[row * ld + col];
}

/// Packs alpha op(A)[i0 ..< i0+mc][p0 ..< p0+kc] as MR-row slivers: for each p, MR values of
/// consecutive rows; rows past m are zeros.
static void pack_a(const float *a, long lda, int transpose, long m, long i0, long mc, long p0, long kc,
                   float alpha, float *out) {
    float *const start = out;
    for (long ir = 0; ir < mc; ir += MR) {
        const long first = i0 + ir;
        long rows = mc - ir < MR ? mc - ir : MR;
        if (first + rows > m) rows = m > first ? m - first : 0;
        if (rows == MR && transpose) {
            // op(A)'s rows are A's columns: each p reads MR consecutive values.
            for (long p = 0; p < kc; p++, out += MR) memcpy(out, a + (p0 + p) * lda + first, MR * sizeof(float));
        } else if (rows == MR) {
            const float *r0 = a + first * lda + p0, *r1 = r0 + lda, *r2 = r1 + lda, *r3 = r2 + lda;
            const float *r4 = r3 + lda, *r5 = r4 + lda;
            for (long p = 0; p < kc; p++, out += MR) {
                out[0] = r0[p], out[1] = r1[p], out[2] = r2[p], out[3] = r3[p], out[4] = r4[p], out[5] = r5[p];
            }
        } else {
            for (long p = 0; p < kc; p++, out += MR) {
                for (long r = 0; r < MR; r++) out[r] = r < rows ? element(a, lda, transpose, first + r, p0 + p) : 0.0f;
            }
        }
    }
    if (alpha != 1.0f) {
        for (float *v = start; v < out; v++) *v = alpha * *v;
    }
}

/// Packs op(B)[p0 ..< p0+kc][j0 ..< j0+nc] as NR-column slivers: for each p, NR values of
/// consecutive columns; columns past nc are zeros.
static void pack_b(const float *b, long ldb, int transpose, long p0, long kc, long j0, long nc, float *out) {
    for (long jr = 0; jr < nc; jr += NR) {
        const long cols = nc - jr < NR ? nc - jr : NR;
        if (!transpose && cols == NR) {
            // A constant size: the copy is inlined (a call per 64 bytes cost ~2% of a BERT layer).
            for (long p = 0; p < kc; p++, out += NR) memcpy(out, b + (p0 + p) * ldb + j0 + jr, NR * sizeof(float));
        } else if (!transpose) {
            for (long p = 0; p < kc; p++) {
                const float *row = b + (p0 + p) * ldb + j0 + jr;
                memcpy(out, row, (size_t)cols * sizeof(float));
                for (long c = cols; c < NR; c++) out[c] = 0.0f;
                out += NR;
            }
        } else {
            for (long c = 0; c < NR; c++) {
                if (c < cols) {
                    const float *col = b + (j0 + jr + c) * ldb + p0;
                    for (long p = 0; p < kc; p++) out[p * NR + c] = col[p];
                } else {
                    for (long p = 0; p < kc; p++) out[p * NR + c] = 0.0f;
                }
            }
            out += kc * NR;
        }
    }
}

/// c (MR x NR, row stride ldc) = fma chain over kc packed steps, starting from c's values, or,
/// when `start` is given, from those NR values in every row (the first K block of a product
/// whose C starts as zeros or bias rows: C is then never read).
FEWSHOT_AVX2 static void kernel_6x16(long kc, const float *restrict ap, const float *restrict bp, float *c,
                                     long ldc, const float *start) {
    __m256 c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
    if (start) {
        c00 = c10 = c20 = c30 = c40 = c50 = _mm256_loadu_ps(start);
        c01 = c11 = c21 = c31 = c41 = c51 = _mm256_loadu_ps(start + 8);
    } else {
        c00 = _mm256_loadu_ps(c), c01 = _mm256_loadu_ps(c + 8);
        c10 = _mm256_loadu_ps(c + ldc), c11 = _mm256_loadu_ps(c + ldc + 8);
        c20 = _mm256_loadu_ps(c + 2 * ldc), c21 = _mm256_loadu_ps(c + 2 * ldc + 8);
        c30 = _mm256_loadu_ps(c + 3 * ldc), c31 = _mm256_loadu_ps(c + 3 * ldc + 8);
        c40 = _mm256_loadu_ps(c + 4 * ldc), c41 = _mm256_loadu_ps(c + 4 * ldc + 8);
        c50 = _mm256_loadu_ps(c + 5 * ldc), c51 = _mm256_loadu_ps(c + 5 * ldc + 8);
    }
#pragma clang loop unroll_count(4)
    for (long p = 0; p < kc; p++) {
        const __m256 b0 = _mm256_loadu_ps(bp), b1 = _mm256_loadu_ps(bp + 8);
        __m256 a = _mm256_broadcast_ss(ap);
        c00 = _mm256_fmadd_ps(a, b0, c00);
        c01 = _mm256_fmadd_ps(a, b1, c01);
        a = _mm256_broadcast_ss(ap + 1);
        c10 = _mm256_fmadd_ps(a, b0, c10);
        c11 = _mm256_fmadd_ps(a, b1, c11);
        a = _mm256_broadcast_ss(ap + 2);
        c20 = _mm256_fmadd_ps(a, b0, c20);
        c21 = _mm256_fmadd_ps(a, b1, c21);
        a = _mm256_broadcast_ss(ap + 3);
        c30 = _mm256_fmadd_ps(a, b0, c30);
        c31 = _mm256_fmadd_ps(a, b1, c31);
        a = _mm256_broadcast_ss(ap + 4);
        c40 = _mm256_fmadd_ps(a, b0, c40);
        c41 = _mm256_fmadd_ps(a, b1, c41);
        a = _mm256_broadcast_ss(ap + 5);
        c50 = _mm256_fmadd_ps(a, b0, c50);
        c51 = _mm256_fmadd_ps(a, b1, c51);
        ap += MR;
        bp += NR;
    }
    _mm256_storeu_ps(c, c00), _mm256_storeu_ps(c + 8, c01);
    _mm256_storeu_ps(c + ldc, c10), _mm256_storeu_ps(c + ldc + 8, c11);
    _mm256_storeu_ps(c + 2 * ldc, c20), _mm256_storeu_ps(c + 2 * ldc + 8, c21);
    _mm256_storeu_ps(c + 3 * ldc, c30), _mm256_storeu_ps(c + 3 * ldc + 8, c31);
    _mm256_storeu_ps(c + 4 * ldc, c40), _mm256_storeu_ps(c + 4 * ldc + 8, c41);
    _mm256_storeu_ps(c + 5 * ldc, c50), _mm256_storeu_ps(c + 5 * ldc + 8, c51);
}

/// One register tile of C at `c` with `rows` x `cols` valid entries: whole tiles run in place,
/// edge tiles through a full-size copy (the padding lanes compute on packed zeros). `start`
/// (NR values, or NULL) as in kernel_6x16.
FEWSHOT_AVX2 static void tile(long kc, const float *ap, const float *bp, float *c, long ldc, long rows,
                              long cols, const float *start) {
    if (rows == MR && cols == NR) {
        kernel_6x16(kc, ap, bp, c, ldc, start);
        return;
    }
    float edge[MR * NR] = {0}, first[NR] = {0};
    if (start) memcpy(first, start, (size_t)cols * sizeof(float));
    for (long r = 0; r < rows && !start; r++) memcpy(edge + r * NR, c + r * ldc, (size_t)cols * sizeof(float));
    kernel_6x16(kc, ap, bp, edge, NR, start ? first : NULL);
    for (long r = 0; r < rows; r++) memcpy(c + r * ldc, edge + r * NR, (size_t)cols * sizeof(float));
}

/// A per-thread scratch buffer of at least `count` floats (grown, never shrunk).
static float *scratch(float **buffer, long *capacity, long count) {
    if (*capacity < count) {
        free(*buffer);
        *buffer = aligned_alloc(64, (size_t)((count * sizeof(float) + 63) / 64 * 64));
        *capacity = *buffer ? count : 0;
    }
    return *buffer;
}

static _Thread_local float *packed_a_buffer, *packed_b_buffer;
static _Thread_local long packed_a_capacity, packed_b_capacity;

/// The product of fewshot_sgemm_avx2, then GELU on each finished tile when `gelu` is set.
FEWSHOT_AVX2 static void sgemm(int transpose_a, int transpose_b, long m, long n, long k, float alpha, const float *a,
                               long lda, const float *b, long ldb, float *c, long ldc, const float *start, int gelu) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0) {
        for (long i = 0; start && i < m; i++) memcpy(c + i * ldc, start, (size_t)n * sizeof(float));
        if (gelu) fewshot_gelu_erf_block(c, ldc, m, n);
        return;
    }
    const long kc_max = k < KC ? k : KC;
    const long mc_max = ((m < MC ? m : MC) + MR - 1) / MR * MR;
    const long nc_max = ((n < NC ? n : NC) + NR - 1) / NR * NR;
    float *packed_a = scratch(&packed_a_buffer, &packed_a_capacity, mc_max * kc_max);
    float *packed_b = scratch(&packed_b_buffer, &packed_b_capacity, nc_max * kc_max);
    if (!packed_a || !packed_b) abort();
    for (long jc = 0; jc < n; jc += NC) {
        const long nc = n - jc < NC ? n - jc : NC;
        for (long pc = 0; pc < k; pc += KC) {
            const long kc = k - pc < KC ? k - pc : KC;
            pack_b(b, ldb, transpose_b, pc, kc, jc, nc, packed_b);
            for (long ic = 0; ic < m; ic += MC) {
                const long mc = m - ic < MC ? m - ic : MC;
                pack_a(a, lda, transpose_a, m, ic, mc, pc, kc, alpha, packed_a);
                for (long jr = 0; jr < nc; jr += NR) {
                    const long cols = nc - jr < NR ? nc - jr : NR;
                    for (long ir = 0; ir < mc; ir += MR) {
                        const long rows = mc - ir < MR ? mc - ir : MR;
                        float *out = c + (ic + ir) * ldc + jc + jr;
                        tile(kc, packed_a + ir * kc, packed_b + jr * kc, out, ldc, rows, cols,
                             pc == 0 && start ? start + jc + jr : NULL);
                        if (gelu && pc + kc == k) fewshot_gelu_erf_block(out, ldc, rows, cols);
                    }
                }
            }
        }
    }
}

FEWSHOT_AVX2 void fewshot_sgemm_avx2(int transpose_a, int transpose_b, long m, long n, long k, float alpha,
                                     const float *a, long lda, const float *b, long ldb, float *c, long ldc,
                                     const float *start) {
    sgemm(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, c, ldc, start, 0);
}

FEWSHOT_AVX2 void fewshot_sgemm_avx2_gelu_erf(int transpose_a, int transpose_b, long m, long n, long k, float alpha,
                                              const float *a, long lda, const float *b, long ldb, float *c, long ldc,
                                              const float *start) {
    sgemm(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, c, ldc, start, 1);
}

/// y[j] += sum over p of x[p] b[p][j] for B stored k x n: one row of B per step, added into
/// all of y with fused multiply-adds (each y[j]'s chain runs p = 0, 1, ...).
FEWSHOT_AVX2 static void gemv_rows(long n, long k, const float *x, const float *b, long ldb, float *y) {
    for (long p = 0; p < k; p++) {
        const __m256 a = _mm256_set1_ps(x[p]);
        const float *row = b + p * ldb;
        long j = 0;
        for (; j + 8 <= n; j += 8)
            _mm256_storeu_ps(y + j, _mm256_fmadd_ps(a, _mm256_loadu_ps(row + j), _mm256_loadu_ps(y + j)));
        for (; j < n; j++) y[j] = __builtin_fmaf(x[p], row[j], y[j]);
    }
}

/// y[j] += sum over p of x[p] w[j][p] for W stored n x k (op(B) = W^T): eight rows of W at a
/// time, each 8 x 8 block transposed in registers so that lane r carries row j + r's chain.
FEWSHOT_AVX2 static void gemv_columns(long n, long k, const float *x, const float *w, long ldw, float *y) {
    long j = 0;
    for (; j + 8 <= n; j += 8) {
        const float *r0 = w + j * ldw;
        __m256 acc = _mm256_loadu_ps(y + j);
        long p = 0;
        for (; p + 8 <= k; p += 8) {
            __m256 v0 = _mm256_loadu_ps(r0 + p), v1 = _mm256_loadu_ps(r0 + ldw + p);
            __m256 v2 = _mm256_loadu_ps(r0 + 2 * ldw + p), v3 = _mm256_loadu_ps(r0 + 3 * ldw + p);
            __m256 v4 = _mm256_loadu_ps(r0 + 4 * ldw + p), v5 = _mm256_loadu_ps(r0 + 5 * ldw + p);
            __m256 v6 = _mm256_loadu_ps(r0 + 6 * ldw + p), v7 = _mm256_loadu_ps(r0 + 7 * ldw + p);
            // 8 x 8 transpose: afterwards v_q holds w[j + r][p + q] in lane r.
            __m256 t0 = _mm256_unpacklo_ps(v0, v1), t1 = _mm256_unpackhi_ps(v0, v1);
            __m256 t2 = _mm256_unpacklo_ps(v2, v3), t3 = _mm256_unpackhi_ps(v2, v3);
            __m256 t4 = _mm256_unpacklo_ps(v4, v5), t5 = _mm256_unpackhi_ps(v4, v5);
            __m256 t6 = _mm256_unpacklo_ps(v6, v7), t7 = _mm256_unpackhi_ps(v6, v7);
            __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
            __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
            __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
            __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
            v0 = _mm256_permute2f128_ps(s0, s4, 0x20), v4 = _mm256_permute2f128_ps(s0, s4, 0x31);
            v1 = _mm256_permute2f128_ps(s1, s5, 0x20), v5 = _mm256_permute2f128_ps(s1, s5, 0x31);
            v2 = _mm256_permute2f128_ps(s2, s6, 0x20), v6 = _mm256_permute2f128_ps(s2, s6, 0x31);
            v3 = _mm256_permute2f128_ps(s3, s7, 0x20), v7 = _mm256_permute2f128_ps(s3, s7, 0x31);
            acc = _mm256_fmadd_ps(_mm256_set1_ps(x[p]), v0, acc);
            acc = _mm256_fmadd_ps(_mm256_set1_ps(x[p + 1]), v1, acc);
            acc = _mm256_fmadd_ps(_mm256_set1_ps(x[p + 2]), v2, acc);
            acc = _mm256_fmadd_ps(_mm256_set1_ps(x[p + 3]), v3, acc);
            acc = _mm256_fmadd_ps(_mm256_set1_ps(x[p + 4]), v4, acc);
            acc = _mm256_fmadd_ps(_mm256_set1_ps(x[p + 5]), v5, acc);
            acc = _mm256_fmadd_ps(_mm256_set1_ps(x[p + 6]), v6, acc);
            acc = _mm256_fmadd_ps(_mm256_set1_ps(x[p + 7]), v7, acc);
        }
        for (; p < k; p++) {
            const __m256 column = _mm256_setr_ps(r0[p], r0[ldw + p], r0[2 * ldw + p], r0[3 * ldw + p],
                                                 r0[4 * ldw + p], r0[5 * ldw + p], r0[6 * ldw + p], r0[7 * ldw + p]);
            acc = _mm256_fmadd_ps(_mm256_set1_ps(x[p]), column, acc);
        }
        _mm256_storeu_ps(y + j, acc);
    }
    for (; j < n; j++) {
        const float *row = w + j * ldw;
        float acc = y[j];
        for (long p = 0; p < k; p++) acc = __builtin_fmaf(x[p], row[p], acc);
        y[j] = acc;
    }
}

FEWSHOT_AVX2 void fewshot_sgemv_avx2(int transpose_b, long n, long k, float alpha, const float *x, const float *b,
                                     long ldb, float *y) {
    if (n <= 0 || k <= 0) return;
    const float *scaled = x;
    float *copy = NULL;
    if (alpha != 1.0f) {
        copy = malloc((size_t)k * sizeof(float));
        if (!copy) abort();
        for (long p = 0; p < k; p++) copy[p] = alpha * x[p];
        scaled = copy;
    }
    if (transpose_b) {
        gemv_columns(n, k, scaled, b, ldb, y);
    } else {
        gemv_rows(n, k, scaled, b, ldb, y);
    }
    free(copy);
}
