// Which vector instructions the running CPU has, so kernels can pick a path at run time.
#ifndef FEWSHOT_CPU_FEATURES_H
#define FEWSHOT_CPU_FEATURES_H

#include <stdbool.h>

/// True when the CPU (and the operating system) support AVX2, FMA3 and F16C. Kernels compiled with
/// `__attribute__((target("avx2,fma,f16c")))` (or a subset) may run only when this is true. `FEWSHOT_NO_AVX2=1`
/// in the environment forces false, so the portable Swift paths can be tested and compared.
bool fewshot_cpu_has_avx2_fma(void);

#endif
