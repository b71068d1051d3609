#include "bidirectional_attention.h"

#include "avx2_math.h"
#include "softmax.h"

// Glossary: l positions, hs head size (a multiple of 8), lp = l rounded up to 16 (the row
// stride of the transposed keys and of the scores).

static long round_up16(long n) { return (n + 15) & ~15L; }

long fewshot_bidirectional_attention_scratch(long l, long hs) { return l * hs + (hs + l) * round_up16(l); }

/// Row r of a block of four starting at i0, or the last row past the end (computed, never stored).
static inline long block_row(long i0, long r, long l) { return i0 + r < l ? i0 + r : l - 1; }

/// s[i][j] (row stride lp) = the chain over d of qs[i][d] kt[d][j], from 0, for every i < l and
/// j < lp (columns past l read zeros). qs is q already scaled (l x hs), kt is k^T (hs x lp).
FEWSHOT_AVX2 static void scores(const float *qs, long hs, const float *kt, long l, long lp, float *s) {
    for (long i0 = 0; i0 < l; i0 += 4) {
        const float *a0 = qs + block_row(i0, 0, l) * hs, *a1 = qs + block_row(i0, 1, l) * hs;
        const float *a2 = qs + block_row(i0, 2, l) * hs, *a3 = qs + block_row(i0, 3, l) * hs;
        for (long j = 0; j < lp; j += 16) {
            __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00;
            __m256 c20 = c00, c21 = c00, c30 = c00, c31 = c00;
            for (long d = 0; d < hs; d++) {
                const __m256 b0 = _mm256_loadu_ps(kt + d * lp + j), b1 = _mm256_loadu_ps(kt + d * lp + j + 8);
                __m256 a = _mm256_broadcast_ss(a0 + d);
                c00 = _mm256_fmadd_ps(a, b0, c00), c01 = _mm256_fmadd_ps(a, b1, c01);
                a = _mm256_broadcast_ss(a1 + d);
                c10 = _mm256_fmadd_ps(a, b0, c10), c11 = _mm256_fmadd_ps(a, b1, c11);
                a = _mm256_broadcast_ss(a2 + d);
                c20 = _mm256_fmadd_ps(a, b0, c20), c21 = _mm256_fmadd_ps(a, b1, c21);
                a = _mm256_broadcast_ss(a3 + d);
                c30 = _mm256_fmadd_ps(a, b0, c30), c31 = _mm256_fmadd_ps(a, b1, c31);
            }
            float *row = s + i0 * lp + j;
            _mm256_storeu_ps(row, c00), _mm256_storeu_ps(row + 8, c01);
            if (i0 + 1 < l) _mm256_storeu_ps(row + lp, c10), _mm256_storeu_ps(row + lp + 8, c11);
            if (i0 + 2 < l) _mm256_storeu_ps(row + 2 * lp, c20), _mm256_storeu_ps(row + 2 * lp + 8, c21);
            if (i0 + 3 < l) _mm256_storeu_ps(row + 3 * lp, c30), _mm256_storeu_ps(row + 3 * lp + 8, c31);
        }
    }
}

