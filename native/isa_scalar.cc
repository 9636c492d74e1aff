// Portable kernels for targets without a SIMD path (the compiler may still vectorise loops).
#include "kernels.h"

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

// No non-temporal store here: a plain copy keeps the kernels' shape.
static inline void stream_copy(void* dst, const void* src, size_t bytes) { __builtin_memcpy(dst, src, bytes); }
static inline void stream_fence() {}

#include "keep_bits_scalar.inc"
static inline VecF vec_sqrt(VecF x) {
  for (size_t l = 0; l < kLanesF; ++l) x[l] = __builtin_sqrtf(x[l]);
  return x;
}
// Portable GEMM micro-kernel on 16-byte vectors: 4 x 8 tile, separate multiply and add.
struct MicroKernel {
  static constexpr size_t MR = 4, NR = 2 * kLanesF;
  static inline void tile(size_t kc, const float* a, const float* b, float* t) {
    VecF c[MR][2] = {};
    for (size_t p = 0; p < kc; ++p) {
      VecF b0, b1;
      __builtin_memcpy(&b0, b + p * NR, kVecBytes);
      __builtin_memcpy(&b1, b + p * NR + kLanesF, kVecBytes);
      for (size_t r = 0; r < MR; ++r) {
        const VecF av = VecF{} + a[p * MR + r];
        c[r][0] += av * b0;
        c[r][1] += av * b1;
      }
    }
    for (size_t r = 0; r < MR; ++r) {
      __builtin_memcpy(t + r * NR, &c[r][0], kVecBytes);
      __builtin_memcpy(t + r * NR + kLanesF, &c[r][1], kVecBytes);
    }
  }
};

#include "kernels.inc"

}  // namespace scalar
}  // namespace dropmask
