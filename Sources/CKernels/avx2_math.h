// AVX2/FMA helpers shared by the kernels in this target (private: not in include/).
// Every function here carries the same target attribute as its callers, so it inlines
// into them; none may run unless `fewshot_cpu_has_avx2_fma()` is true.
#ifndef FEWSHOT_AVX2_MATH_H
#define FEWSHOT_AVX2_MATH_H

#include <immintrin.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#define FEWSHOT_AVX2 __attribute__((target("avx2,fma")))

/// e^x per lane, bit-identical to PortableMath's `Reproducible.exp` (scalar and SIMD8), which
/// documents the method (Cephes' expf). Every step is a separate IEEE operation, no FMA:
/// clamp to [-104, 89] (NaN passes: the bound is the first operand of max/min), round
/// x log2(e) by adding 1.5 * 2^23, reduce by ln 2 in two parts, the degree-6 polynomial, and
/// scale by 2^n as two multiplications.
FEWSHOT_AVX2 static inline __m256 fewshot_exp8(__m256 x) {
    x = _mm256_max_ps(_mm256_set1_ps(-104.0f), x);
    x = _mm256_min_ps(_mm256_set1_ps(89.0f), x);
    const __m256 magic = _mm256_set1_ps(12582912.0f);
    const __m256 shifted = _mm256_add_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504f)), magic);
    const __m256 n = _mm256_sub_ps(shifted, magic);
    const __m256 r = _mm256_add_ps(_mm256_sub_ps(x, _mm256_mul_ps(n, _mm256_set1_ps(0.693359375f))),
                                   _mm256_mul_ps(n, _mm256_set1_ps(2.12194440e-4f)));
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(p, _mm256_mul_ps(r, r)), r), _mm256_set1_ps(1.0f));
    const __m256i k = _mm256_sub_epi32(_mm256_castps_si256(shifted), _mm256_set1_epi32(0x4B400000));
    const __m256i k1 = _mm256_srai_epi32(k, 1), k2 = _mm256_sub_epi32(k, k1);
    const __m256i bias = _mm256_set1_epi32(127);
    const __m256 s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(k1, bias), 23));
    const __m256 s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(k2, bias), 23));
    return _mm256_mul_ps(_mm256_mul_ps(p, s1), s2);
}

/// tanh per lane, bit-identical to PortableMath's `Reproducible.tanh`: for a = |u| < 0.625
/// Cephes' odd polynomial ((((c0 s + c1) s + c2) s + c3) s + c4) * s * a + a with s = a a,
/// otherwise 1 - 2 / (exp(2a) + 1); then the sign bit of u.
FEWSHOT_AVX2 static inline __m256 fewshot_tanh8(__m256 u) {
    const __m256 sign_bit = _mm256_set1_ps(-0.0f), one = _mm256_set1_ps(1.0f), two = _mm256_set1_ps(2.0f);
    const __m256 sign = _mm256_and_ps(u, sign_bit);
    const __m256 a = _mm256_andnot_ps(sign_bit, u);
    const __m256 s = _mm256_mul_ps(a, a);
    __m256 p = _mm256_set1_ps(-5.70498872745e-3f);
    p = _mm256_add_ps(_mm256_mul_ps(p, s), _mm256_set1_ps(2.06390887954e-2f));
    p = _mm256_sub_ps(_mm256_mul_ps(p, s), _mm256_set1_ps(5.37397155531e-2f));
    p = _mm256_add_ps(_mm256_mul_ps(p, s), _mm256_set1_ps(1.33314422036e-1f));
    p = _mm256_sub_ps(_mm256_mul_ps(p, s), _mm256_set1_ps(3.33332819422e-1f));
    const __m256 small = _mm256_add_ps(_mm256_mul_ps(_mm256_mul_ps(p, s), a), a);
    const __m256 large =
        _mm256_sub_ps(one, _mm256_div_ps(two, _mm256_add_ps(fewshot_exp8(_mm256_mul_ps(two, a)), one)));
    const __m256 t = _mm256_blendv_ps(large, small, _mm256_cmp_ps(a, _mm256_set1_ps(0.625f), _CMP_LT_OQ));
    return _mm256_or_ps(t, sign);
}

/// Natural logarithm of one float, bit-identical to PortableMath's `Reproducible.log(Float)`
/// (Cephes' logf; plain scalar C, compiled without contraction).
static inline float fewshot_logf(float x) {
    if (!(x > 0.0f)) return x == 0.0f ? -INFINITY : NAN;
    if (x == INFINITY) return x;
    uint32_t bits;
    memcpy(&bits, &x, 4);
    int32_t e = -126;
    if (bits < 0x00800000u) {
        const float scaled = x * 8388608.0f;
        memcpy(&bits, &scaled, 4);
        e -= 23;
    }
    e += (int32_t)(bits >> 23);
    const uint32_t mantissa = (bits & 0x007FFFFFu) | 0x3F000000u;
    float f;
    memcpy(&f, &mantissa, 4);
    if (f < 0.707106781186547524f) {
        e -= 1;
        f = f + f - 1.0f;
    } else {
        f = f - 1.0f;
    }
    const float fe = (float)e;
    const float z = f * f;
    float y = 7.0376836292e-2f;
    y = y * f - 1.1514610310e-1f;
    y = y * f + 1.1676998740e-1f;
    y = y * f - 1.2420140846e-1f;
    y = y * f + 1.4249322787e-1f;
    y = y * f - 1.6668057665e-1f;
    y = y * f + 2.0000714765e-1f;
    y = y * f - 2.4999993993e-1f;
    y = y * f + 3.3333331174e-1f;
    y = y * f * z;
    y = y + -2.12194440e-4f * fe;
    y = y + -0.5f * z;
    return f + y + 0.693359375f * fe;
}

