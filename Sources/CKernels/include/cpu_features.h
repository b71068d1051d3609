// Which vector instructions the running CPU has, so kernels can pick a path at run time.
#ifndef FEWSHOT_CPU_FEATURES_H
#define FEWSHOT_CPU_FEATURES_H

#include <stdbool.h>

/// True when the CPU (and the operating system) support AVX2, FMA3 and F16C. Kernels compiled with
/// `__attribute__((target("avx2,fma,f16c")))` (or a subset) may run only when this is true.
bool fewshot_cpu_has_avx2_fma(void);

/// The vector features found, one bit each, in the order of `fewshot_cpu_feature_name`.
unsigned fewshot_cpu_feature_mask(void);

/// The name of feature bit `index` (as /proc/cpuinfo spells it), or NULL past the last one.
const char *fewshot_cpu_feature_name(unsigned index);

#endif
