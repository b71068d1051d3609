#include "layer_norm.h"

#include <math.h>

#include "avx2_math.h"

FEWSHOT_AVX2 void fewshot_layer_norm_forward(const float *x, const float *w, const float *b, float *y,
                                             float *mean, float *rstd, long rows, long c, float eps) {
    const long body = c & ~7L;
    const __m256i tail = fewshot_tail_mask(c - body);
    for (long r = 0; r < rows; r++) {
        const float *row = x + r * c;
        float *out = y + r * c;
        __m256 acc = _mm256_setzero_ps();
        for (long j = 0; j < body; j += 8) acc = _mm256_add_ps(acc, _mm256_loadu_ps(row + j));
        if (body < c) acc = _mm256_add_ps(acc, _mm256_maskload_ps(row + body, tail));
        const float m = fewshot_hsum8(acc) / (float)c;
        const __m256 mv = _mm256_set1_ps(m);
        __m256 sq = _mm256_setzero_ps();
        for (long j = 0; j < body; j += 8) {
            __m256 d = _mm256_sub_ps(_mm256_loadu_ps(row + j), mv);
            sq = _mm256_fmadd_ps(d, d, sq);
        }
        if (body < c) {
            __m256 d = _mm256_and_ps(_mm256_sub_ps(_mm256_maskload_ps(row + body, tail), mv), _mm256_castsi256_ps(tail));
            sq = _mm256_fmadd_ps(d, d, sq);
        }
        const float sd = 1.0f / sqrtf(fewshot_hsum8(sq) / (float)c + eps);
        mean[r] = m;
        rstd[r] = sd;
        const __m256 sv = _mm256_set1_ps(sd);
        for (long j = 0; j < body; j += 8) {
            __m256 norm = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(row + j), mv), sv);
            __m256 shift = b ? _mm256_loadu_ps(b + j) : _mm256_setzero_ps();
            _mm256_storeu_ps(out + j, _mm256_fmadd_ps(norm, _mm256_loadu_ps(w + j), shift));
        }
        if (body < c) {
            __m256 norm = _mm256_mul_ps(_mm256_sub_ps(_mm256_maskload_ps(row + body, tail), mv), sv);
            __m256 shift = b ? _mm256_maskload_ps(b + body, tail) : _mm256_setzero_ps();
            _mm256_maskstore_ps(out + body, tail, _mm256_fmadd_ps(norm, _mm256_maskload_ps(w + body, tail), shift));
        }
    }
}

FEWSHOT_AVX2 void fewshot_layer_norm_backward(const float *x, const float *w, const float *mean, const float *rstd,
                                              const float *dy, float *dx, float *dw, float *db, long rows, long c,
                                              int accumulate) {
    const long body = c & ~7L;
    const __m256i tail = fewshot_tail_mask(c - body);
    const float inv_c = 1.0f / (float)c;
    for (long r = 0; r < rows; r++) {
        const float *xr = x + r * c, *gr = dy + r * c;
        float *out = dx + r * c;
        const __m256 mv = _mm256_set1_ps(mean[r]), sv = _mm256_set1_ps(rstd[r]);
        // First pass: the row's mean of dy * w and of dy * w * norm; the weight and bias grads.
        __m256 sum_d = _mm256_setzero_ps(), sum_dn = _mm256_setzero_ps();
        for (long j = 0; j < c; j += 8) {
            const int full = j + 8 <= c;
            __m256 xv = full ? _mm256_loadu_ps(xr + j) : _mm256_maskload_ps(xr + j, tail);
            __m256 gv = full ? _mm256_loadu_ps(gr + j) : _mm256_maskload_ps(gr + j, tail);
            __m256 wv = full ? _mm256_loadu_ps(w + j) : _mm256_maskload_ps(w + j, tail);
            __m256 norm = _mm256_mul_ps(_mm256_sub_ps(xv, mv), sv);
            __m256 d = _mm256_mul_ps(gv, wv);
            sum_d = _mm256_add_ps(sum_d, d);
            sum_dn = _mm256_fmadd_ps(d, norm, sum_dn);
            if (full) {
                _mm256_storeu_ps(dw + j, _mm256_fmadd_ps(gv, norm, _mm256_loadu_ps(dw + j)));
                _mm256_storeu_ps(db + j, _mm256_add_ps(gv, _mm256_loadu_ps(db + j)));
            } else {
                _mm256_maskstore_ps(dw + j, tail, _mm256_fmadd_ps(gv, norm, _mm256_maskload_ps(dw + j, tail)));
                _mm256_maskstore_ps(db + j, tail, _mm256_add_ps(gv, _mm256_maskload_ps(db + j, tail)));
            }
        }
        const __m256 mean_d = _mm256_set1_ps(fewshot_hsum8(sum_d) * inv_c);
        const __m256 mean_dn = _mm256_set1_ps(fewshot_hsum8(sum_dn) * inv_c);
        // Second pass: dx = rstd (dy w - mean_d - norm mean_dn).
        for (long j = 0; j < c; j += 8) {
            const int full = j + 8 <= c;
            __m256 xv = full ? _mm256_loadu_ps(xr + j) : _mm256_maskload_ps(xr + j, tail);
            __m256 gv = full ? _mm256_loadu_ps(gr + j) : _mm256_maskload_ps(gr + j, tail);
            __m256 wv = full ? _mm256_loadu_ps(w + j) : _mm256_maskload_ps(w + j, tail);
            __m256 norm = _mm256_mul_ps(_mm256_sub_ps(xv, mv), sv);
            __m256 inner = _mm256_fnmadd_ps(norm, mean_dn, _mm256_fmsub_ps(gv, wv, mean_d));
            __m256 d = _mm256_mul_ps(sv, inner);
            if (full) {
                if (accumulate) d = _mm256_add_ps(d, _mm256_loadu_ps(out + j));
                _mm256_storeu_ps(out + j, d);
            } else {
                if (accumulate) d = _mm256_add_ps(d, _mm256_maskload_ps(out + j, tail));
                _mm256_maskstore_ps(out + j, tail, d);
            }
        }
    }
}
