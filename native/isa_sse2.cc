// SSE2 kernels: the x86-64 baseline, for CPUs without AVX2.
#include <emmintrin.h>

#include <atomic>

#include "caches.h"
#include "kernels.h"
#include "parallel.h"

namespace dropmask {
namespace sse2 {
constexpr size_t kVecBytes = 16;  // vector width of the generic (vector-extension) loops
#include "vec_types.inc"
#define DROPMASK_ISA_NAME "sse2"

struct PhiloxLanes {
  static constexpr size_t kVectors = 2;
  static constexpr size_t kLanes = 4 * kVectors;

  static inline void mulhilo(__m128i a, __m128i m, __m128i& hi, __m128i& lo) {
    const __m128i even = _mm_mul_epu32(a, m);                     // lo0 hi0 lo2 hi2
    const __m128i odd = _mm_mul_epu32(_mm_srli_epi64(a, 32), m);  // lo1 hi1 lo3 hi3
    lo = _mm_unpacklo_epi32(_mm_shuffle_epi32(even, 0x08), _mm_shuffle_epi32(odd, 0x08));
    hi = _mm_unpacklo_epi32(_mm_shuffle_epi32(even, 0x0D), _mm_shuffle_epi32(odd, 0x0D));
  }

  static inline void group(uint32_t k0, uint32_t k1, uint64_t block, uint32_t s0, uint32_t s1, uint32_t* out) {
    const __m128i iota = _mm_setr_epi32(0, 1, 2, 3);
    const __m128i sign = _mm_set1_epi32((int)0x80000000u);
    const __m128i m0 = _mm_set1_epi32((int)kPhiloxM0), m1 = _mm_set1_epi32((int)kPhiloxM1);
    __m128i x0[kVectors], x1[kVectors], x2[kVectors], x3[kVectors];
    for (size_t v = 0; v < kVectors; ++v) {
      const uint64_t b = block + 4 * v;
      const __m128i lo = _mm_set1_epi32((int)(uint32_t)b);
      const __m128i hi = _mm_set1_epi32((int)(uint32_t)(b >> 32));
      x0[v] = _mm_add_epi32(lo, iota);
      const __m128i carry = _mm_cmpgt_epi32(_mm_xor_si128(lo, sign), _mm_xor_si128(x0[v], sign));
      x1[v] = _mm_sub_epi32(hi, carry);
      x2[v] = _mm_set1_epi32((int)s0);
      x3[v] = _mm_set1_epi32((int)s1);
    }
    for (int r = 0; r < kPhiloxRounds; ++r) {
      const __m128i key0 = _mm_set1_epi32((int)(k0 + (uint32_t)r * kPhiloxW0));
      const __m128i key1 = _mm_set1_epi32((int)(k1 + (uint32_t)r * kPhiloxW1));
      for (size_t v = 0; v < kVectors; ++v) {
        __m128i hi0, lo0, hi1, lo1;
        mulhilo(x0[v], m0, hi0, lo0);
        mulhilo(x2[v], m1, hi1, lo1);
        x0[v] = _mm_xor_si128(_mm_xor_si128(hi1, x1[v]), key0);
        x1[v] = lo1;
        x2[v] = _mm_xor_si128(_mm_xor_si128(hi0, x3[v]), key1);
        x3[v] = lo0;
      }
    }
    for (size_t v = 0; v < kVectors; ++v) {
      const __m128i t0 = _mm_unpacklo_epi32(x0[v], x1[v]), t1 = _mm_unpacklo_epi32(x2[v], x3[v]);
      const __m128i t2 = _mm_unpackhi_epi32(x0[v], x1[v]), t3 = _mm_unpackhi_epi32(x2[v], x3[v]);
      __m128i* o = (__m128i*)(out + 16 * v);
      _mm_storeu_si128(o, _mm_unpacklo_epi64(t0, t1));
      _mm_storeu_si128(o + 1, _mm_unpackhi_epi64(t0, t1));
      _mm_storeu_si128(o + 2, _mm_unpacklo_epi64(t2, t3));
      _mm_storeu_si128(o + 3, _mm_unpackhi_epi64(t2, t3));
    }
  }
};

// Non-temporal copy for outputs too large for the cache: the stores skip the read-for-ownership
// that regular stores pay, which halves the memory traffic of a mask written once.
static inline void stream_copy(void* dst, const void* src, size_t bytes) {
  char* d = (char*)dst;
  const char* s = (const char*)src;
  size_t head = (16 - ((uintptr_t)d & 15)) & 15;
  if (head > bytes) head = bytes;
  __builtin_memcpy(d, s, head);
  d += head, s += head, bytes -= head;
  for (; bytes >= 16; bytes -= 16, d += 16, s += 16) _mm_stream_si128((__m128i*)d, _mm_loadu_si128((const __m128i*)s));
  __builtin_memcpy(d, s, bytes);
}
static inline void stream_fence() { _mm_sfence(); }
static inline void stream_vec(float* p, VecF v) { _mm_stream_ps(p, (__m128)v); }  // p: 16-byte aligned

#include "keep_bits_scalar.inc"
static inline VecF vec_sqrt(VecF x) { return (VecF)_mm_sqrt_ps((__m128)x); }
constexpr size_t kTileRows = 4;  // rows of the portable GEMM tile (matmul_vec.inc)
static inline VecF vec_fma(VecF a, VecF b, VecF c) { return a * b + c; }
#include "matmul_vec.inc"

#include "kernels.inc"

}  // namespace sse2
}  // namespace dropmask
