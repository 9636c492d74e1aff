// One table of kernels per instruction set; dispatch.cc picks one at load time.
// Every kernel trusts its arguments: its binding (bindings/) checks them first.
#pragma once
#include <cstring>

#include "counter.h"
#include "kernel_table.h"

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

// What matmul_packed made of its packed weights: the product, no product because they were not
// packed for this shape, instruction set and blocking, or no product for want of memory.
enum class PackedStatus { ok, stale, out_of_memory };

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

// Every kernel of kernel_table.h, as a function pointer of the signature its row gives.
struct Kernels {
  const char* simd;  // "avx512", "avx2", "sse2", "neon" or "scalar"
#define DROPMASK_STREAM_FIELD(name, js, family, ...) KernelFn<DROPMASK_STREAM_SPEC(__VA_ARGS__)::Fn> name;
#define DROPMASK_ARRAY_FIELD(name, js, family, signature, args) KernelFn<DROPMASK_UNPAREN signature> name;
  DROPMASK_STREAM_KERNELS(DROPMASK_STREAM_FIELD)
  DROPMASK_ARRAY_KERNELS(DROPMASK_ARRAY_FIELD)
#undef DROPMASK_STREAM_FIELD
#undef DROPMASK_ARRAY_FIELD
};

const Kernels& select_kernels();

// The instruction sets this target is built for, widest first: the addon offers each from the
// widest the CPU runs down (setSimd), so every narrower path can be tested on one machine.
#if defined(__x86_64__) || defined(_M_X64)
#define DROPMASK_ISAS(X) X(avx512) X(avx2) X(sse2)
#elif defined(__aarch64__)
#define DROPMASK_ISAS(X) X(neon)
#else
#define DROPMASK_ISAS(X) X(scalar)
#endif

#define DROPMASK_DECLARE_ISA(isa) \
  namespace isa {                 \
  extern const Kernels kKernels;  \
  }
DROPMASK_ISAS(DROPMASK_DECLARE_ISA)

}  // namespace dropmask
