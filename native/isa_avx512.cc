// AVX-512 (F, BW, VL, DQ) kernels: 32 Philox blocks in flight, mask registers for keep bits.
// Compiled with -mavx512* only in this file; dispatch.cc calls it only on CPUs that have it.
#include <immintrin.h>

#include "kernels.h"

namespace dropmask {
namespace avx512 {
constexpr size_t kVecBytes = 64;  // vector width of the generic (vector-extension) loops
#include "vec_types.inc"
#define DROPMASK_ISA_NAME "avx512"

struct PhiloxLanes {
  static constexpr size_t kVectors = 4;  // independent groups, to hide the multiply latency
  static constexpr size_t kLanes = 16 * kVectors;

  // even/odd hold the 64-bit products of the even/odd lanes; a masked in-pair swap moves each
  // product's other half into place (one instruction where shift + blend would take two).
  static inline void mulhilo(__m512i a, __m512i m, __m512i& hi, __m512i& lo) {
    const __m512i even = _mm512_mul_epu32(a, m);
    const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), m);
    hi = _mm512_mask_shuffle_epi32(odd, 0x5555, even, _MM_PERM_CDAB);
    lo = _mm512_mask_shuffle_epi32(even, 0xAAAA, odd, _MM_PERM_CDAB);
  }

  static inline void group(uint32_t k0, uint32_t k1, uint64_t block, uint32_t s0, uint32_t s1, uint32_t* out) {
    const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m512i m0 = _mm512_set1_epi32((int)kPhiloxM0), m1 = _mm512_set1_epi32((int)kPhiloxM1);
    __m512i x0[kVectors], x1[kVectors], x2[kVectors], x3[kVectors];
    for (size_t v = 0; v < kVectors; ++v) {
      const uint64_t b = block + 16 * v;
      const __m512i lo = _mm512_set1_epi32((int)(uint32_t)b);
      const __m512i hi = _mm512_set1_epi32((int)(uint32_t)(b >> 32));
      x0[v] = _mm512_add_epi32(lo, iota);
      x1[v] = _mm512_mask_add_epi32(hi, _mm512_cmplt_epu32_mask(x0[v], lo), hi, _mm512_set1_epi32(1));
      x2[v] = _mm512_set1_epi32((int)s0);
      x3[v] = _mm512_set1_epi32((int)s1);
    }
    for (int r = 0; r < kPhiloxRounds; ++r) {
      const __m512i key0 = _mm512_set1_epi32((int)(k0 + (uint32_t)r * kPhiloxW0));
      const __m512i key1 = _mm512_set1_epi32((int)(k1 + (uint32_t)r * kPhiloxW1));
      for (size_t v = 0; v < kVectors; ++v) {
        __m512i hi0, lo0, hi1, lo1;
        mulhilo(x0[v], m0, hi0, lo0);
        mulhilo(x2[v], m1, hi1, lo1);
        x0[v] = _mm512_ternarylogic_epi32(hi1, x1[v], key0, 0x96);  // three-way xor
        x1[v] = lo1;
        x2[v] = _mm512_ternarylogic_epi32(hi0, x3[v], key1, 0x96);
        x3[v] = lo0;
      }
    }
    for (size_t v = 0; v < kVectors; ++v) {
      // Lane l of x_w is word w of block l: transpose to block-major order.
      const __m512i t0 = _mm512_unpacklo_epi32(x0[v], x1[v]), t1 = _mm512_unpackhi_epi32(x0[v], x1[v]);
      const __m512i t2 = _mm512_unpacklo_epi32(x2[v], x3[v]), t3 = _mm512_unpackhi_epi32(x2[v], x3[v]);
      const __m512i u0 = _mm512_unpacklo_epi64(t0, t2), u1 = _mm512_unpackhi_epi64(t0, t2);
      const __m512i u2 = _mm512_unpacklo_epi64(t1, t3), u3 = _mm512_unpackhi_epi64(t1, t3);
      const __m512i v0 = _mm512_shuffle_i32x4(u0, u1, 0x44), v1 = _mm512_shuffle_i32x4(u2, u3, 0x44);
      const __m512i v2 = _mm512_shuffle_i32x4(u0, u1, 0xEE), v3 = _mm512_shuffle_i32x4(u2, u3, 0xEE);
      uint32_t* o = out + 64 * v;
      _mm512_storeu_si512(o, _mm512_shuffle_i32x4(v0, v1, 0x88));
      _mm512_storeu_si512(o + 16, _mm512_shuffle_i32x4(v0, v1, 0xDD));
      _mm512_storeu_si512(o + 32, _mm512_shuffle_i32x4(v2, v3, 0x88));
      _mm512_storeu_si512(o + 48, _mm512_shuffle_i32x4(v2, v3, 0xDD));
    }
  }
};

// out[i] bit j = (h[32 i + j] >= threshold), for `groups` groups of 32 halves.
static inline void keep_bits_32(const uint16_t* h, size_t groups, uint32_t threshold, uint32_t* out) {
  const __m512i t = _mm512_set1_epi16((short)threshold);
  for (size_t i = 0; i < groups; ++i) out[i] = (uint32_t)_mm512_cmpge_epu16_mask(_mm512_loadu_si512(h + 32 * i), t);
}

