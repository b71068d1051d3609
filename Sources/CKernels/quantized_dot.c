#include "quantized_dot.h"

#if defined(__x86_64__)

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#define AVX2 __attribute__((target("avx2,fma,f16c")))

/// The Float value of the little-endian half at `p`.
AVX2 static inline float half_at(const uint8_t *p) {
    uint16_t bits;
    memcpy(&bits, p, 2);
    return _cvtsh_ss(bits);
}

/// Sum of the 8 lanes of `v`.
AVX2 static inline float sum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/// dot(q, x) of one block of 32 nibbles (16 bytes at `qs`) with 32 Floats of x, the nibbles
/// taken as unsigned integers 0-15 (low nibbles first).
AVX2 static inline __m256 nibble_block_dot(const uint8_t *qs, const float *x) {
    const __m128i mask = _mm_set1_epi8(0x0F);
    __m128i q = _mm_loadu_si128((const __m128i *)qs);
    __m128i lo = _mm_and_si128(q, mask);
    __m128i hi = _mm_and_si128(_mm_srli_epi16(q, 4), mask);
    __m256 w0 = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(lo));
    __m256 w1 = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(lo, 8)));
    __m256 w2 = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(hi));
    __m256 w3 = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(hi, 8)));
    __m256 a = _mm256_mul_ps(w0, _mm256_loadu_ps(x));
    __m256 b = _mm256_mul_ps(w1, _mm256_loadu_ps(x + 8));
    a = _mm256_fmadd_ps(w2, _mm256_loadu_ps(x + 16), a);
    b = _mm256_fmadd_ps(w3, _mm256_loadu_ps(x + 24), b);
    return _mm256_add_ps(a, b);
}

AVX2 void fewshot_rows_q4_1(const void *data, size_t row_bytes, long first, long last, const float *x,
                            const float *block_sums, long blocks, float *y) {
    for (long r = first; r < last; r++) {
        const uint8_t *block = (const uint8_t *)data + r * row_bytes;
        __m256 acc = _mm256_setzero_ps();
        float offsets = 0;
        for (long b = 0; b < blocks; b++, block += 20) {
            acc = _mm256_fmadd_ps(_mm256_set1_ps(half_at(block)), nibble_block_dot(block + 4, x + 32 * b), acc);
            offsets += half_at(block + 2) * block_sums[b];
        }
        y[r] = sum8(acc) + offsets;
    }
}

AVX2 void fewshot_rows_q4_0(const void *data, size_t row_bytes, long first, long last, const float *x,
                            const float *block_sums, long blocks, float *y) {
    for (long r = first; r < last; r++) {
        const uint8_t *block = (const uint8_t *)data + r * row_bytes;
        __m256 acc = _mm256_setzero_ps();
        float offsets = 0;
        for (long b = 0; b < blocks; b++, block += 18) {
            float d = half_at(block);
            acc = _mm256_fmadd_ps(_mm256_set1_ps(d), nibble_block_dot(block + 2, x + 32 * b), acc);
            offsets -= 8 * d * block_sums[b];
        }
        y[r] = sum8(acc) + offsets;
    }
}

AVX2 void fewshot_rows_q8_0(const void *data, size_t row_bytes, long first, long last, const float *x,
                            long blocks, float *y) {
    for (long r = first; r < last; r++) {
        const uint8_t *block = (const uint8_t *)data + r * row_bytes;
        __m256 acc = _mm256_setzero_ps();
        for (long b = 0; b < blocks; b++, block += 34) {
            const uint8_t *qs = block + 2;
            const float *xb = x + 32 * b;
            __m256 w0 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)qs)));
            __m256 w1 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(qs + 8))));
            __m256 w2 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(qs + 16))));
            __m256 w3 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(qs + 24))));
            __m256 p = _mm256_mul_ps(w0, _mm256_loadu_ps(xb));
            __m256 s = _mm256_mul_ps(w1, _mm256_loadu_ps(xb + 8));
            p = _mm256_fmadd_ps(w2, _mm256_loadu_ps(xb + 16), p);
            s = _mm256_fmadd_ps(w3, _mm256_loadu_ps(xb + 24), s);
            acc = _mm256_fmadd_ps(_mm256_set1_ps(half_at(block)), _mm256_add_ps(p, s), acc);
        }
        y[r] = sum8(acc);
    }
}

AVX2 void fewshot_rows_f32(const float *data, long first, long last, const float *x, long columns, float *y) {
    for (long r = first; r < last; r++) {
        const float *row = data + r * columns;
        __m256 a = _mm256_setzero_ps(), b = _mm256_setzero_ps();
        long i = 0;
        for (; i + 16 <= columns; i += 16) {
            a = _mm256_fmadd_ps(_mm256_loadu_ps(row + i), _mm256_loadu_ps(x + i), a);
            b = _mm256_fmadd_ps(_mm256_loadu_ps(row + i + 8), _mm256_loadu_ps(x + i + 8), b);
        }
        float tail = 0;
        for (; i < columns; i++) tail += row[i] * x[i];
        y[r] = sum8(_mm256_add_ps(a, b)) + tail;
    }
}

AVX2 void fewshot_rows_f16(const void *data, size_t row_bytes, long first, long last, const float *x, long columns,
                           float *y) {
    for (long r = first; r < last; r++) {
        const uint8_t *row = (const uint8_t *)data + r * row_bytes;
        __m256 a = _mm256_setzero_ps(), b = _mm256_setzero_ps();
        long i = 0;
        for (; i + 16 <= columns; i += 16) {
            __m256 w0 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(row + 2 * i)));
            __m256 w1 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(row + 2 * i + 16)));
            a = _mm256_fmadd_ps(w0, _mm256_loadu_ps(x + i), a);
            b = _mm256_fmadd_ps(w1, _mm256_loadu_ps(x + i + 8), b);
        }
        float tail = 0;
        for (; i < columns; i++) tail += half_at(row + 2 * i) * x[i];
        y[r] = sum8(_mm256_add_ps(a, b)) + tail;
    }
}