/// Sum of the 8 lanes as the tree (v[l] + v[l+4]), then (t[l] + t[l+2]), then u[0] + u[1]: the
/// last three levels of the 16-lane sum.
FEWSHOT_AVX2 static inline float fewshot_hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/// Maximum of the 8 lanes, by the same tree as fewshot_hsum8 (max(a, b) is a > b ? a : b).
FEWSHOT_AVX2 static inline float fewshot_hmax8(__m256 v) {
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/// A mask selecting the first `count` (0...8) lanes, for loads and stores of a row's tail.
FEWSHOT_AVX2 static inline __m256i fewshot_tail_mask(long count) {
    static const int lanes[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
    return _mm256_loadu_si256((const __m256i *)(lanes + 8 - count));
}

/// The "16-lane sum", the one order in which every reduction of the elementwise kernels adds
/// (Tensor's LaneSum.swift is the portable twin): element i goes to lane i % 16, each lane adds
/// its elements in index order from +0.0, then s[l] = p[l] + p[l+8], t[l] = s[l] + s[l+4],
/// u[l] = t[l] + t[l+2], result u[0] + u[1]. Here lanes 0-7 are `lo`, 8-15 are `hi`; the
/// missing lanes of a tail add +0.0 (harmless: a lane started at +0.0 is never -0.0).
typedef struct {
    __m256 lo, hi;
} fewshot_lanes16;

/// Empty accumulators (+0.0 for a sum, -inf for a maximum).
FEWSHOT_AVX2 static inline fewshot_lanes16 fewshot_lanes16_fill(float value) {
    const fewshot_lanes16 acc = {_mm256_set1_ps(value), _mm256_set1_ps(value)};
    return acc;
}

/// Adds the 8 values of elements j..j+7 (j a multiple of 8; zeros in the lanes past a tail).
FEWSHOT_AVX2 static inline void fewshot_lanes16_add(fewshot_lanes16 *acc, long j, __m256 v) {
    if (j & 8)
        acc->hi = _mm256_add_ps(acc->hi, v);
    else
        acc->lo = _mm256_add_ps(acc->lo, v);
}

/// The sum of the 16 lanes, in the tree order above.
FEWSHOT_AVX2 static inline float fewshot_lanes16_sum(fewshot_lanes16 acc) {
    return fewshot_hsum8(_mm256_add_ps(acc.lo, acc.hi));
}

/// Keeps the lane-wise maximum (acc > v ? acc : v) with elements j..j+7 (-inf past a tail).
FEWSHOT_AVX2 static inline void fewshot_lanes16_max(fewshot_lanes16 *acc, long j, __m256 v) {
    if (j & 8)
        acc->hi = _mm256_max_ps(acc->hi, v);
    else
        acc->lo = _mm256_max_ps(acc->lo, v);
}

/// The maximum of the 16 lanes, by the same tree as the sum.
FEWSHOT_AVX2 static inline float fewshot_lanes16_maximum(fewshot_lanes16 acc) {
    return fewshot_hmax8(_mm256_max_ps(acc.lo, acc.hi));
}

/// The 16-lane sum of x[0..<n].
FEWSHOT_AVX2 static inline float fewshot_sum16(const float *x, long n) {
    fewshot_lanes16 acc = fewshot_lanes16_fill(0.0f);
    long j = 0;
    for (; j + 8 <= n; j += 8) fewshot_lanes16_add(&acc, j, _mm256_loadu_ps(x + j));
    if (j < n) fewshot_lanes16_add(&acc, j, _mm256_maskload_ps(x + j, fewshot_tail_mask(n - j)));
    return fewshot_lanes16_sum(acc);
}

/// The 16-lane sum of the rounded products x[i] * y[i] (no FMA).
FEWSHOT_AVX2 static inline float fewshot_dot16(const float *x, const float *y, long n) {
    fewshot_lanes16 acc = fewshot_lanes16_fill(0.0f);
    long j = 0;
    for (; j + 8 <= n; j += 8) fewshot_lanes16_add(&acc, j, _mm256_mul_ps(_mm256_loadu_ps(x + j), _mm256_loadu_ps(y + j)));
    if (j < n) {
        const __m256i m = fewshot_tail_mask(n - j);
        fewshot_lanes16_add(&acc, j, _mm256_mul_ps(_mm256_maskload_ps(x + j, m), _mm256_maskload_ps(y + j, m)));
    }
    return fewshot_lanes16_sum(acc);
}

/// Lane l of out[c]: lane c of v[l] (an 8 x 8 transpose of 32-bit lanes; integer vectors go
/// through it cast, the bits only move).
FEWSHOT_AVX2 static inline void fewshot_transpose8x8(const __m256 v[8], __m256 out[8]) {
    __m256 t[8], u[8];
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_ps(v[i], v[i + 1]);
        t[i + 1] = _mm256_unpackhi_ps(v[i], v[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
        u[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
        u[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xEE);
        u[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
        u[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
    }
    for (int c = 0; c < 4; c++) {
        out[c] = _mm256_permute2f128_ps(u[c], u[c + 4], 0x20);
        out[c + 4] = _mm256_permute2f128_ps(u[c], u[c + 4], 0x31);
    }
}

#endif
