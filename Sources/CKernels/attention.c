#include "attention.h"

#include "avx2_math.h"
#include "softmax.h"

// Glossary: t positions, hs head size (a multiple of 8), tp = t rounded up to 8 (the row
// stride of the transposed and score buffers), ld* row strides as stored.

static long round_up8(long n) { return (n + 7) & ~7L; }

long fewshot_attention_scratch(long t, long hs) { return (hs + t) * round_up8(t); }

/// bt (hs x tp) = b^T, the padding columns zeroed.
static void transpose_head(const float *b, long ldb, long t, long hs, float *bt, long tp) {
    for (long d = 0; d < hs; d++) {
        float *row = bt + d * tp;
        for (long j = 0; j < t; j++) row[j] = b[j * ldb + d];
        for (long j = t; j < tp; j++) row[j] = 0;
    }
}

/// s[i][j] = alpha * a_i . b_j (s row stride tp) for every j <= i; a few j > i in the last
/// block of 8 are written too (callers read only j <= i). bt is b^T from transpose_head.
FEWSHOT_AVX2 static void causal_scores(const float *a, long lda, const float *bt, long t, long hs, long tp,
                                       float alpha, float *s) {
    const __m256 scale = _mm256_set1_ps(alpha);
    for (long i0 = 0; i0 < t; i0 += 4) {
        const long last = i0 + 3 < t ? i0 + 3 : t - 1;
        // Rows past the end repeat the last one (computed, never stored).
        const float *a0 = a + i0 * lda, *a1 = a + (i0 + 1 < t ? i0 + 1 : last) * lda;
        const float *a2 = a + (i0 + 2 < t ? i0 + 2 : last) * lda, *a3 = a + last * lda;
        for (long j = 0; j <= last; j += 8) {
            __m256 c0 = _mm256_setzero_ps(), c1 = c0, c2 = c0, c3 = c0;
            for (long d = 0; d < hs; d++) {
                const __m256 b = _mm256_loadu_ps(bt + d * tp + j);
                c0 = _mm256_fmadd_ps(_mm256_broadcast_ss(a0 + d), b, c0);
                c1 = _mm256_fmadd_ps(_mm256_broadcast_ss(a1 + d), b, c1);
                c2 = _mm256_fmadd_ps(_mm256_broadcast_ss(a2 + d), b, c2);
                c3 = _mm256_fmadd_ps(_mm256_broadcast_ss(a3 + d), b, c3);
            }
            float *row = s + i0 * tp + j;
            _mm256_storeu_ps(row, _mm256_mul_ps(c0, scale));
            if (i0 + 1 < t) _mm256_storeu_ps(row + tp, _mm256_mul_ps(c1, scale));
            if (i0 + 2 < t) _mm256_storeu_ps(row + 2 * tp, _mm256_mul_ps(c2, scale));
            if (i0 + 3 < t) _mm256_storeu_ps(row + 3 * tp, _mm256_mul_ps(c3, scale));
        }
    }
}

/// Stores alpha * acc at out, or adds it there when accumulating.
FEWSHOT_AVX2 static inline void put8(float *out, __m256 acc, __m256 alpha, int accumulate) {
    acc = _mm256_mul_ps(acc, alpha);
    if (accumulate) acc = _mm256_add_ps(acc, _mm256_loadu_ps(out));
    _mm256_storeu_ps(out, acc);
}

/// w[row][col] as a broadcast when the entry is causal (col <= row < t), else zeros.
FEWSHOT_AVX2 static inline __m256 causal_weight(const float *w, long ldw, long row, long col, long t) {
    return col <= row && row < t ? _mm256_broadcast_ss(w + row * ldw + col) : _mm256_setzero_ps();
}

/// out_i (=/+=) alpha * sum over j <= i of w[i][j] x_j: Y = P V and dQ = dS K. Only the
/// causal entries of w (row stride ldw) are read.
FEWSHOT_AVX2 static void causal_rows(const float *w, long ldw, const float *x, long ldx, long t, long hs,
                                     float alpha, float *out, long ldo, int accumulate) {
    const __m256 scale = _mm256_set1_ps(alpha);
    for (long i0 = 0; i0 < t; i0 += 4) {
        const long rows = t - i0 < 4 ? t - i0 : 4;
        // Rows past the end repeat the last one (computed, never stored).
        const float *w0 = w + i0 * ldw, *w1 = w + (i0 + 1 < t ? i0 + 1 : t - 1) * ldw;
        const float *w2 = w + (i0 + 2 < t ? i0 + 2 : t - 1) * ldw, *w3 = w + (i0 + 3 < t ? i0 + 3 : t - 1) * ldw;
        for (long c = 0; c < hs; c += 8) {
            __m256 c0 = _mm256_setzero_ps(), c1 = c0, c2 = c0, c3 = c0;
            // Every row of the block sees j <= i0; the triangle after it entry by entry.
            for (long j = 0; j <= i0; j++) {
                const __m256 xj = _mm256_loadu_ps(x + j * ldx + c);
                c0 = _mm256_fmadd_ps(_mm256_broadcast_ss(w0 + j), xj, c0);
                c1 = _mm256_fmadd_ps(_mm256_broadcast_ss(w1 + j), xj, c1);
                c2 = _mm256_fmadd_ps(_mm256_broadcast_ss(w2 + j), xj, c2);
                c3 = _mm256_fmadd_ps(_mm256_broadcast_ss(w3 + j), xj, c3);
            }
            for (long j = i0 + 1; j < i0 + rows; j++) {
                const __m256 xj = _mm256_loadu_ps(x + j * ldx + c);
                c1 = _mm256_fmadd_ps(causal_weight(w, ldw, i0 + 1, j, t), xj, c1);
                c2 = _mm256_fmadd_ps(causal_weight(w, ldw, i0 + 2, j, t), xj, c2);
                c3 = _mm256_fmadd_ps(causal_weight(w, ldw, i0 + 3, j, t), xj, c3);
            }
            float *o = out + i0 * ldo + c;
            put8(o, c0, scale, accumulate);
            if (rows > 1) put8(o + ldo, c1, scale, accumulate);
            if (rows > 2) put8(o + 2 * ldo, c2, scale, accumulate);
            if (rows > 3) put8(o + 3 * ldo, c3, scale, accumulate);
        }
    }
}

