// Portable kernels for targets without a SIMD path (the compiler may still vectorise loops).
#include <atomic>

#include "caches.h"
#include "kernels.h"
#include "parallel.h"

namespace dropmask {
namespace scalar {
constexpr size_t kVecBytes = 16;  // vector width of the generic (vector-extension) loops
#include "vec_types.inc"
#define DROPMASK_ISA_NAME "scalar"

static inline void philox_block(uint32_t, uint32_t, uint64_t, uint32_t, uint32_t, uint32_t*);
struct PhiloxLanes {
  static constexpr size_t kLanes = 1;
  static inline void group(uint32_t k0, uint32_t k1, uint64_t block, uint32_t s0, uint32_t s1, uint32_t* out) {
    philox_block(k0, k1, block, s0, s1, out);
  }
};

#include "stream_copy_plain.inc"

#include "keep_bits_scalar.inc"
static inline VecF vec_sqrt(VecF x) {
  for (size_t l = 0; l < kLanesF; ++l) x[l] = __builtin_sqrtf(x[l]);
  return x;
}
constexpr size_t kTileRows = 4;  // rows of the portable GEMM tile (matmul_vec.inc)
static inline VecF vec_fma(VecF a, VecF b, VecF c) { return a * b + c; }
#include "matmul_vec.inc"

#include "kernels.inc"

}  // namespace scalar
}  // namespace dropmask
