// AVX2 (+FMA) kernels: 16 Philox blocks in flight. -ffp-contract=off keeps FMA out of every
// kernel that must be bit-identical; only the matmul micro-kernel uses it, explicitly.
#include <immintrin.h>

#include <atomic>

#include "caches.h"
#include "kernels.h"
#include "parallel.h"

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
static inline void stream_vec(float* p, VecF v) { _mm256_stream_ps(p, (__m256)v); }  // p: 32-byte aligned

static inline void keep_bytes(const uint16_t* h, size_t k, uint32_t threshold, uint8_t* o) {
  for (size_t j = 0; j < k; ++j) o[j] = h[j] >= threshold;
}
static inline VecF vec_sqrt(VecF x) { return (VecF)_mm256_sqrt_ps((__m256)x); }
static inline VecF vec_fma(VecF a, VecF b, VecF c) { return (VecF)_mm256_fmadd_ps((__m256)a, (__m256)b, (__m256)c); }

// 6 x 16 FMA tile: 12 ymm accumulators, two B vectors, one broadcast (of 16 registers).
struct MicroKernel {
  static constexpr size_t MR = 6, NR = 16;
  // No tile_drawing or tile_masking: keep bits are drawn before the product, and applied to a
  // packed panel by a separate pass (matmul.inc).
  static constexpr bool kTileDraws = false;
  static constexpr bool kTileMasks = false;
  template <size_t R, size_t RowStride = 0>
  static inline void tile(size_t kc, const float* a, const float* b, float* t) {
    __m256 c0[R], c1[R];
    for (size_t r = 0; r < R; ++r) c0[r] = c1[r] = _mm256_setzero_ps();
    for (size_t p = 0; p < kc; ++p) {
      prefetch_ahead(b + p * NR, kPrefetchBytes, NR * sizeof(float));
      const __m256 b0 = _mm256_loadu_ps(b + p * NR), b1 = _mm256_loadu_ps(b + p * NR + 8);
      for (size_t r = 0; r < R; ++r) {
        const __m256 av = _mm256_broadcast_ss(a + a_index<R, RowStride>(p, r));
        c0[r] = _mm256_fmadd_ps(av, b0, c0[r]);
        c1[r] = _mm256_fmadd_ps(av, b1, c1[r]);
      }
    }
    for (size_t r = 0; r < R; ++r) {
      _mm256_storeu_ps(t + r * NR, c0[r]);
      _mm256_storeu_ps(t + r * NR + 8, c1[r]);
    }
  }
};

// r[c] = column c of the 8 x 8 block whose rows are r[0 .. 7].
static inline void transpose8(__m256 r[8]) {
  const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
  const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
  const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
  const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
  const __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
  const __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
  const __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
  const __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  r[0] = _mm256_permute2f128_ps(s0, s4, 0x20), r[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
  r[2] = _mm256_permute2f128_ps(s2, s6, 0x20), r[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
  r[4] = _mm256_permute2f128_ps(s0, s4, 0x31), r[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
  r[6] = _mm256_permute2f128_ps(s2, s6, 0x31), r[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

// matmul.inc's store_tile_transposed: the rows x cols tile t of Cᵀ (row r: column j + r of C;
// lane q: row i + q) added into C by two 8 x 8 transposes, each row of C written by one masked
// store of `rows` lanes. The operations of store_tile, so the same bits.
// Not inlined: its invariant lane masks and bias, hoisted out of the tile loop, took the registers
// two of the AVX2 tile's accumulators need (spilled, the product ran at half speed).
__attribute__((noinline)) static bool store_transposed_fast(const MatmulArgs& g, const float* t, size_t rows, size_t i,
                                                            size_t cols, size_t j, bool first) {
  const __m256i lanes = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)rows), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  const __m256 bias = first && g.bias ? _mm256_maskload_ps(g.bias + j, lanes) : _mm256_setzero_ps();
  for (size_t h = 0; 8 * h < cols; ++h) {
    __m256 r[8];
    for (size_t x = 0; x < 8; ++x) r[x] = x < rows ? _mm256_loadu_ps(t + x * 16 + 8 * h) : _mm256_setzero_ps();
    transpose8(r);
    const size_t n = cols - 8 * h < 8 ? cols - 8 * h : 8;
    for (size_t q = 0; q < n; ++q) {
      float* c = g.c + (i + 8 * h + q) * g.n + j;
      const __m256 old = _mm256_maskload_ps(c, lanes);
      const __m256 base = first ? _mm256_add_ps(g.accumulate ? old : _mm256_setzero_ps(), bias) : old;
      _mm256_maskstore_ps(c, lanes, _mm256_add_ps(base, r[q]));
    }
  }
  return true;
}

static inline uint32_t keep_bits_at(const uint32_t* keep, size_t e, size_t count);
static inline float masked_b(const MatmulArgs& g, size_t idx);

// Packs rows row0 .. row0 + 15 of b (stored n x k) into the k-major panel o[p * 16 + c] by 8 x 8
// in-register transposes; keep bits mask each row's 8 values as they are loaded.
static inline bool pack_bt_fast(const MatmulArgs& g, size_t row0, size_t p0, size_t kc, float* o) {
  const __m256 scale = _mm256_set1_ps(g.b_scale);
  const __m256i lane = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
  size_t p = 0;
  for (; p + 8 <= kc; p += 8) {
    for (size_t h = 0; h < 2; ++h) {
      __m256 r[8];
      for (size_t i = 0; i < 8; ++i) {
        const size_t e = (row0 + 8 * h + i) * g.k + p0 + p;
        prefetch_ahead(g.b + e, kRowPrefetchBytes, 8 * sizeof(float));
        r[i] = _mm256_loadu_ps(g.b + e);
        if (g.b_keep) {
          const __m256i bits = _mm256_and_si256(_mm256_set1_epi32((int)keep_bits_at(g.b_keep, e, 8)), lane);
          const __m256 keep = _mm256_castsi256_ps(_mm256_cmpeq_epi32(bits, lane));
          r[i] = _mm256_and_ps(keep, _mm256_mul_ps(r[i], scale));
        }
      }
      transpose8(r);
      for (size_t q = 0; q < 8; ++q) _mm256_storeu_ps(o + (p + q) * 16 + 8 * h, r[q]);
    }
  }
  for (; p < kc; ++p)
    for (size_t c = 0; c < 16; ++c) o[p * 16 + c] = masked_b(g, (row0 + c) * g.k + p0 + p);
  return true;
}
#include "kernels.inc"

}  // namespace avx2
}  // namespace dropmask
