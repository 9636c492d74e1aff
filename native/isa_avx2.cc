// AVX2 (+FMA) kernels: 16 Philox blocks in flight. -ffp-contract=off keeps FMA out of every
// kernel that must be bit-identical; only the matmul micro-kernel uses it, explicitly.
#include <immintrin.h>

#include "kernels.h"

namespace dropmask {
namespace avx2 {
constexpr size_t kVecBytes = 32;  // vector width of the generic (vector-extension) loops
#include "vec_types.inc"
#define DROPMASK_ISA_NAME "avx2"

struct PhiloxLanes {
  static constexpr size_t kVectors = 2;
  static constexpr size_t kLanes = 8 * kVectors;

  static inline void mulhilo(__m256i a, __m256i m, __m256i& hi, __m256i& lo) {
    const __m256i even = _mm256_mul_epu32(a, m);
    const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);
    hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
    lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
  }

  static inline void group(uint32_t k0, uint32_t k1, uint64_t block, uint32_t s0, uint32_t s1, uint32_t* out) {
    const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i sign = _mm256_set1_epi32((int)0x80000000u);
    const __m256i m0 = _mm256_set1_epi32((int)kPhiloxM0), m1 = _mm256_set1_epi32((int)kPhiloxM1);
    __m256i x0[kVectors], x1[kVectors], x2[kVectors], x3[kVectors];
    for (size_t v = 0; v < kVectors; ++v) {
      const uint64_t b = block + 8 * v;
      const __m256i lo = _mm256_set1_epi32((int)(uint32_t)b);
      const __m256i hi = _mm256_set1_epi32((int)(uint32_t)(b >> 32));
      x0[v] = _mm256_add_epi32(lo, iota);
      // unsigned x0 < lo means the low word wrapped: carry into the high word (-1 = carry)
      const __m256i carry = _mm256_cmpgt_epi32(_mm256_xor_si256(lo, sign), _mm256_xor_si256(x0[v], sign));
      x1[v] = _mm256_sub_epi32(hi, carry);
      x2[v] = _mm256_set1_epi32((int)s0);
      x3[v] = _mm256_set1_epi32((int)s1);
    }
    for (int r = 0; r < kPhiloxRounds; ++r) {
      const __m256i key0 = _mm256_set1_epi32((int)(k0 + (uint32_t)r * kPhiloxW0));
      const __m256i key1 = _mm256_set1_epi32((int)(k1 + (uint32_t)r * kPhiloxW1));
      for (size_t v = 0; v < kVectors; ++v) {
        __m256i hi0, lo0, hi1, lo1;
        mulhilo(x0[v], m0, hi0, lo0);
        mulhilo(x2[v], m1, hi1, lo1);
        x0[v] = _mm256_xor_si256(_mm256_xor_si256(hi1, x1[v]), key0);
        x1[v] = lo1;
        x2[v] = _mm256_xor_si256(_mm256_xor_si256(hi0, x3[v]), key1);
        x3[v] = lo0;
      }
    }
    for (size_t v = 0; v < kVectors; ++v) {
      const __m256i t0 = _mm256_unpacklo_epi32(x0[v], x1[v]), t1 = _mm256_unpackhi_epi32(x0[v], x1[v]);
      const __m256i t2 = _mm256_unpacklo_epi32(x2[v], x3[v]), t3 = _mm256_unpackhi_epi32(x2[v], x3[v]);
      const __m256i u0 = _mm256_unpacklo_epi64(t0, t2), u1 = _mm256_unpackhi_epi64(t0, t2);
      const __m256i u2 = _mm256_unpacklo_epi64(t1, t3), u3 = _mm256_unpackhi_epi64(t1, t3);
      __m256i* o = (__m256i*)(out + 32 * v);
      _mm256_storeu_si256(o, _mm256_permute2x128_si256(u0, u1, 0x20));
      _mm256_storeu_si256(o + 1, _mm256_permute2x128_si256(u2, u3, 0x20));
      _mm256_storeu_si256(o + 2, _mm256_permute2x128_si256(u0, u1, 0x31));
      _mm256_storeu_si256(o + 3, _mm256_permute2x128_si256(u2, u3, 0x31));
    }
  }
};

static inline void keep_bits_32(const uint16_t* h, size_t groups, uint32_t threshold, uint32_t* out) {
  const __m256i t = _mm256_set1_epi16((short)threshold);
  for (size_t i = 0; i < groups; ++i) {
    const __m256i a = _mm256_loadu_si256((const __m256i*)(h + 32 * i));
    const __m256i b = _mm256_loadu_si256((const __m256i*)(h + 32 * i + 16));
    const __m256i ka = _mm256_cmpeq_epi16(_mm256_max_epu16(a, t), a);  // unsigned a >= t
    const __m256i kb = _mm256_cmpeq_epi16(_mm256_max_epu16(b, t), b);
    // packs interleaves 128-bit lanes (a0-7 b0-7 a8-15 b8-15): put them back in order
    const __m256i bytes = _mm256_permute4x64_epi64(_mm256_packs_epi16(ka, kb), 0xD8);
    out[i] = (uint32_t)_mm256_movemask_epi8(bytes);
  }
}

// Non-temporal copy for outputs too large for the cache: the stores skip the read-for-ownership
// that regular stores pay, which halves the memory traffic of a mask written once.
static inline void stream_copy(void* dst, const void* src, size_t bytes) {
  char* d = (char*)dst;
  const char* s = (const char*)src;
  size_t head = (32 - ((uintptr_t)d & 31)) & 31;
  if (head > bytes) head = bytes;
  __builtin_memcpy(d, s, head);
  d += head, s += head, bytes -= head;
  for (; bytes >= 32; bytes -= 32, d += 32, s += 32) _mm256_stream_si256((__m256i*)d, _mm256_loadu_si256((const __m256i*)s));
  __builtin_memcpy(d, s, bytes);
}
static inline void stream_fence() { _mm_sfence(); }

static inline void keep_bytes(const uint16_t* h, size_t k, uint32_t threshold, uint8_t* o) {
  for (size_t j = 0; j < k; ++j) o[j] = h[j] >= threshold;
}
static inline VecF vec_sqrt(VecF x) { return (VecF)_mm256_sqrt_ps((__m256)x); }
// 6 x 16 FMA tile: 12 accumulators in ymm registers.
struct MicroKernel {
  static constexpr size_t MR = 6, NR = 16;
  static inline void tile(size_t kc, const float* a, const float* b, float* t) {
    __m256 c[MR][2];
    for (size_t r = 0; r < MR; ++r) c[r][0] = c[r][1] = _mm256_setzero_ps();
    for (size_t p = 0; p < kc; ++p) {
      const __m256 b0 = _mm256_loadu_ps(b + p * NR), b1 = _mm256_loadu_ps(b + p * NR + 8);
      for (size_t r = 0; r < MR; ++r) {
        const __m256 av = _mm256_broadcast_ss(a + p * MR + r);
        c[r][0] = _mm256_fmadd_ps(av, b0, c[r][0]);
        c[r][1] = _mm256_fmadd_ps(av, b1, c[r][1]);
      }
    }
    for (size_t r = 0; r < MR; ++r) {
      _mm256_storeu_ps(t + r * NR, c[r][0]);
      _mm256_storeu_ps(t + r * NR + 8, c[r][1]);
    }
  }
};

// No gather-based packing on this ISA: the generic row-by-row path packs op(B).
static inline bool pack_rows_fast(const MatmulArgs&, size_t, size_t, size_t, float*) { return false; }

#include "kernels.inc"

}  // namespace avx2
}  // namespace dropmask
