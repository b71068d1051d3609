// One query head over a KV cache (the specification is in cached_attention.h).
#include "cached_attention.h"

#if defined(__x86_64__)

#include "avx2_math.h"

// Each product is rounded before it is added, whatever the build's flags.
#pragma STDC FP_CONTRACT OFF

/// The products of the values past the last multiple of 8, summed in order from +0.
static inline float tail_dot(const float *a, const float *b, long from, long n) {
    float tail = 0;
    for (long i = from; i < n; i++) tail += a[i] * b[i];
    return tail;
}

/// The scores of 8 consecutive positions (from k, `stride` apart) as one vector.
FEWSHOT_AVX2 static inline __m256 scores8(const float *q, const float *k, long stride, long hs, __m256 scale) {
    __m256 acc[8];
    for (int j = 0; j < 8; j++) acc[j] = _mm256_setzero_ps();
    const long whole = hs & ~7L;
    for (long i = 0; i < whole; i += 8) {
        const __m256 qi = _mm256_loadu_ps(q + i);
        for (int j = 0; j < 8; j++) acc[j] = _mm256_add_ps(acc[j], _mm256_mul_ps(qi, _mm256_loadu_ps(k + j * stride + i)));
    }
    // Summing lanes 0 to 7 of each accumulator in order is adding the transposed rows in order.
    __m256 lanes[8];
    fewshot_transpose8x8(acc, lanes);
    __m256 sum = _mm256_set1_ps(-0.0f);
    for (int l = 0; l < 8; l++) sum = _mm256_add_ps(sum, lanes[l]);
    float tails[8];
    for (int j = 0; j < 8; j++) tails[j] = tail_dot(q, k + j * stride, whole, hs);
    return _mm256_mul_ps(_mm256_add_ps(sum, _mm256_loadu_ps(tails)), scale);
}

/// The score of one position.
FEWSHOT_AVX2 static inline float score1(const float *q, const float *k, long hs, float scale) {
    __m256 acc = _mm256_setzero_ps();
    const long whole = hs & ~7L;
    for (long i = 0; i < whole; i += 8) acc = _mm256_add_ps(acc, _mm256_mul_ps(_mm256_loadu_ps(q + i), _mm256_loadu_ps(k + i)));
    float lanes[8];
    _mm256_storeu_ps(lanes, acc);
    float sum = -0.0f;
    for (int l = 0; l < 8; l++) sum += lanes[l];
    return (sum + tail_dot(q, k, whole, hs)) * scale;
}

/// The maximum of scores[0..length), NaNs skipped (as `s > m ? s : m` from -infinity): a zero's
/// sign may differ from that sequential form's, which changes no exp(s - max).
FEWSHOT_AVX2 static float max_score(const float *scores, long length) {
    __m256 m8 = _mm256_set1_ps(-INFINITY);
    long j = 0;
    // maxps returns its second operand when the first is NaN, so a NaN never replaces m8.
    for (; j + 8 <= length; j += 8) m8 = _mm256_max_ps(_mm256_loadu_ps(scores + j), m8);
    float lanes[8];
    _mm256_storeu_ps(lanes, m8);
    float m = -INFINITY;
    for (int l = 0; l < 8; l++) m = lanes[l] > m ? lanes[l] : m;
    for (; j < length; j++) m = scores[j] > m ? scores[j] : m;
    return m;
}

/// e_j = exp(s_j - m) in place over scores[0..length).
FEWSHOT_AVX2 static void exp_shifted(float *scores, long length, float m) {
    const __m256 m8 = _mm256_set1_ps(m);
    long j = 0;
    for (; j + 8 <= length; j += 8)
        _mm256_storeu_ps(scores + j, fewshot_exp8(_mm256_sub_ps(_mm256_loadu_ps(scores + j), m8)));
    if (j < length) {
        float rest[8] = {0};
        for (long i = j; i < length; i++) rest[i - j] = scores[i] - m;
        float e[8];
        _mm256_storeu_ps(e, fewshot_exp8(_mm256_loadu_ps(rest)));
        for (long i = j; i < length; i++) scores[i] = e[i - j];
    }
}

/// e_j / total in place over scores[0..length).
FEWSHOT_AVX2 static void divide(float *scores, long length, float total) {
    const __m256 total8 = _mm256_set1_ps(total);
    long j = 0;
    for (; j + 8 <= length; j += 8) _mm256_storeu_ps(scores + j, _mm256_div_ps(_mm256_loadu_ps(scores + j), total8));
    for (; j < length; j++) scores[j] = scores[j] / total;
}