/// out_j (=/+=) alpha * sum over i >= j of w[i][j] x_i: dV = P^T dY and dK = dS^T Q. Only
/// the causal entries of w are read.
FEWSHOT_AVX2 static void causal_columns(const float *w, long ldw, const float *x, long ldx, long t, long hs,
                                        float alpha, float *out, long ldo, int accumulate) {
    const __m256 scale = _mm256_set1_ps(alpha);
    for (long j0 = 0; j0 < t; j0 += 4) {
        const long cols = t - j0 < 4 ? t - j0 : 4;
        for (long c = 0; c < hs; c += 8) {
            __m256 c0 = _mm256_setzero_ps(), c1 = c0, c2 = c0, c3 = c0;
            // The triangle first (i < j0 + cols: only columns j <= i), then every column.
            for (long i = j0; i < j0 + cols; i++) {
                const __m256 xi = _mm256_loadu_ps(x + i * ldx + c);
                c0 = _mm256_fmadd_ps(_mm256_broadcast_ss(w + i * ldw + j0), xi, c0);
                c1 = _mm256_fmadd_ps(causal_weight(w, ldw, i, j0 + 1, t), xi, c1);
                c2 = _mm256_fmadd_ps(causal_weight(w, ldw, i, j0 + 2, t), xi, c2);
                c3 = _mm256_fmadd_ps(causal_weight(w, ldw, i, j0 + 3, t), xi, c3);
            }
            for (long i = j0 + cols; i < t; i++) {
                const __m256 xi = _mm256_loadu_ps(x + i * ldx + c);
                const float *wi = w + i * ldw + j0;
                c0 = _mm256_fmadd_ps(_mm256_broadcast_ss(wi), xi, c0);
                c1 = _mm256_fmadd_ps(_mm256_broadcast_ss(wi + 1), xi, c1);
                c2 = _mm256_fmadd_ps(_mm256_broadcast_ss(wi + 2), xi, c2);
                c3 = _mm256_fmadd_ps(_mm256_broadcast_ss(wi + 3), xi, c3);
            }
            float *o = out + j0 * ldo + c;
            put8(o, c0, scale, accumulate);
            if (cols > 1) put8(o + ldo, c1, scale, accumulate);
            if (cols > 2) put8(o + 2 * ldo, c2, scale, accumulate);
            if (cols > 3) put8(o + 3 * ldo, c3, scale, accumulate);
        }
    }
}

/// d = p * (d - dot) over the first n values, dot the 16-lane sum of p * d (products rounded,
/// then added; see LaneSum.swift): the softmax's backward, dP to dS in place.
FEWSHOT_AVX2 static void softmax_gradient_row(const float *p, float *d, long n) {
    const __m256 dot = _mm256_set1_ps(fewshot_dot16(p, d, n));
    const long body = n & ~7L;
    const __m256i tail = fewshot_tail_mask(n - body);
    for (long j = 0; j < body; j += 8)
        _mm256_storeu_ps(d + j, _mm256_mul_ps(_mm256_loadu_ps(p + j), _mm256_sub_ps(_mm256_loadu_ps(d + j), dot)));
    if (body < n) {
        const __m256 pj = _mm256_maskload_ps(p + body, tail), dj = _mm256_maskload_ps(d + body, tail);
        _mm256_maskstore_ps(d + body, tail, _mm256_mul_ps(pj, _mm256_sub_ps(dj, dot)));
    }
}

FEWSHOT_AVX2 void fewshot_attention_forward(const float *q, const float *k, const float *v, long ld, long t,
                                            long hs, float scale, float *att, float *y, long ldy,
                                            float *scratch) {
    const long tp = round_up8(t);
    float *kt = scratch, *s = scratch + hs * tp;
    transpose_head(k, ld, t, hs, kt, tp);
    causal_scores(q, ld, kt, t, hs, tp, scale, s);
    for (long i = 0; i < t; i++) {
        float *row = att + i * t;
        fewshot_softmax(s + i * tp, row, i + 1);
        for (long j = i + 1; j < t; j++) row[j] = 0;
    }
    causal_rows(att, t, v, ld, t, hs, 1, y, ldy, 0);
}

FEWSHOT_AVX2 void fewshot_attention_backward(const float *q, const float *k, const float *v, long ld,
                                             const float *att, const float *dy, long lddy, long t, long hs,
                                             float scale, float *dq, float *dk, float *dv, int accumulate,
                                             float *scratch) {
    const long tp = round_up8(t);
    float *vt = scratch, *ds = scratch + hs * tp;
    transpose_head(v, ld, t, hs, vt, tp);
    causal_scores(dy, lddy, vt, t, hs, tp, 1, ds);  // dP = dY V^T
    for (long i = 0; i < t; i++) softmax_gradient_row(att + i * t, ds + i * tp, i + 1);
    causal_columns(att, t, dy, lddy, t, hs, 1, dv, ld, accumulate);   // dV = P^T dY
    causal_rows(ds, tp, k, ld, t, hs, scale, dq, ld, accumulate);     // dQ = scale dS K
    causal_columns(ds, tp, q, ld, t, hs, scale, dk, ld, accumulate);  // dK = scale dS^T Q
}
