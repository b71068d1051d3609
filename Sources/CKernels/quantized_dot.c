#include "quantized_dot.h"

#if defined(__x86_64__)

#include "avx2_helpers.h"

#include <stdbool.h>

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

/// Q4 rows with Float activations: `with_min` for Q4_1 (d, m, nibbles; weight = q d + m), else
/// Q4_0 (d, nibbles; weight = (q - 8) d). The offsets multiply the block sums of x.
AVX2 static inline __attribute__((always_inline)) void q4_rows(
    bool with_min, const void *data, size_t row_bytes, long first, long last, const float *x,
    const float *block_sums, long blocks, float *y) {
    const long block_bytes = with_min ? 20 : 18, nibbles_at = with_min ? 4 : 2;
    for (long r = first; r < last; r++) {
        const uint8_t *block = (const uint8_t *)data + r * row_bytes;
        __m256 acc = _mm256_setzero_ps();
        float offsets = 0;
        for (long b = 0; b < blocks; b++, block += block_bytes) {
            float d = half_at(block);
            acc = _mm256_fmadd_ps(_mm256_set1_ps(d), nibble_block_dot(block + nibbles_at, x + 32 * b), acc);
            offsets += (with_min ? half_at(block + 2) : -8 * d) * block_sums[b];
        }
        y[r] = fewshot_hsum8(acc) + offsets;
    }
}

AVX2 void fewshot_rows_q4_1(const void *data, size_t row_bytes, long first, long last, const float *x,
                            const float *block_sums, long blocks, float *y) {
    q4_rows(true, data, row_bytes, first, last, x, block_sums, blocks, y);
}

AVX2 void fewshot_rows_q4_0(const void *data, size_t row_bytes, long first, long last, const float *x,
                            const float *block_sums, long blocks, float *y) {
    q4_rows(false, data, row_bytes, first, last, x, block_sums, blocks, y);
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
        y[r] = fewshot_hsum8(acc);
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
        y[r] = fewshot_hsum8(_mm256_add_ps(a, b)) + tail;
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
        y[r] = fewshot_hsum8(_mm256_add_ps(a, b)) + tail;
    }
}

#endif