/// Each head's scores (rows `length` apart) to softmax weights in place: e_j = exp(s_j - max),
/// then e_j / total with total = e_0 + e_1 + ... in order. Three heads' totals are summed side
/// by side, so their sequential chains overlap.
FEWSHOT_AVX2 static void softmax_heads(float *scores, long heads, long length) {
    for (long h = 0; h < heads; h++) exp_shifted(scores + h * length, length, max_score(scores + h * length, length));
    long h = 0;
    for (; h + 3 <= heads; h += 3) {
        const float *a = scores + h * length, *b = a + length, *c = b + length;
        float ta = 0, tb = 0, tc = 0;
        for (long j = 0; j < length; j++) {
            ta += a[j];
            tb += b[j];
            tc += c[j];
        }
        divide(scores + h * length, length, ta);
        divide(scores + (h + 1) * length, length, tb);
        divide(scores + (h + 2) * length, length, tc);
    }
    for (; h < heads; h++) {
        float total = 0;
        for (long j = 0; j < length; j++) total += scores[h * length + j];
        divide(scores + h * length, length, total);
    }
}

/// Adds positions [from, to) of the values, weighted by w, to out (hs values), position by
/// position: out[d] += w_j * v_j[d]. Runs of 8 values stay in registers over the positions.
FEWSHOT_AVX2 static void add_values(const float *w, const float *v, long stride, long from, long to, long hs,
                                    float *out) {
    long d = 0;
    for (; d + 64 <= hs; d += 64) {
        __m256 acc[8];
        for (int c = 0; c < 8; c++) acc[c] = _mm256_loadu_ps(out + d + 8 * c);
        for (long j = from; j < to; j++) {
            const __m256 wj = _mm256_broadcast_ss(w + j);
            const float *row = v + j * stride + d;
            for (int c = 0; c < 8; c++) acc[c] = _mm256_add_ps(acc[c], _mm256_mul_ps(wj, _mm256_loadu_ps(row + 8 * c)));
        }
        for (int c = 0; c < 8; c++) _mm256_storeu_ps(out + d + 8 * c, acc[c]);
    }
    for (; d + 8 <= hs; d += 8) {
        __m256 acc = _mm256_loadu_ps(out + d);
        for (long j = from; j < to; j++)
            acc = _mm256_add_ps(acc, _mm256_mul_ps(_mm256_broadcast_ss(w + j), _mm256_loadu_ps(v + j * stride + d)));
        _mm256_storeu_ps(out + d, acc);
    }
    for (; d < hs; d++) {
        float acc = out[d];
        for (long j = from; j < to; j++) acc += w[j] * v[j * stride + d];
        out[d] = acc;
    }
}

/// Positions per block of the value pass: the block's values (32 x hs Floats) are read from
/// memory once and stay in L1 while every head of the group adds them.
enum { VALUE_BLOCK = 32 };

FEWSHOT_AVX2 void fewshot_cached_attention(const float *q, long heads, const float *const *k, const float *const *v,
                                           const long *run_lengths, long runs, long stride, long length, long hs,
                                           float *scores, float *out) {
    const float scale = 1.0f / sqrtf((float)hs);
    const __m256 scale8 = _mm256_set1_ps(scale);
    // Scores, 8 positions at a time for every head, so each block of keys is read once; a
    // score is the same bits whether its position is in a block of 8 or alone.
    for (long r = 0, start = 0; r < runs && start < length; start += run_lengths[r++]) {
        const long n = start + run_lengths[r] < length ? run_lengths[r] : length - start;
        long j = 0;
        for (; j + 8 <= n; j += 8)
            for (long h = 0; h < heads; h++)
                _mm256_storeu_ps(scores + h * length + start + j,
                                 scores8(q + h * hs, k[r] + j * stride, stride, hs, scale8));
        for (; j < n; j++)
            for (long h = 0; h < heads; h++)
                scores[h * length + start + j] = score1(q + h * hs, k[r] + j * stride, hs, scale);
    }
    softmax_heads(scores, heads, length);
    for (long i = 0; i < heads * hs; i++) out[i] = 0;
    // Values position by position, run after run (the order of every sum is the positions').
    for (long r = 0, start = 0; r < runs && start < length; start += run_lengths[r++]) {
        const long n = start + run_lengths[r] < length ? run_lengths[r] : length - start;
        for (long from = 0; from < n; from += VALUE_BLOCK) {
            const long to = from + VALUE_BLOCK < n ? from + VALUE_BLOCK : n;
            for (long h = 0; h < heads; h++)
                add_values(scores + h * length + start, v[r], stride, from, to, hs, out + h * hs);
        }
    }
}

#endif
