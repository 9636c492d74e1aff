// The kernel table: every kernel of the addon once, with what its binding needs. Everything that
// enumerates kernels is generated from these two lists, so they cannot disagree: the Kernels
// struct (kernels.h), each instruction set's table (kernels.inc), the addon's exports (addon.cc),
// the stream kernels' bindings and kernelAsync's kinds (bindings/stream.cc), and kernelTable(),
// which hands the table to JavaScript for the contract test against the TypeScript kernel spec.
//
// A kernel is added by its row here and its function in its family's .inc; an array kernel also
// needs its binding, bindings::<JS name>, next to its family's others in bindings/.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <tuple>
#include <type_traits>

#include "counter.h"

// Stream kernels fill `out` from the Philox stream at `counter`. They share one binding, so a
// row says all there is to know about the call:
//   unit, words  threads split a call into ranges that start on a multiple of `unit` elements,
//                each at the counter `words` words further per unit: a range never starts inside
//                a word pair (Box-Muller) or a word's two 16-bit halves (Bernoulli), or, for bits,
//                inside an output word, so every thread count gives the same bits.
//   out          the output array: F32, U8, U32, or Bits (element i is bit i % 32 of word i / 32).
//   input        none, or x: a Float32Array as long as out, read at out's index (out may be x).
//   params       the scalars after the counter, in order (Threshold, Mean, Std or Scale).
// The binding takes (out, x if input is x, n if out is Bits, counter, params...): Bits cannot
// tell the element count from out.length.
// clang-format off
#define DROPMASK_STREAM_KERNELS(X)                                                      \
  /* kernel         JS name        family     unit words out   input params */          \
  X(random_bits,    randomBits,    philox,    1,   1,   U32,  none, ())                 \
  X(uniform,        uniform,       uniform,   1,   1,   F32,  none, ())                 \
  X(normal,         normal,        normal,    2,   2,   F32,  none, (Mean, Std))        \
  X(bernoulli_f32,  bernoulliF32,  bernoulli, 2,   1,   F32,  none, (Threshold, Scale)) \
  X(bernoulli_u8,   bernoulliU8,   bernoulli, 2,   1,   U8,   none, (Threshold))        \
  X(bernoulli_bits, bernoulliBits, bernoulli, 32,  16,  Bits, none, (Threshold))        \
  X(dropout,        dropout,       dropout,   2,   1,   F32,  x,    (Threshold, Scale)) \
  X(gaussian_noise, gaussianNoise, normal,    2,   2,   F32,  x,    (Std))

// Array kernels compute on the caller's arrays with positional geometry; masks come in from the
// Bernoulli kernels, except in the fused DropConnect products (drop_connect_matmul,
// drop_connect_gemv), which draw their decisions at the counter they are given. Their arguments
// are too varied for one binding, so each has its own, bindings::<JS name>, which checks the
// geometry against every length.
// A row gives the C++ signature and the JS arguments in the order the binding reads them.
#define DROPMASK_ARRAY_KERNELS(X)                                                                                            \
  X(matmul, matmul, matmul,                                                                                                  \
    (bool(const MatmulArgs& args, unsigned threads)),                                                                        \
    ("c", "a", "b", "bias", "m", "n", "k", "transA", "transB", "accumulate", "bKeep", "bScale"))                             \
  X(drop_connect_matmul, dropConnectMatmul, matmul,                                                                         \
    (PackedStatus(const MatmulArgs& args, uint32_t* keep, const Counter& c, uint32_t threshold, const float* packed,          \
                  size_t packed_length, unsigned threads)),                                                                  \
    ("y", "x", "W", "bias", "batch", "rows", "din", "keep", "counter", "threshold", "scale", "packed"))                       \
  X(pack_weights, packWeights, matmul,                                                                                      \
    (size_t(float* packed, size_t length, const float* w, size_t n, size_t k, unsigned threads)),                            \
    ("W", "rows", "din"))                                                                                                     \
  X(matmul_packed, matmulPacked, matmul,                                                                                     \
    (PackedStatus(const MatmulArgs& args, const float* packed, size_t length, unsigned threads)),                            \
    ("y", "x", "W", "bias", "batch", "rows", "din", "packed"))                                                                \
  X(masked_gemv, maskedGemv, gemv,                                                                                           \
    (void(const GemvArgs& g, size_t row_begin, size_t row_end)),                                                             \
    ("y", "x", "W", "biases", "batch", "rows", "din", "keep", "keepStride", "scale"))                                        \
  X(drop_connect_gemv, dropConnectGemv, gemv,                                                                               \
    (void(const GemvArgs& g, const Counter& c, uint64_t segment_words, uint32_t threshold, size_t row_begin, size_t row_end)), \
    ("y", "x", "W", "biases", "batch", "rows", "din", "counter", "segmentWords", "threshold", "scale"))                        \
  X(max_pool, maxPool, conv,                                                                                                 \
    (void(const PoolArgs& g, float* out, const float* x, const uint32_t* keep, float scale, int32_t* argmax)),               \
    ("out", "x", "keep", "n", "c", "h", "w", "kh", "kw", "sh", "sw", "channelsLast", "scale", "argmax"))                     \
  X(weighted_pool, weightedPool, conv,                                                                                       \
    (void(const PoolArgs& g, float* out, const float* x, const float* weights, float* sorted)),                              \
    ("out", "x", "n", "c", "h", "w", "kh", "kw", "sh", "sw", "channelsLast", "weights"))                                     \
  X(drop_block_mask, dropBlockMask, conv,                                                                                    \
    (size_t(const BlockArgs& g, uint8_t* mask, const uint8_t* seeds)),                                                       \
    ("mask", "seeds", "n", "c", "h", "w", "size", "channelsLast"))                                                           \
  X(argmax_planes, argmaxPlanes, conv,                                                                                       \
    (void(const PlaneArgs& g, int32_t* out, const float* x, const uint8_t* select)),                                         \
    ("out", "x", "select", "outer", "inner", "outerStride", "innerStride", "count", "elemStride"))                           \
  X(mask_apply, maskApply, broadcast,                                                                                        \
    (void(float* out, const float* x, size_t n, const uint8_t* mask, size_t repeat, size_t inner, float scale, float fill)), \
    ("out", "x", "mask", "repeat", "inner", "scale", "fill"))                                                                \
  X(add_scaled_rows, addScaledRows, broadcast,                                                                               \
    (void(float* out, const float* x, const float* branch, const float* factors, size_t rows, size_t row_length)),           \
    ("out", "x", "branch", "factors", "rowLength"))