/// y[i][c] (row stride ldy) = the chain over j < l of p[i][j] v[j][c], from 0 (p row stride l,
/// v row stride ld), sixteen columns at a time and eight for a last odd block.
FEWSHOT_AVX2 static void weighted_values(const float *p, const float *v, long ld, long l, long hs, float *y,
                                         long ldy) {
    for (long i0 = 0; i0 < l; i0 += 4) {
        const float *w0 = p + block_row(i0, 0, l) * l, *w1 = p + block_row(i0, 1, l) * l;
        const float *w2 = p + block_row(i0, 2, l) * l, *w3 = p + block_row(i0, 3, l) * l;
        float *out = y + i0 * ldy;
        long c = 0;
        for (; c + 16 <= hs; c += 16) {
            __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00;
            __m256 c20 = c00, c21 = c00, c30 = c00, c31 = c00;
            for (long j = 0; j < l; j++) {
                const __m256 b0 = _mm256_loadu_ps(v + j * ld + c), b1 = _mm256_loadu_ps(v + j * ld + c + 8);
                __m256 a = _mm256_broadcast_ss(w0 + j);
                c00 = _mm256_fmadd_ps(a, b0, c00), c01 = _mm256_fmadd_ps(a, b1, c01);
                a = _mm256_broadcast_ss(w1 + j);
                c10 = _mm256_fmadd_ps(a, b0, c10), c11 = _mm256_fmadd_ps(a, b1, c11);
                a = _mm256_broadcast_ss(w2 + j);
                c20 = _mm256_fmadd_ps(a, b0, c20), c21 = _mm256_fmadd_ps(a, b1, c21);
                a = _mm256_broadcast_ss(w3 + j);
                c30 = _mm256_fmadd_ps(a, b0, c30), c31 = _mm256_fmadd_ps(a, b1, c31);
            }
            _mm256_storeu_ps(out + c, c00), _mm256_storeu_ps(out + c + 8, c01);
            if (i0 + 1 < l) _mm256_storeu_ps(out + ldy + c, c10), _mm256_storeu_ps(out + ldy + c + 8, c11);
            if (i0 + 2 < l) _mm256_storeu_ps(out + 2 * ldy + c, c20), _mm256_storeu_ps(out + 2 * ldy + c + 8, c21);
            if (i0 + 3 < l) _mm256_storeu_ps(out + 3 * ldy + c, c30), _mm256_storeu_ps(out + 3 * ldy + c + 8, c31);
        }
        if (c < hs) {
            __m256 c0 = _mm256_setzero_ps(), c1 = c0, c2 = c0, c3 = c0;
            for (long j = 0; j < l; j++) {
                const __m256 b = _mm256_loadu_ps(v + j * ld + c);
                c0 = _mm256_fmadd_ps(_mm256_broadcast_ss(w0 + j), b, c0);
                c1 = _mm256_fmadd_ps(_mm256_broadcast_ss(w1 + j), b, c1);
                c2 = _mm256_fmadd_ps(_mm256_broadcast_ss(w2 + j), b, c2);
                c3 = _mm256_fmadd_ps(_mm256_broadcast_ss(w3 + j), b, c3);
            }
            _mm256_storeu_ps(out + c, c0);
            if (i0 + 1 < l) _mm256_storeu_ps(out + ldy + c, c1);
            if (i0 + 2 < l) _mm256_storeu_ps(out + 2 * ldy + c, c2);
            if (i0 + 3 < l) _mm256_storeu_ps(out + 3 * ldy + c, c3);
        }
    }
}

FEWSHOT_AVX2 void fewshot_bidirectional_attention_forward(const float *q, const float *k, const float *v, long ld,
                                                          long l, long hs, float scale, float *att, float *y,
                                                          long ldy, float *scratch) {
    if (l <= 0) return;
    const long lp = round_up16(l);
    float *qs = scratch, *kt = qs + l * hs, *s = kt + hs * lp;
    // scale * q, rounded (as gemm.c packs alpha * A), and k^T with zero padding columns.
    const __m256 alpha = _mm256_set1_ps(scale);
    for (long i = 0; i < l; i++) {
        for (long d = 0; d < hs; d += 8)
            _mm256_storeu_ps(qs + i * hs + d, _mm256_mul_ps(alpha, _mm256_loadu_ps(q + i * ld + d)));
    }
    for (long d = 0; d < hs; d++) {
        float *row = kt + d * lp;
        for (long j = 0; j < l; j++) row[j] = k[j * ld + d];
        for (long j = l; j < lp; j++) row[j] = 0;
    }
    scores(qs, hs, kt, l, lp, s);
    for (long i = 0; i < l; i++) fewshot_softmax(s + i * lp, att + i * l, l);
    weighted_values(att, v, ld, l, hs, y, ldy);
}
