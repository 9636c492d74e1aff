// AVX-512 (F, BW, VL, DQ) kernels: 32 Philox blocks in flight, mask registers for keep bits.
// Compiled with -mavx512* only in this file; dispatch.cc calls it only on CPUs that have it.
#include <immintrin.h>

#include <atomic>

#include "caches.h"
#include "kernels.h"
#include "parallel.h"

namespace dropmask {
namespace avx512 {
constexpr size_t kVecBytes = 64;  // vector width of the generic (vector-extension) loops
#include "vec_types.inc"
#define DROPMASK_ISA_NAME "avx512"

// Philox4x32-10 on 8 consecutive blocks, one per 64-bit lane, each word in the low half of its
// lane: vpmuludq reads only low halves, so a product is used as it comes (its low half is the
// next c1/c3) and one swap of its halves brings the high half down for the xor. No merge-masked
// shuffles (destructive: each cost a copy) and no odd-lane shift: a round is 2 multiplies, 2
// swaps, 2 xors per 8 blocks. The high halves carry garbage that no multiply or output reads.
struct PhiloxGroup {
  __m512i a, b, pa, pb;  // c0, c2, and c3, c1 (low halves)

  inline void start(uint64_t block, uint32_t s0, uint32_t s1) {
    // Lane i holds block perm[i], so the closing 64-bit unpacks land blocks in stream order.
    const __m512i perm = _mm512_setr_epi64(0, 4, 1, 5, 2, 6, 3, 7);
    const __m512i counter = _mm512_add_epi64(_mm512_set1_epi64((long long)block), perm);
    a = counter;
    pb = _mm512_srli_epi64(counter, 32);
    b = _mm512_set1_epi64(s0);
    pa = _mm512_set1_epi64(s1);
  }
  inline void round(__m512i key0, __m512i key1) {
    const __m512i p0 = _mm512_mul_epu32(a, _mm512_set1_epi64(kPhiloxM0)), p1 = _mm512_mul_epu32(b, _mm512_set1_epi64(kPhiloxM1));
    // a rotate and a shuffle do the same swap on different ports (Intel: p0 and p5)
    a = _mm512_ternarylogic_epi32(_mm512_ror_epi64(p1, 32), pb, key0, 0x96);  // three-way xor
    b = _mm512_ternarylogic_epi32(_mm512_shuffle_epi32(p0, _MM_PERM_CDAB), pa, key1, 0x96);
    pa = p0;
    pb = p1;
  }
  // The 32 words of the 8 blocks, in stream order: words 0 .. 15 in lo, 16 .. 31 in hi.
  inline void words(__m512i& lo, __m512i& hi) const {
    const __m512i w01 = _mm512_mask_shuffle_epi32(a, 0xAAAA, pb, _MM_PERM_CDAB);  // c0 c1 per lane
    const __m512i w23 = _mm512_mask_shuffle_epi32(b, 0xAAAA, pa, _MM_PERM_CDAB);  // c2 c3
    lo = _mm512_unpacklo_epi64(w01, w23);
    hi = _mm512_unpackhi_epi64(w01, w23);
  }
};

struct PhiloxLanes {
  static constexpr size_t kVectors = 4;  // independent groups, to hide the multiply latency
  static constexpr size_t kLanes = 8 * kVectors;

  // The 4 * kLanes words of blocks [block, block + kLanes) in registers, in stream order: w[i]
  // holds words 16 i .. 16 i + 15.
  static inline void words(uint32_t k0, uint32_t k1, uint64_t block, uint32_t s0, uint32_t s1, __m512i w[2 * kVectors]) {
    PhiloxGroup g[kVectors];
    for (size_t v = 0; v < kVectors; ++v) g[v].start(block + 8 * v, s0, s1);
    for (int r = 0; r < kPhiloxRounds; ++r) {
      const __m512i key0 = _mm512_set1_epi32((int)(k0 + (uint32_t)r * kPhiloxW0));
      const __m512i key1 = _mm512_set1_epi32((int)(k1 + (uint32_t)r * kPhiloxW1));
      for (size_t v = 0; v < kVectors; ++v) g[v].round(key0, key1);
    }
    for (size_t v = 0; v < kVectors; ++v) g[v].words(w[2 * v], w[2 * v + 1]);
  }

