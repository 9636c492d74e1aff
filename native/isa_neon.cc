// NEON kernels (AArch64): 4 Philox blocks per vector, vst4q writes them in stream order.
#include <arm_neon.h>

#include <atomic>

#include "caches.h"
#include "kernels.h"
#include "parallel.h"

namespace dropmask {
namespace neon {
constexpr size_t kVecBytes = 16;  // vector width of the generic (vector-extension) loops
#include "vec_types.inc"
#define DROPMASK_ISA_NAME "neon"

struct PhiloxLanes {
  static constexpr size_t kVectors = 2;
  static constexpr size_t kLanes = 4 * kVectors;

  static inline void mulhilo(uint32x4_t a, uint32x4_t m, uint32x4_t& hi, uint32x4_t& lo) {
    const uint32x4_t p01 = vreinterpretq_u32_u64(vmull_u32(vget_low_u32(a), vget_low_u32(m)));
    const uint32x4_t p23 = vreinterpretq_u32_u64(vmull_high_u32(a, m));
    lo = vuzp1q_u32(p01, p23);
    hi = vuzp2q_u32(p01, p23);
  }

  static inline void group(uint32_t k0, uint32_t k1, uint64_t block, uint32_t s0, uint32_t s1, uint32_t* out) {
    static const uint32_t kIota[4] = {0, 1, 2, 3};
    const uint32x4_t iota = vld1q_u32(kIota);
    const uint32x4_t m0 = vdupq_n_u32(kPhiloxM0), m1 = vdupq_n_u32(kPhiloxM1);
    uint32x4x4_t x[kVectors];
    for (size_t v = 0; v < kVectors; ++v) {
      const uint64_t b = block + 4 * v;
      const uint32x4_t lo = vdupq_n_u32((uint32_t)b);
      x[v].val[0] = vaddq_u32(lo, iota);
      x[v].val[1] = vsubq_u32(vdupq_n_u32((uint32_t)(b >> 32)), vcltq_u32(x[v].val[0], lo));
      x[v].val[2] = vdupq_n_u32(s0);
      x[v].val[3] = vdupq_n_u32(s1);
    }
    for (int r = 0; r < kPhiloxRounds; ++r) {
      const uint32x4_t key0 = vdupq_n_u32(k0 + (uint32_t)r * kPhiloxW0);
      const uint32x4_t key1 = vdupq_n_u32(k1 + (uint32_t)r * kPhiloxW1);
      for (size_t v = 0; v < kVectors; ++v) {
        uint32x4_t hi0, lo0, hi1, lo1;
        mulhilo(x[v].val[0], m0, hi0, lo0);
        mulhilo(x[v].val[2], m1, hi1, lo1);
        x[v].val[0] = veorq_u32(veorq_u32(hi1, x[v].val[1]), key0);
        x[v].val[1] = lo1;
        x[v].val[2] = veorq_u32(veorq_u32(hi0, x[v].val[3]), key1);
        x[v].val[3] = lo0;
      }
    }
    for (size_t v = 0; v < kVectors; ++v) vst4q_u32(out + 16 * v, x[v]);
  }
};

#include "stream_copy_plain.inc"

#include "keep_bits_scalar.inc"
static inline VecF vec_sqrt(VecF x) { return (VecF)vsqrtq_f32((float32x4_t)x); }
constexpr size_t kTileRows = 8;  // rows of the portable GEMM tile (matmul_vec.inc)
static inline VecF vec_fma(VecF a, VecF b, VecF c) { return (VecF)vfmaq_f32((float32x4_t)c, (float32x4_t)a, (float32x4_t)b); }
#include "matmul_vec.inc"

#include "kernels.inc"

}  // namespace neon
}  // namespace dropmask
