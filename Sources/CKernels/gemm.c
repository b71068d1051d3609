// Packed, cache-blocked GEMM with a 6 x 16 register tile (BLIS's loop structure: jc, pc, ic,
// jr, ir). The accumulation order per element is fixed: see include/gemm.h.
#include "gemm.h"

#include <stdlib.h>
#include <string.h>

#include "avx2_math.h"

// Register tile: MR rows of A by NR columns of B (12 accumulators of 8 lanes).
#define MR 6
#define NR 16
// Cache blocks: a KC x NR sliver of B stays in L1, an MC x KC block of A in L2, a KC x NC
// panel of B in L2/L3.
#define KC 256
#define MC 120
#define NC 2048

/// The element (row, col) of op(X) for a matrix X stored with row stride ld.
static inline float element(const float *x, long ld, int transpose, long row, long col) {
    return transpose ? x[col * ld + row] : x[row * ld + col];
}

/// Packs alpha op(A)[i0 ..< i0+mc][p0 ..< p0+kc] as MR-row slivers: for each p, MR values of
/// consecutive rows; rows past m are zeros.
static void pack_a(const float *a, long lda, int transpose, long m, long i0, long mc, long p0, long kc,
                   float alpha, float *out) {
    for (long ir = 0; ir < mc; ir += MR) {
        for (long p = 0; p < kc; p++) {
            for (long r = 0; r < MR; r++) {
                const long i = i0 + ir + r;
                const float v = i < m && ir + r < mc ? element(a, lda, transpose, i, p0 + p) : 0.0f;
                *out++ = alpha == 1.0f ? v : alpha * v;
            }
        }
    }
}

/// Packs op(B)[p0 ..< p0+kc][j0 ..< j0+nc] as NR-column slivers: for each p, NR values of
/// consecutive columns; columns past nc are zeros.
static void pack_b(const float *b, long ldb, int transpose, long p0, long kc, long j0, long nc, float *out) {
    for (long jr = 0; jr < nc; jr += NR) {
        const long cols = nc - jr < NR ? nc - jr : NR;
        if (!transpose) {
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

/// c (MR x NR, row stride ldc) = fma chain over kc packed steps, starting from c's values.
FEWSHOT_AVX2 static void kernel_6x16(long kc, const float *restrict ap, const float *restrict bp, float *c,
                                     long ldc) {
    __m256 c00 = _mm256_loadu_ps(c), c01 = _mm256_loadu_ps(c + 8);
    __m256 c10 = _mm256_loadu_ps(c + ldc), c11 = _mm256_loadu_ps(c + ldc + 8);
    __m256 c20 = _mm256_loadu_ps(c + 2 * ldc), c21 = _mm256_loadu_ps(c + 2 * ldc + 8);
    __m256 c30 = _mm256_loadu_ps(c + 3 * ldc), c31 = _mm256_loadu_ps(c + 3 * ldc + 8);
    __m256 c40 = _mm256_loadu_ps(c + 4 * ldc), c41 = _mm256_loadu_ps(c + 4 * ldc + 8);
    __m256 c50 = _mm256_loadu_ps(c + 5 * ldc), c51 = _mm256_loadu_ps(c + 5 * ldc + 8);
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
/// edge tiles through a full-size copy (the padding lanes compute on packed zeros).
FEWSHOT_AVX2 static void tile(long kc, const float *ap, const float *bp, float *c, long ldc, long rows,
                              long cols) {
    if (rows == MR && cols == NR) {
        kernel_6x16(kc, ap, bp, c, ldc);
        return;
    }
    float edge[MR * NR] = {0};
    for (long r = 0; r < rows; r++) memcpy(edge + r * NR, c + r * ldc, (size_t)cols * sizeof(float));
    kernel_6x16(kc, ap, bp, edge, NR);
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

FEWSHOT_AVX2 void fewshot_sgemm_avx2(int transpose_a, int transpose_b, long m, long n, long k, float alpha,
                                     const float *a, long lda, const float *b, long ldb, float *c, long ldc) {
    if (m <= 0 || n <= 0 || k <= 0) return;
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
                        tile(kc, packed_a + ir * kc, packed_b + jr * kc, c + (ic + ir) * ldc + jc + jr, ldc, rows,
                             cols);
                    }
                }
            }
        }
    }
}
