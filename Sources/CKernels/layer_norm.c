#include "layer_norm.h"

#include <math.h>

#include "avx2_math.h"

// The formulas, identical to LayerNormKernel's portable path (sums are 16-lane sums, no FMA):
// forward:  m = sum(x) / c;  d = x - m;  sd = 1 / sqrt(sum(d * d) / c + eps);
//           y = (d * sd) * w + b  (no addition without b)
// backward: norm = (x - m) * sd;  gw = g * w;  mean_d = sum(gw) / c;  mean_dn = sum(gw * norm) / c;
//           dw += g * norm;  db += g;  dx = sd * ((gw - mean_d) - norm * mean_dn)  (+ old dx)

/// Loads elements j..j+7 of a row of c values (zeros past the end).
FEWSHOT_AVX2 static inline __m256 load_row(const float *p, long j, long c, __m256i tail) {
    return j + 8 <= c ? _mm256_loadu_ps(p + j) : _mm256_maskload_ps(p + j, tail);
}

/// Stores elements j..j+7 of a row of c values (nothing past the end).
FEWSHOT_AVX2 static inline void store_row(float *p, long j, long c, __m256i tail, __m256 v) {
    if (j + 8 <= c)
        _mm256_storeu_ps(p + j, v);
    else
        _mm256_maskstore_ps(p + j, tail, v);
}

FEWSHOT_AVX2 void fewshot_layer_norm_forward(const float *x, const float *w, const float *b, float *y,
                                             float *mean, float *rstd, long rows, long c, float eps) {
    const __m256i tail = fewshot_tail_mask(c & 7L);
    const __m256 tail_lanes = _mm256_castsi256_ps(tail);
    const __m256 ones = _mm256_castsi256_ps(_mm256_set1_epi32(-1));
    for (long r = 0; r < rows; r++) {
        const float *row = x + r * c;
        float *out = y + r * c;
        const float m = fewshot_sum16(row, c) / (float)c;
        const __m256 mv = _mm256_set1_ps(m);
        fewshot_lanes16 sq = fewshot_lanes16_fill(0.0f);
        for (long j = 0; j < c; j += 8) {
            const __m256 keep = j + 8 <= c ? ones : tail_lanes;
            __m256 d = _mm256_and_ps(_mm256_sub_ps(load_row(row, j, c, tail), mv), keep);
            fewshot_lanes16_add(&sq, j, _mm256_mul_ps(d, d));
        }
        const float sd = 1.0f / sqrtf(fewshot_lanes16_sum(sq) / (float)c + eps);
        mean[r] = m;
        rstd[r] = sd;
        const __m256 sv = _mm256_set1_ps(sd);
        for (long j = 0; j < c; j += 8) {
            __m256 norm = _mm256_mul_ps(_mm256_sub_ps(load_row(row, j, c, tail), mv), sv);
            __m256 v = _mm256_mul_ps(norm, load_row(w, j, c, tail));
            if (b) v = _mm256_add_ps(v, load_row(b, j, c, tail));
            store_row(out, j, c, tail, v);
        }
    }
}

FEWSHOT_AVX2 void fewshot_layer_norm_backward(const float *x, const float *w, const float *mean, const float *rstd,
                                              const float *dy, float *dx, float *dw, float *db, long rows, long c,
                                              int accumulate) {
    const __m256i tail = fewshot_tail_mask(c & 7L);
    for (long r = 0; r < rows; r++) {
        const float *xr = x + r * c, *gr = dy + r * c;
        float *out = dx + r * c;
        const __m256 mv = _mm256_set1_ps(mean[r]), sv = _mm256_set1_ps(rstd[r]);
        // First pass: the sums of g w and of g w norm; the weight and bias grads. Masked lanes
        // load zeros, so their products are +0.0.
        fewshot_lanes16 sum_d = fewshot_lanes16_fill(0.0f), sum_dn = fewshot_lanes16_fill(0.0f);
        for (long j = 0; j < c; j += 8) {
            __m256 gv = load_row(gr, j, c, tail);
            __m256 norm = _mm256_mul_ps(_mm256_sub_ps(load_row(xr, j, c, tail), mv), sv);
            __m256 d = _mm256_mul_ps(gv, load_row(w, j, c, tail));
            fewshot_lanes16_add(&sum_d, j, d);
            fewshot_lanes16_add(&sum_dn, j, _mm256_mul_ps(d, norm));
            store_row(dw, j, c, tail, _mm256_add_ps(load_row(dw, j, c, tail), _mm256_mul_ps(gv, norm)));
            store_row(db, j, c, tail, _mm256_add_ps(load_row(db, j, c, tail), gv));
        }
        const __m256 mean_d = _mm256_set1_ps(fewshot_lanes16_sum(sum_d) / (float)c);
        const __m256 mean_dn = _mm256_set1_ps(fewshot_lanes16_sum(sum_dn) / (float)c);
        // Second pass: dx.
        for (long j = 0; j < c; j += 8) {
            __m256 norm = _mm256_mul_ps(_mm256_sub_ps(load_row(xr, j, c, tail), mv), sv);
            __m256 d = _mm256_mul_ps(load_row(gr, j, c, tail), load_row(w, j, c, tail));
            __m256 v = _mm256_mul_ps(sv, _mm256_sub_ps(_mm256_sub_ps(d, mean_d), _mm256_mul_ps(norm, mean_dn)));
            if (accumulate) v = _mm256_add_ps(load_row(out, j, c, tail), v);
            store_row(out, j, c, tail, v);
        }
    }
}
