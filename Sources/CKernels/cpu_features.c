#include "cpu_features.h"

#include <stddef.h>

bool fewshot_cpu_has_avx2_fma(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
#else
    return false;
#endif
}

static const char *const feature_names[] = {
    "sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl", "avx512vnni", "avx512bf16",
};

unsigned fewshot_cpu_feature_mask(void) {
    unsigned mask = 0;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    // __builtin_cpu_supports takes a literal, so the list is spelled out in the names' order.
    const int found[] = {
        __builtin_cpu_supports("sse4.2"),   __builtin_cpu_supports("avx"),      __builtin_cpu_supports("avx2"),
        __builtin_cpu_supports("fma"),      __builtin_cpu_supports("f16c"),     __builtin_cpu_supports("avx512f"),
        __builtin_cpu_supports("avx512bw"), __builtin_cpu_supports("avx512vl"), __builtin_cpu_supports("avx512vnni"),
        __builtin_cpu_supports("avx512bf16"),
    };
    for (unsigned i = 0; i < sizeof(found) / sizeof(found[0]); i++)
        if (found[i]) mask |= 1u << i;
#endif
    return mask;
}

const char *fewshot_cpu_feature_name(unsigned index) {
    return index < sizeof(feature_names) / sizeof(feature_names[0]) ? feature_names[index] : NULL;
}