// Non-temporal copy for outputs too large for the cache: the stores skip the read-for-ownership
// that regular stores pay, which halves the memory traffic of a mask written once.
static inline void stream_copy(void* dst, const void* src, size_t bytes) {
  char* d = (char*)dst;
  const char* s = (const char*)src;
  size_t head = (64 - ((uintptr_t)d & 63)) & 63;
  if (head > bytes) head = bytes;
  __builtin_memcpy(d, s, head);
  d += head, s += head, bytes -= head;
  for (; bytes >= 64; bytes -= 64, d += 64, s += 64) _mm512_stream_si512((__m512i*)d, _mm512_loadu_si512(s));
  __builtin_memcpy(d, s, bytes);
}
static inline void stream_fence() { _mm_sfence(); }

// o[j] = (h[j] >= threshold) for j < k: 64 decisions per mask register.
static inline void keep_bytes(const uint16_t* h, size_t k, uint32_t threshold, uint8_t* o) {
  const __m512i t = _mm512_set1_epi16((short)threshold);
  const __m512i one = _mm512_set1_epi8(1);
  size_t j = 0;
  for (; j + 64 <= k; j += 64) {
    const __mmask64 lo = _mm512_cmpge_epu16_mask(_mm512_loadu_si512(h + j), t);
    const __mmask64 hi = _mm512_cmpge_epu16_mask(_mm512_loadu_si512(h + j + 32), t);
    _mm512_storeu_si512(o + j, _mm512_maskz_mov_epi8(lo | hi << 32, one));
  }
  for (; j < k; ++j) o[j] = h[j] >= threshold;
}
static inline VecF vec_sqrt(VecF x) { return (VecF)_mm512_sqrt_ps((__m512)x); }
// 8 x 32 FMA tile: 16 accumulators in zmm registers, B panel rows loaded once per k (8 rows
// divide the usual batch sizes, so edge tiles waste no FMAs).
struct MicroKernel {
  static constexpr size_t MR = 8, NR = 32;
  static inline void tile(size_t kc, const float* a, const float* b, float* t) {
    __m512 c[MR][2];
    for (size_t r = 0; r < MR; ++r) c[r][0] = c[r][1] = _mm512_setzero_ps();
    for (size_t p = 0; p < kc; ++p) {
      const __m512 b0 = _mm512_loadu_ps(b + p * NR), b1 = _mm512_loadu_ps(b + p * NR + 16);
      for (size_t r = 0; r < MR; ++r) {
        const __m512 av = _mm512_set1_ps(a[p * MR + r]);
        c[r][0] = _mm512_fmadd_ps(av, b0, c[r][0]);
        c[r][1] = _mm512_fmadd_ps(av, b1, c[r][1]);
      }
    }
    for (size_t r = 0; r < MR; ++r) {
      _mm512_storeu_ps(t + r * NR, c[r][0]);
      _mm512_storeu_ps(t + r * NR + 16, c[r][1]);
    }
  }
};

// Packs rows row0 .. row0 + 31 of b (stored n x k), columns p0 .. p0 + kc - 1, into the k-major
// panel o[p * 32 + c] with two 16-lane gathers per p instead of 32 scalar moves; with keep bits,
// their 32 bits are gathered too and applied as keep ? v * scale : 0, exactly as masked_b does.
static inline bool pack_rows_fast(const MatmulArgs& g, size_t row0, size_t p0, size_t kc, float* o) {
  if ((double)g.n * (double)g.k >= 2147483648.0) return false;  // 32-bit gather indices
  const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const __m512i idx0 = _mm512_mullo_epi32(lane, _mm512_set1_epi32((int)g.k));
  const __m512i idx1 = _mm512_add_epi32(idx0, _mm512_set1_epi32((int)(16 * g.k)));
  const float* base = g.b + row0 * g.k + p0;
  if (!g.b_keep) {
    for (size_t p = 0; p < kc; ++p) {
      _mm512_storeu_ps(o + p * 32, _mm512_i32gather_ps(idx0, base + p, 4));
      _mm512_storeu_ps(o + p * 32 + 16, _mm512_i32gather_ps(idx1, base + p, 4));
    }
    return true;
  }
  const __m512 scale = _mm512_set1_ps(g.b_scale);
  const __m512i one = _mm512_set1_epi32(1), low5 = _mm512_set1_epi32(31);
  const int e0 = (int)(row0 * g.k + p0);
  for (size_t p = 0; p < kc; ++p) {
    for (int h = 0; h < 2; ++h) {
      const __m512i idx = h ? idx1 : idx0;
      const __m512i e = _mm512_add_epi32(idx, _mm512_set1_epi32(e0 + (int)p));
      const __m512i words = _mm512_i32gather_epi32(_mm512_srli_epi32(e, 5), (const void*)g.b_keep, 4);
      const __mmask16 keep = _mm512_test_epi32_mask(_mm512_srlv_epi32(words, _mm512_and_si512(e, low5)), one);
      _mm512_storeu_ps(o + p * 32 + 16 * h, _mm512_maskz_mul_ps(keep, _mm512_i32gather_ps(idx, base + p, 4), scale));
    }
  }
  return true;
}
#include "kernels.inc"

}  // namespace avx512
}  // namespace dropmask
