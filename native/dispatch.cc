// Picks the widest kernel table this CPU and OS support. Never compiled with -march flags:
// the choice is made at run time so one binary serves every x86-64 CPU.
#include "kernels.h"

namespace dropmask {

const Kernels& select_kernels() {
#if defined(__x86_64__) || defined(_M_X64)
  __builtin_cpu_init();
  // libgcc reports AVX/AVX-512 only when the OS also saves their registers (XCR0).
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512dq"))
    return avx512::kKernels;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return avx2::kKernels;
  return sse2::kKernels;
#elif defined(__aarch64__)
  return neon::kKernels;
#else
  return scalar::kKernels;
#endif
}

}  // namespace dropmask
