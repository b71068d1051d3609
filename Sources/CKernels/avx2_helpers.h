// Small AVX2 helpers shared by the kernels (x86-64 only; not part of the module's interface).
#ifndef FEWSHOT_AVX2_HELPERS_H
#define FEWSHOT_AVX2_HELPERS_H

#include "avx2_math.h"

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

/// Compiles one function for AVX2, FMA and F16C; callers check fewshot_cpu_has_avx2_fma() first.
#define AVX2 __attribute__((target("avx2,fma,f16c")))

/// The Float value of the little-endian half at `p`.
AVX2 static inline float half_at(const uint8_t *p) {
    uint16_t bits;
    memcpy(&bits, p, 2);
    return _cvtsh_ss(bits);
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

#endif