AVX2 void fewshot_quantize_q8(const float *x, long blocks, signed char *q, float *scales) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    for (long b = 0; b < blocks; b++) {
        const float *xb = x + 32 * b;
        __m256 v0 = _mm256_loadu_ps(xb), v1 = _mm256_loadu_ps(xb + 8);
        __m256 v2 = _mm256_loadu_ps(xb + 16), v3 = _mm256_loadu_ps(xb + 24);
        __m256 m = _mm256_max_ps(_mm256_max_ps(_mm256_andnot_ps(sign, v0), _mm256_andnot_ps(sign, v1)),
                                 _mm256_max_ps(_mm256_andnot_ps(sign, v2), _mm256_andnot_ps(sign, v3)));
        __m128 h = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
        h = _mm_max_ps(h, _mm_movehl_ps(h, h));
        h = _mm_max_ss(h, _mm_movehdup_ps(h));
        float amax = _mm_cvtss_f32(h);
        float d = amax / 127.0f;
        scales[b] = d;
        __m256 inverse = _mm256_set1_ps(amax > 0 ? 127.0f / amax : 0.0f);
        // Round to nearest (even), then pack 4 x 8 int32 to 32 bytes; packs interleave the
        // 128-bit lanes, which the final permutation undoes.
        __m256i i0 = _mm256_cvtps_epi32(_mm256_mul_ps(v0, inverse));
        __m256i i1 = _mm256_cvtps_epi32(_mm256_mul_ps(v1, inverse));
        __m256i i2 = _mm256_cvtps_epi32(_mm256_mul_ps(v2, inverse));
        __m256i i3 = _mm256_cvtps_epi32(_mm256_mul_ps(v3, inverse));
        __m256i packed = _mm256_packs_epi16(_mm256_packs_epi32(i0, i1), _mm256_packs_epi32(i2, i3));
        _mm256_storeu_si256((__m256i *)(q + 32 * b), _mm256_permutevar8x32_epi32(packed, order));
    }
}

/// The 32 nibbles of a Q4 block (16 bytes at `qs`) as 32 unsigned bytes, low nibbles first.
AVX2 static inline __m256i nibbles(const uint8_t *qs) {
    __m128i q = _mm_loadu_si128((const __m128i *)qs);
    return _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(q, 4), q), _mm256_set1_epi8(0x0F));
}

/// Sum of the products of 32 unsigned bytes `u` (at most 128) and 32 signed bytes `s`, as 8
/// int32 partial sums converted to Float.
AVX2 static inline __m256 byte_dot(__m256i u, __m256i s) {
    __m256i pairs = _mm256_maddubs_epi16(u, s);
    return _mm256_cvtepi32_ps(_mm256_madd_epi16(pairs, _mm256_set1_epi16(1)));
}

AVX2 void fewshot_rows_q4_1_q8(const void *data, size_t row_bytes, long first, long last, const signed char *xq,
                               const float *x_scales, const float *block_sums, long blocks, float *y) {
    for (long r = first; r < last; r++) {
        const uint8_t *block = (const uint8_t *)data + r * row_bytes;
        __m256 acc = _mm256_setzero_ps();
        float offsets = 0;
        for (long b = 0; b < blocks; b++, block += 20) {
            __m256i x8 = _mm256_loadu_si256((const __m256i *)(xq + 32 * b));
            __m256 scale = _mm256_set1_ps(half_at(block) * x_scales[b]);
            acc = _mm256_fmadd_ps(scale, byte_dot(nibbles(block + 4), x8), acc);
            offsets += half_at(block + 2) * block_sums[b];
        }
        y[r] = sum8(acc) + offsets;
    }
}

AVX2 void fewshot_rows_q4_0_q8(const void *data, size_t row_bytes, long first, long last, const signed char *xq,
                               const float *x_scales, const float *block_sums, long blocks, float *y) {
    for (long r = first; r < last; r++) {
        const uint8_t *block = (const uint8_t *)data + r * row_bytes;
        __m256 acc = _mm256_setzero_ps();
        float offsets = 0;
        for (long b = 0; b < blocks; b++, block += 18) {
            float d = half_at(block);
            __m256i x8 = _mm256_loadu_si256((const __m256i *)(xq + 32 * b));
            acc = _mm256_fmadd_ps(_mm256_set1_ps(d * x_scales[b]), byte_dot(nibbles(block + 2), x8), acc);
            offsets -= 8 * d * block_sums[b];
        }
        y[r] = sum8(acc) + offsets;
    }
}

AVX2 void fewshot_rows_q8_0_q8(const void *data, size_t row_bytes, long first, long last, const signed char *xq,
                               const float *x_scales, long blocks, float *y) {
    for (long r = first; r < last; r++) {
        const uint8_t *block = (const uint8_t *)data + r * row_bytes;
        __m256 acc = _mm256_setzero_ps();
        for (long b = 0; b < blocks; b++, block += 34) {
            __m256i w = _mm256_loadu_si256((const __m256i *)(block + 2));
            __m256i x8 = _mm256_loadu_si256((const __m256i *)(xq + 32 * b));
            // maddubs multiplies unsigned by signed bytes: move w's signs onto x.
            __m256 dot = byte_dot(_mm256_sign_epi8(w, w), _mm256_sign_epi8(x8, w));
            acc = _mm256_fmadd_ps(_mm256_set1_ps(half_at(block) * x_scales[b]), dot, acc);
        }
        y[r] = sum8(acc);
    }
}

#endif