// clang-format on

// A parenthesised row column, without its parentheses.
#define DROPMASK_UNPAREN(...) __VA_ARGS__

// The StreamSpec of a stream kernel row, from its columns after the family (inside namespace
// dropmask, where the column names are types).
#define DROPMASK_STREAM_SPEC(unit, words, out, input, params) \
  StreamSpec<unit, words, out, Input::input, std::tuple<DROPMASK_UNPAREN params>>

namespace dropmask {

template <class F>
using KernelFn = F*;

// Stream kernel outputs; `per_slot` elements share one array slot.
struct F32 {
  using type = float;
  static constexpr size_t per_slot = 1;
};
struct U8 {
  using type = uint8_t;
  static constexpr size_t per_slot = 1;
};
struct U32 {
  using type = uint32_t;
  static constexpr size_t per_slot = 1;
};
struct Bits {
  using type = uint32_t;
  static constexpr size_t per_slot = 32;
};

enum class Input { none, x };

// Stream kernel scalars. kernelAsync carries them in two numbers, a and b, so each names its
// slot: a threshold or a mean travels in a, a scale or a standard deviation in b.
enum class Slot { a, b };
struct Threshold {  // an integer in [0, 65536]: element kept iff its 16-bit draw >= threshold
  using type = uint32_t;
  static constexpr const char* name = "threshold";
  static constexpr Slot slot = Slot::a;
};
struct Mean {
  using type = float;
  static constexpr const char* name = "mean";
  static constexpr Slot slot = Slot::a;
};
struct Std {
  using type = float;
  static constexpr const char* name = "std";
  static constexpr Slot slot = Slot::b;
};
struct Scale {
  using type = float;
  static constexpr const char* name = "scale";
  static constexpr Slot slot = Slot::b;
};

// One stream kernel row as types: its kernel's signature and its binding's argument positions.
template <size_t Unit, uint64_t Words, class O, Input In, class Params>
struct StreamSpec;

template <size_t Unit, uint64_t Words, class O, Input In, class... P>
struct StreamSpec<Unit, Words, O, In, std::tuple<P...>> {
  static constexpr size_t unit = Unit;
  static constexpr uint64_t words_per_unit = Words;
  using Out = O;
  using Params = std::tuple<P...>;
  static constexpr bool has_x = In == Input::x;
  static constexpr bool explicit_n = O::per_slot > 1;
  static_assert(O::per_slot == 1 || O::per_slot == 32, "the binding's n check assumes 32 bits a word");
  static_assert(unit % O::per_slot == 0, "a thread's range must start on an output slot");

  // kernel(out, x?, n, counter, params...)
  using Fn = std::conditional_t<has_x, void(typename O::type*, const float*, size_t, const Counter&, typename P::type...),
                                void(typename O::type*, size_t, const Counter&, typename P::type...)>;

  // Positions of the binding's JavaScript arguments (out is argument 0).
  static constexpr size_t x_at = 1;
  static constexpr size_t n_at = 1 + has_x;
  static constexpr size_t counter_at = n_at + explicit_n;
  static constexpr size_t params_at = counter_at + 1;
  static constexpr size_t arg_count = params_at + sizeof...(P);
};

}  // namespace dropmask