  static inline void group(uint32_t k0, uint32_t k1, uint64_t block, uint32_t s0, uint32_t s1, uint32_t* out) {
    __m512i w[2 * kVectors];
    words(k0, k1, block, s0, s1, w);
    for (size_t i = 0; i < 2 * kVectors; ++i) _mm512_storeu_si512(out + 16 * i, w[i]);
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
static inline void stream_vec(float* p, VecF v) { _mm512_stream_ps(p, (__m512)v); }  // p: 64-byte aligned

// bernoulli_bits's words straight from registers: output word i holds the decisions of halves
// 2 phase + 32 i .. + 31, picked from two consecutive word registers by one two-source permute
// (an even shift: whole words) and made by one compare; no trip through a staging buffer (5 %
// faster on 2^20 decisions, a shared DropConnect mask: the generator bounds the rest).
#define DROPMASK_KEEP_BITS_STREAM 1
static inline void keep_bits_stream(uint32_t* out, size_t words_out, const Counter& c, uint32_t threshold) {
  constexpr size_t kRegs = 2 * PhiloxLanes::kVectors;
  const __m512i t = _mm512_set1_epi16((short)threshold);
  const __m512i pick =
      _mm512_add_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), _mm512_set1_epi32((int)c.phase));
  uint64_t block = c.block;
  __m512i w[kRegs];
  PhiloxLanes::words(c.k0, c.k1, block, c.s0, c.s1, w);
  block += PhiloxLanes::kLanes;
  __m512i prev = w[0];
  size_t r = 1;
  for (size_t i = 0; i < words_out; ++i, ++r) {
    if (r == kRegs) {
      PhiloxLanes::words(c.k0, c.k1, block, c.s0, c.s1, w);
      block += PhiloxLanes::kLanes;
      r = 0;
    }
    out[i] = (uint32_t)_mm512_cmpge_epu16_mask(_mm512_permutex2var_epi32(prev, pick, w[r]), t);
    prev = w[r];
  }
}

// Keep decisions for a vector of 16 elements: a mask register.
#define DROPMASK_STREAM_KEEP 1
typedef __mmask16 KeepVec;
static inline VecF select_keep(KeepVec k, VecF v) { return (VecF)_mm512_maskz_mov_ps(k, (__m512)v); }

static inline void philox_block(uint32_t k0, uint32_t k1, uint64_t block, uint32_t s0, uint32_t s1, uint32_t* out);

// Element j's keep decision, from its own block: the head and the tail of stream_keep.
__attribute__((noinline)) static bool keep_at(const Counter& c, size_t j, uint32_t threshold) {
  const uint64_t half = 2 * (uint64_t)c.phase + j;
  alignas(16) uint32_t w[4];
  philox_block(c.k0, c.k1, c.block + half / 8, c.s0, c.s1, w);
  return ((const uint16_t*)w)[half % 8] >= threshold;
}

// philox.inc's stream_keep with the words kept in registers: the 32 halves that the next 32
// elements read are picked from two consecutive word registers by one two-source permute (the
// offset between the output's alignment and the stream is a run-time index, any of 0 .. 31), one
// compare makes their 32 decisions, and each half of that mask drives one aligned vector. The
// portable walk's trip through a halves buffer measured 10-20 % slower on the 2^24-element mask.
// The unaligned head and the tail take their halves one block at a time.
template <class One, class Vec>
static inline void stream_keep(float* o, size_t n, const Counter& c, uint32_t threshold, One&& one, Vec&& vec) {
  constexpr size_t kRegs = 2 * PhiloxLanes::kVectors;  // word registers per lane group, 32 halves each
  const size_t head = vector_head(o, n);
  size_t j = 0;
  for (; j < head; ++j) o[j] = one(keep_at(c, j, threshold), j);
  if (n - j >= 16) {
    const __m512i t = _mm512_set1_epi16((short)threshold);
    // lane i of a chunk is half `shift + i` of (previous register, current register); an even
    // shift (the usual case: an odd one needs an odd float offset) moves whole words, one
    // micro-op on Intel where the 16-bit permute takes three on the port Philox's swaps use
    const unsigned shift = 2 * c.phase + (unsigned)j;  // < 32: inside the first register
    alignas(64) uint16_t lanes[32];
    for (unsigned i = 0; i < 32; ++i) lanes[i] = (uint16_t)(shift + i);  // bit 5 picks the current register
    const __m512i pick16 = _mm512_load_si512(lanes);
    const __m512i pick32 = _mm512_add_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                            _mm512_set1_epi32((int)(shift / 2)));
    const bool odd = shift & 1;
    const auto chunk = [&](__m512i prev, __m512i cur) {  // the vectors of elements j .. j + 31 that fit
      const __m512i halves = odd ? _mm512_permutex2var_epi16(prev, pick16, cur) : _mm512_permutex2var_epi32(prev, pick32, cur);
      const __mmask32 k = _mm512_cmpge_epu16_mask(halves, t);
      stream_vec(o + j, vec((KeepVec)k, j));
      if (n - j >= 32) stream_vec(o + j + 16, vec((KeepVec)(k >> 16), j + 16));
      j += n - j >= 32 ? 32 : 16;
    };
    uint64_t block = c.block;
    __m512i prev;
    {  // the first group: its first register only feeds the first chunk
      __m512i w[kRegs];
      PhiloxLanes::words(c.k0, c.k1, block, c.s0, c.s1, w);
      block += PhiloxLanes::kLanes;
      prev = w[0];
      for (size_t i = 1; i < kRegs && n - j >= 16; ++i) chunk(prev, w[i]), prev = w[i];
    }
    while (n - j >= 32 * kRegs) {  // whole groups, all in registers
      __m512i w[kRegs];
      PhiloxLanes::words(c.k0, c.k1, block, c.s0, c.s1, w);
      block += PhiloxLanes::kLanes;
#pragma GCC unroll 8
      for (size_t i = 0; i < kRegs; ++i) chunk(i ? w[i - 1] : prev, w[i]);
      prev = w[kRegs - 1];
    }
    if (n - j >= 16) {  // the last group: the chunks that fit
      __m512i w[kRegs];
      PhiloxLanes::words(c.k0, c.k1, block, c.s0, c.s1, w);
      for (size_t i = 0; i < kRegs && n - j >= 16; ++i) chunk(prev, w[i]), prev = w[i];
    }
  }
  for (; j < n; ++j) o[j] = one(keep_at(c, j, threshold), j);
  stream_fence();
}

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
static inline VecF vec_fma(VecF a, VecF b, VecF c) { return (VecF)_mm512_fmadd_ps((__m512)a, (__m512)b, (__m512)c); }

// 12 x 32 FMA tile (MLAS's AVX-512 shape): 24 zmm accumulators, two B vectors and one broadcast
// of A per FMA pair, so loads stay well under the FMA rate on every AVX-512 core (Intel's two
// 512-bit FMA ports and AMD's double-pumped ones). R < 12 rows instantiate their own copy.
struct MicroKernel {
  static constexpr size_t MR = 12, NR = 32;
  template <size_t R, size_t RowStride = 0>
  static inline void tile(size_t kc, const float* a, const float* b, float* t) {
    __m512 c0[R], c1[R];
    for (size_t r = 0; r < R; ++r) c0[r] = c1[r] = _mm512_setzero_ps();
    for (size_t p = 0; p < kc; ++p) {
      prefetch_ahead(b + p * NR, kPrefetchBytes, NR * sizeof(float));
      const __m512 b0 = _mm512_loadu_ps(b + p * NR), b1 = _mm512_loadu_ps(b + p * NR + 16);
      for (size_t r = 0; r < R; ++r) {
        const __m512 av = _mm512_set1_ps(a[a_index<R, RowStride>(p, r)]);
        c0[r] = _mm512_fmadd_ps(av, b0, c0[r]);
        c1[r] = _mm512_fmadd_ps(av, b1, c1[r]);
      }
    }
    for (size_t r = 0; r < R; ++r) {
      _mm512_storeu_ps(t + r * NR, c0[r]);
      _mm512_storeu_ps(t + r * NR + 16, c1[r]);
    }
  }

