#include "axpy.h"

#include <math.h>

#include "cpu_features.h"

// The loop vectorises with vfmadd where the CPU has FMA; each element is still one fma.
#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx2,fma"))) static void axpy_fma(long n, float a, const float *x, float *y) {
    for (long j = 0; j < n; j++) y[j] = __builtin_fmaf(a, x[j], y[j]);
}
#endif

/// Any CPU: libm's fmaf is correctly rounded (in software where there is no instruction).
static void axpy_libm(long n, float a, const float *x, float *y) {
    for (long j = 0; j < n; j++) y[j] = fmaf(a, x[j], y[j]);
}

void fewshot_axpy_fma(long n, float a, const float *x, float *y) {
#if defined(__x86_64__) || defined(__i386__)
    static int has_fma = -1;
    if (has_fma < 0) has_fma = fewshot_cpu_has_avx2_fma();
    if (has_fma) {
        axpy_fma(n, a, x, y);
        return;
    }
#endif
    axpy_libm(n, a, x, y);
}
