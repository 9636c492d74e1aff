// One table of kernels per instruction set; dispatch.cc picks one at load time.
// Every kernel trusts its arguments: addon.cc checks them first.
#pragma once
#include <cstring>

#include "counter.h"

namespace dropmask {

// C[m x n] = op(A) · op(B) (+ bias per column) (+ C when accumulate); row-major storage,
// op(X) = Xᵀ when the trans flag is set (A stored k x m, B stored n x k).
struct MatmulArgs {
  float* c;
  const float* a;
  const float* b;
  const float* bias;  // n values, or null
  size_t m, n, k;
  bool trans_a, trans_b, accumulate;
  // Optional keep bits over b's storage (bit i % 32 of word i / 32 for b[i]): b[i] is read as
  // keep ? b[i] * b_scale : 0 while packing, so masked weights are never materialised.
  const uint32_t* b_keep;
  float b_scale;
};

// A pooling window walk over a map [n, c, h, w] stored NCHW or NHWC (channels_last), window
// kh x kw, stride sh x sw, no padding.
struct PoolArgs {
  size_t n, c, h, w, kh, kw, sh, sw;
  bool channels_last;
};

// DropBlock planes [n, c, h, w] (c = 1 when shared across channels), block side `size`.
struct BlockArgs {
  size_t n, c, h, w, size;
  bool channels_last;
};

// Arg-max planes: plane p = o * inner + i has `count` elements elem_stride apart from
// o * outer_stride + i * inner_stride.
struct PlaneArgs {
  size_t outer, inner, outer_stride, inner_stride, count, elem_stride;
};

// Per-example masked products (gemv.inc): y [batch, rows], x [batch, din], w [rows, din], bias
// [batch, rows] or null, keep: segment b at word b * keep_stride, bit j * din + i for w[j, i].
struct GemvArgs {
  float* y;
  const float* x;
  const float* w;
  const float* bias;
  size_t batch, rows, din;
  const uint32_t* keep;
  size_t keep_stride;
  float scale;
};

struct Kernels {
  const char* simd;  // "avx512", "avx2", "sse2", "neon" or "scalar"
  void (*random_bits)(uint32_t* out, size_t n, const Counter& c);
  void (*uniform)(float* out, size_t n, const Counter& c);
  void (*normal)(float* out, size_t n, const Counter& c, float mean, float std);
  void (*bernoulli_f32)(float* out, size_t n, const Counter& c, uint32_t threshold, float scale);
  void (*bernoulli_u8)(uint8_t* out, size_t n, const Counter& c, uint32_t threshold);
  void (*bernoulli_bits)(uint32_t* out, size_t n, const Counter& c, uint32_t threshold);
  void (*dropout)(float* out, const float* x, size_t n, const Counter& c, uint32_t threshold, float scale);
  void (*gaussian_noise)(float* out, const float* x, size_t n, const Counter& c, float std);
  bool (*matmul)(const MatmulArgs& args);
  // Feature-map kernels (conv.inc): see lib/backend.ts for each contract.
  void (*max_pool)(const PoolArgs& g, float* out, const float* x, const uint32_t* keep, float scale, int32_t* argmax);
  void (*weighted_pool)(const PoolArgs& g, float* out, const float* x, const float* weights, float* sorted);
  size_t (*drop_block_mask)(const BlockArgs& g, uint8_t* mask, const uint8_t* seeds);
  void (*argmax_planes)(const PlaneArgs& g, int32_t* out, const float* x, const uint8_t* select);
  void (*mask_apply)(float* out, const float* x, size_t n, const uint8_t* mask, size_t repeat, size_t inner, float scale,
                     float fill);
  void (*add_scaled_rows)(float* out, const float* x, const float* branch, const float* factors, size_t rows, size_t row_length);
  void (*masked_gemv)(const GemvArgs& g, size_t row_begin, size_t row_end);
};

const Kernels& select_kernels();

#define DROPMASK_DECLARE_ISA(isa) \
  namespace isa {                 \
  extern const Kernels kKernels;  \
  }
#if defined(__x86_64__) || defined(_M_X64)
DROPMASK_DECLARE_ISA(avx512)
DROPMASK_DECLARE_ISA(avx2)
DROPMASK_DECLARE_ISA(sse2)
#elif defined(__aarch64__)
DROPMASK_DECLARE_ISA(neon)
#else
DROPMASK_DECLARE_ISA(scalar)
#endif
#undef DROPMASK_DECLARE_ISA

}  // namespace dropmask