  // tile() carrying a draw: for every kPhiloxRounds depths it also runs a group of 8 Philox
  // blocks from `draw`, a round per depth, and stores the group's words, so the rounds run in
  // slots the FMAs leave instead of in a pass of their own. How much that hides depends on the
  // core: on Zen 5, whose Philox multiplies compete with the FMAs for the vector multipliers, a
  // 64 x 1024 x 1024 DropConnect call is only 2-5 % faster than drawing the bits first, in
  // chunks. The sums are tile()'s, bit for bit.
  static constexpr bool kTileDraws = true;
  template <size_t R>
  static inline void tile_drawing(size_t kc, const float* a, const float* b, float* t, BlockDraw& draw) {
    __m512 c0[R], c1[R];
    for (size_t r = 0; r < R; ++r) c0[r] = c1[r] = _mm512_setzero_ps();
    const auto depth = [&](size_t p) {
      const __m512 b0 = _mm512_loadu_ps(b + p * NR), b1 = _mm512_loadu_ps(b + p * NR + 16);
      for (size_t r = 0; r < R; ++r) {
        const __m512 av = _mm512_set1_ps(a[p * R + r]);
        c0[r] = _mm512_fmadd_ps(av, b0, c0[r]);
        c1[r] = _mm512_fmadd_ps(av, b1, c1[r]);
      }
    };
    // Short tiles have registers to spare and fewer FMAs per depth: two groups at a time.
    constexpr size_t G = R <= 6 ? 2 : 1;
    size_t p = 0;
    for (; p + kPhiloxRounds <= kc && draw.next + 8 * (G - 1) < draw.end; p += kPhiloxRounds) {
      PhiloxGroup g[G];
      for (size_t i = 0; i < G; ++i) g[i].start(draw.next + 8 * i, draw.s0, draw.s1);
      for (int r = 0; r < kPhiloxRounds; ++r) {
        depth(p + (size_t)r);
        const __m512i key0 = _mm512_set1_epi32((int)draw.keys[2 * r]), key1 = _mm512_set1_epi32((int)draw.keys[2 * r + 1]);
        for (size_t i = 0; i < G; ++i) g[i].round(key0, key1);
      }
      for (size_t i = 0; i < G; ++i) {
        __m512i lo, hi;
        g[i].words(lo, hi);
        uint32_t* out = draw.words + 4 * (draw.next - draw.first);
        _mm512_storeu_si512(out, lo);
        _mm512_storeu_si512(out + 16, hi);
        draw.next += 8;
      }
    }
    for (; p < kc; ++p) depth(p);
    for (size_t r = 0; r < R; ++r) {
      _mm512_storeu_ps(t + r * NR, c0[r]);
      _mm512_storeu_ps(t + r * NR + 16, c1[r]);
    }
  }

