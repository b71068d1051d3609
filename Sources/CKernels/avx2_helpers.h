// Small AVX2 helpers shared by the kernels (x86-64 only; not part of the module's interface).
#ifndef FEWSHOT_AVX2_HELPERS_H
#define FEWSHOT_AVX2_HELPERS_H

#include "avx2_math.h"

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

/// Compiles one function for AVX2, FMA and F16C; callers check fewshot_cpu_has_avx2_fma() first.
#define AVX2 __attribute__((target("avx2,fma,f16c")))

#endif
