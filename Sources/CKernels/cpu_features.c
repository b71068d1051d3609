#include "cpu_features.h"

#include <stdlib.h>

bool fewshot_cpu_has_avx2_fma(void) {
    const char *disabled = getenv("FEWSHOT_NO_AVX2");
    if (disabled && disabled[0] == '1') return false;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
#else
    return false;
#endif
}