  // The groups of `draw` no tile carried: PhiloxLanes' 4 groups at a time (one group alone waits
  // on its multiplies), then one.
  static inline void draw_rest(BlockDraw& draw) {
    for (; draw.next + PhiloxLanes::kLanes <= draw.end; draw.next += PhiloxLanes::kLanes)
      PhiloxLanes::group(draw.keys[0], draw.keys[1], draw.next, draw.s0, draw.s1, draw.words + 4 * (draw.next - draw.first));
    for (; draw.next < draw.end; draw.next += 8) {
      PhiloxGroup g;
      g.start(draw.next, draw.s0, draw.s1);
      for (int r = 0; r < kPhiloxRounds; ++r)
        g.round(_mm512_set1_epi32((int)draw.keys[2 * r]), _mm512_set1_epi32((int)draw.keys[2 * r + 1]));
      __m512i lo, hi;
      g.words(lo, hi);
      uint32_t* out = draw.words + 4 * (draw.next - draw.first);
      _mm512_storeu_si512(out, lo);
      _mm512_storeu_si512(out + 16, hi);
    }
  }

  // tile() for the first row panel that meets a panel of weights packed ahead when keep bits
  // apply: b[p * NR + c] is loaded, made keep ? b · scale : +0 (maskz_mul, the value packing
  // writes, so the same sums), multiplied, and stored to masked[p * NR + c] for the row panels
  // after it, which read it with tile(). keep = bit p % 32 of keep_words[p / 32 * NR + c]. A
  // separate masking pass would read the packed panel from L3 with no FMAs to hide behind; here
  // the reads overlap the FMAs, as they do in a product without keep bits, and each value is
  // masked once, not once per row panel (the extra multiply would cost an FMA slot each time).
  static constexpr bool kTileMasks = true;
  template <size_t R>
  static inline void tile_masking(size_t kc, const float* a, const float* b, const uint32_t* keep_words, float scale,
                                  float* masked, float* t) {
    const __m512 s = _mm512_set1_ps(scale);
    __m512 c0[R], c1[R];
    for (size_t r = 0; r < R; ++r) c0[r] = c1[r] = _mm512_setzero_ps();
    for (size_t q0 = 0; q0 < kc; q0 += 32) {
      const __m512i w0 = _mm512_loadu_si512(keep_words + q0 / 32 * NR), w1 = _mm512_loadu_si512(keep_words + q0 / 32 * NR + 16);
      const size_t q1 = kc - q0 < 32 ? kc : q0 + 32;
      __m512i bit = _mm512_set1_epi32(1);
      for (size_t p = q0; p < q1; ++p) {
        const __mmask16 k0 = _mm512_test_epi32_mask(w0, bit), k1 = _mm512_test_epi32_mask(w1, bit);
        bit = _mm512_slli_epi32(bit, 1);
        prefetch_ahead(b + p * NR, kPrefetchBytes, NR * sizeof(float));
        const __m512 b0 = _mm512_maskz_mul_ps(k0, _mm512_loadu_ps(b + p * NR), s);
        const __m512 b1 = _mm512_maskz_mul_ps(k1, _mm512_loadu_ps(b + p * NR + 16), s);
        _mm512_storeu_ps(masked + p * NR, b0);
        _mm512_storeu_ps(masked + p * NR + 16, b1);
        for (size_t r = 0; r < R; ++r) {
          const __m512 av = _mm512_set1_ps(a[p * R + r]);
          c0[r] = _mm512_fmadd_ps(av, b0, c0[r]);
          c1[r] = _mm512_fmadd_ps(av, b1, c1[r]);
        }
      }
    }
    for (size_t r = 0; r < R; ++r) {
      _mm512_storeu_ps(t + r * NR, c0[r]);
      _mm512_storeu_ps(t + r * NR + 16, c1[r]);
    }
  }
};

// r[c] = column c of the 16 x 16 block whose rows are r[0 .. 15] (64 in-register shuffles).
static inline void transpose16(__m512 r[16]) {
  __m512 t[16];
  for (int i = 0; i < 8; ++i) {
    t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  __m512d u[16];  // u[4 i + q], lane L: column 4 L + q, rows 4 i .. 4 i + 3
  for (int i = 0; i < 4; ++i) {
    const __m512d a = _mm512_castps_pd(t[4 * i]), b = _mm512_castps_pd(t[4 * i + 2]);
    const __m512d c = _mm512_castps_pd(t[4 * i + 1]), d = _mm512_castps_pd(t[4 * i + 3]);
    u[4 * i] = _mm512_unpacklo_pd(a, b), u[4 * i + 1] = _mm512_unpackhi_pd(a, b);
    u[4 * i + 2] = _mm512_unpacklo_pd(c, d), u[4 * i + 3] = _mm512_unpackhi_pd(c, d);
  }
  for (int q = 0; q < 4; ++q) {
    const __m512 a = _mm512_castpd_ps(u[q]), b = _mm512_castpd_ps(u[4 + q]);
    const __m512 c = _mm512_castpd_ps(u[8 + q]), d = _mm512_castpd_ps(u[12 + q]);
    const __m512 v0 = _mm512_shuffle_f32x4(a, b, 0x44), v1 = _mm512_shuffle_f32x4(a, b, 0xEE);
    const __m512 w0 = _mm512_shuffle_f32x4(c, d, 0x44), w1 = _mm512_shuffle_f32x4(c, d, 0xEE);
    r[q] = _mm512_shuffle_f32x4(v0, w0, 0x88), r[4 + q] = _mm512_shuffle_f32x4(v0, w0, 0xDD);
    r[8 + q] = _mm512_shuffle_f32x4(v1, w1, 0x88), r[12 + q] = _mm512_shuffle_f32x4(v1, w1, 0xDD);
  }
}

// matmul.inc's store_tile_transposed: the rows x cols tile t of Cᵀ (row r: column j + r of C;
// lane q: row i + q) added into C by two 16 x 16 transposes, each row of C written by one masked
// store of `rows` lanes. The operations of store_tile, so the same bits.
// Not inlined, as on AVX2 (isa_avx2.cc), where the inlined store's lane masks and bias, hoisted
// out of the tile loop, took registers the accumulators needed.
__attribute__((noinline)) static bool store_transposed_fast(const MatmulArgs& g, const float* t, size_t rows, size_t i,
                                                            size_t cols, size_t j, bool first) {
  const __mmask16 lanes = (__mmask16)((1u << rows) - 1u);
  const __m512 bias = first && g.bias ? _mm512_maskz_loadu_ps(lanes, g.bias + j) : _mm512_setzero_ps();
  for (size_t h = 0; 16 * h < cols; ++h) {
    __m512 r[16];
    for (size_t x = 0; x < 16; ++x) r[x] = x < rows ? _mm512_loadu_ps(t + x * 32 + 16 * h) : _mm512_setzero_ps();
    transpose16(r);
    const size_t n = cols - 16 * h < 16 ? cols - 16 * h : 16;
    for (size_t q = 0; q < n; ++q) {
      float* c = g.c + (i + 16 * h + q) * g.n + j;
      const __m512 old = _mm512_maskz_loadu_ps(lanes, c);
      const __m512 base = first ? _mm512_add_ps(g.accumulate ? old : _mm512_setzero_ps(), bias) : old;
      _mm512_mask_storeu_ps(c, lanes, _mm512_add_ps(base, r[q]));
    }
  }
  return true;
}

static inline uint32_t keep_bits_at(const uint32_t* keep, size_t e, size_t count);
static inline float masked_b(const MatmulArgs& g, size_t idx);

// Packs rows row0 .. row0 + 31 of b (stored n x k), columns p0 .. p0 + kc - 1, into the k-major
// panel o[p * 32 + c] by 16 x 16 in-register transposes (no gathers: they are slow on AMD and
// not fast on Intel); keep bits mask each row's 16 values as they are loaded
// (keep ? v * scale : 0, exactly as masked_b).
static inline bool pack_bt_fast(const MatmulArgs& g, size_t row0, size_t p0, size_t kc, float* o) {
  const __m512 scale = _mm512_set1_ps(g.b_scale);
  size_t p = 0;
  for (; p + 16 <= kc; p += 16) {
    for (size_t h = 0; h < 2; ++h) {
      __m512 r[16];
      for (size_t i = 0; i < 16; ++i) {
        const size_t e = (row0 + 16 * h + i) * g.k + p0 + p;
        prefetch_ahead(g.b + e, kRowPrefetchBytes, 16 * sizeof(float));
        r[i] = _mm512_loadu_ps(g.b + e);
        if (g.b_keep) r[i] = _mm512_maskz_mul_ps((__mmask16)keep_bits_at(g.b_keep, e, 16), r[i], scale);
      }
      transpose16(r);
      for (size_t q = 0; q < 16; ++q) _mm512_storeu_ps(o + (p + q) * 32 + 16 * h, r[q]);
    }
  }
  for (; p < kc; ++p)
    for (size_t c = 0; c < 32; ++c) o[p * 32 + c] = masked_b(g, (row0 + c) * g.k + p0 + p);
  return true;
}
// gemv.inc's drawn_dots: R rows of W by E examples, each 32 decisions one compare into a mask
// register that gates two FMAs directly; each W vector is loaded once for the E examples and each
// x vector once for the R rows. Every (row, example) has its own two accumulators and the same
// operation sequence whatever R and E are, so a sum never depends on its tile.
template <size_t R, size_t E>
static inline void drawn_tile(const float* w, size_t ldw, const float* x, size_t ldx, const uint16_t* const* h, size_t ldh,
                              size_t n, uint32_t threshold, float sums[2][4]) {
  const __m512i t = _mm512_set1_epi16((short)threshold);
  const __m256i t16 = _mm256_set1_epi16((short)threshold);
  __m512 acc[R][E][2];
  for (size_t r = 0; r < R; ++r)
    for (size_t e = 0; e < E; ++e) acc[r][e][0] = acc[r][e][1] = _mm512_setzero_ps();
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m512 w0[R], w1[R];
    for (size_t r = 0; r < R; ++r) w0[r] = _mm512_loadu_ps(w + r * ldw + i), w1[r] = _mm512_loadu_ps(w + r * ldw + i + 16);
    for (size_t e = 0; e < E; ++e) {
      __m512 x0 = _mm512_loadu_ps(x + e * ldx + i), x1 = _mm512_loadu_ps(x + e * ldx + i + 16);
      __asm__("" : "+v"(x0), "+v"(x1));  // in registers: one load serves every row (the compiler would fold one per FMA)
      for (size_t r = 0; r < R; ++r) {
        // two 16-lane compares give the two masks directly (no mask-register shift)
        const uint16_t* hr = h[e] + r * ldh + i;
        const __mmask16 k0 = _mm256_cmpge_epu16_mask(_mm256_loadu_si256((const __m256i*)hr), t16);
        const __mmask16 k1 = _mm256_cmpge_epu16_mask(_mm256_loadu_si256((const __m256i*)(hr + 16)), t16);
        acc[r][e][0] = _mm512_mask3_fmadd_ps(w0[r], x0, acc[r][e][0], k0);
        acc[r][e][1] = _mm512_mask3_fmadd_ps(w1[r], x1, acc[r][e][1], k1);
      }
    }
  }
  if (i < n) {  // the last n - i < 32: masked loads never touch past the row
    const __mmask32 rest = (__mmask32)((1ull << (n - i)) - 1);
    for (size_t r = 0; r < R; ++r) {
      for (size_t e = 0; e < E; ++e) {
        const __mmask32 k = _mm512_mask_cmpge_epu16_mask(rest, _mm512_maskz_loadu_epi16(rest, h[e] + r * ldh + i), t);
        const __mmask16 k0 = (__mmask16)k, k1 = (__mmask16)(k >> 16);
        const float *wr = w + r * ldw + i, *xe = x + e * ldx + i;
        acc[r][e][0] = _mm512_mask3_fmadd_ps(_mm512_maskz_loadu_ps(k0, wr), _mm512_maskz_loadu_ps(k0, xe), acc[r][e][0], k0);
        acc[r][e][1] =
            _mm512_mask3_fmadd_ps(_mm512_maskz_loadu_ps(k1, wr + 16), _mm512_maskz_loadu_ps(k1, xe + 16), acc[r][e][1], k1);
      }
    }
  }
  for (size_t r = 0; r < R; ++r)
    for (size_t e = 0; e < E; ++e) sums[r][e] = _mm512_reduce_add_ps(_mm512_add_ps(acc[r][e][0], acc[r][e][1]));
}

template <size_t R>
static inline void drawn_tile_examples(size_t ex, const float* w, size_t ldw, const float* x, size_t ldx,
                                       const uint16_t* const* h, size_t ldh, size_t n, uint32_t threshold, float sums[2][4]) {
  switch (ex) {
    case 1:
      return drawn_tile<R, 1>(w, ldw, x, ldx, h, ldh, n, threshold, sums);
    case 2:
      return drawn_tile<R, 2>(w, ldw, x, ldx, h, ldh, n, threshold, sums);
    case 3:
      return drawn_tile<R, 3>(w, ldw, x, ldx, h, ldh, n, threshold, sums);
    default:
      return drawn_tile<R, 4>(w, ldw, x, ldx, h, ldh, n, threshold, sums);
  }
}

#define DROPMASK_DRAWN_DOTS 1
static inline void drawn_dots_isa(const float* w, size_t ldw, const float* x, size_t ldx, const uint16_t* const* h, size_t ldh,
                                  size_t rows, size_t ex, size_t n, uint32_t threshold, float sums[2][4]) {
  if (rows == 2)
    drawn_tile_examples<2>(ex, w, ldw, x, ldx, h, ldh, n, threshold, sums);
  else
    drawn_tile_examples<1>(ex, w, ldw, x, ldx, h, ldh, n, threshold, sums);
}

#include "kernels.inc"

}  // namespace avx512
}  // namespace dropmask
