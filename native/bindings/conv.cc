// The bindings of the feature-map kernels (conv.inc), arguments in the order of their rows in
// kernel_table.h. Each checks every argument against the others, so no length, stride or index
// can reach memory outside the caller's arrays.
#include <vector>

#include "../args.h"
#include "bindings.h"

namespace dropmask {
namespace {

constexpr double kMaxInt32 = 2147483647.0;

// Reads the pooling geometry at info[at .. at + 8] and checks it against x's length.
PoolArgs pool_args(const Napi::CallbackInfo& info, size_t at, size_t x_length) {
  const Napi::Env env = info.Env();
  PoolArgs g{};
  g.n = count_arg(info, at, "n"), g.c = count_arg(info, at + 1, "c");
  g.h = count_arg(info, at + 2, "h"), g.w = count_arg(info, at + 3, "w");
  g.kh = count_arg(info, at + 4, "kh"), g.kw = count_arg(info, at + 5, "kw");
  g.sh = count_arg(info, at + 6, "sh"), g.sw = count_arg(info, at + 7, "sw");
  g.channels_last = bool_arg(info, at + 8, "channelsLast");
  if (g.kh < 1 || g.kw < 1 || g.sh < 1 || g.sw < 1) throw_range(env, "Expected kernel and stride of at least 1");
  if (g.kh > g.h || g.kw > g.w) throw_range(env, "Expected the kernel to fit in the map");
  if ((double)g.n * (double)g.c * (double)g.h * (double)g.w != (double)x_length)
    throw_range(env, "Expected x.length === n * c * h * w");
  return g;
}

double pooled_length(const PoolArgs& g) {
  return (double)g.n * (double)g.c * (double)((g.h - g.kh) / g.sh + 1) * (double)((g.w - g.kw) / g.sw + 1);
}

}  // namespace

namespace bindings {

// keep and argmax may be null (all kept; no arg-max wanted).
Napi::Value maxPool(const Context& ctx, const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const Kernels* k = ctx.kernels;
  const View<float> out = typed_array<float>(info, 0, napi_float32_array, "out", "Float32Array");
  const View<float> x = typed_array<float>(info, 1, napi_float32_array, "x", "Float32Array");
  bool has_keep = false, has_argmax = false;
  const View<uint32_t> keep = optional_array<uint32_t>(info, 2, napi_uint32_array, "keep", "Uint32Array", has_keep);
  const PoolArgs g = pool_args(info, 3, x.length);
  const float scale = float_arg(info, 12, "scale");
  const View<int32_t> argmax = optional_array<int32_t>(info, 13, napi_int32_array, "argmax", "Int32Array", has_argmax);
  if ((double)out.length != pooled_length(g)) throw_range(env, "Expected out.length === n * c * oh * ow");
  if (has_keep && (double)keep.length * 32 < (double)x.length)
    throw_range(env, "Expected keep to hold ceil(x.length / 32) words");
  if (has_argmax && argmax.length != out.length) throw_range(env, "Expected argmax.length === out.length");
  if (has_argmax && (double)x.length > kMaxInt32) throw_range(env, "Expected x.length < 2^31 with argmax");
  k->max_pool(g, out.data, x.data, has_keep ? keep.data : nullptr, scale, has_argmax ? argmax.data : nullptr);
  return env.Undefined();
}

Napi::Value weightedPool(const Context& ctx, const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const Kernels* k = ctx.kernels;
  const View<float> out = typed_array<float>(info, 0, napi_float32_array, "out", "Float32Array");
  const View<float> x = typed_array<float>(info, 1, napi_float32_array, "x", "Float32Array");
  const PoolArgs g = pool_args(info, 2, x.length);
  const View<float> weights = typed_array<float>(info, 11, napi_float32_array, "weights", "Float32Array");
  if ((double)out.length != pooled_length(g)) throw_range(env, "Expected out.length === n * c * oh * ow");
  if ((double)weights.length != (double)g.kh * (double)g.kw) throw_range(env, "Expected weights.length === kh * kw");
  std::vector<float> sorted(weights.length);
  k->weighted_pool(g, out.data, x.data, weights.data, sorted.data());
  return env.Undefined();
}

// Returns the number of ones written.
Napi::Value dropBlockMask(const Context& ctx, const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const Kernels* k = ctx.kernels;
  const View<uint8_t> mask = typed_array<uint8_t>(info, 0, napi_uint8_array, "mask", "Uint8Array");
  const View<uint8_t> seeds = typed_array<uint8_t>(info, 1, napi_uint8_array, "seeds", "Uint8Array");
  BlockArgs g{};
  g.n = count_arg(info, 2, "n"), g.c = count_arg(info, 3, "c"), g.h = count_arg(info, 4, "h"), g.w = count_arg(info, 5, "w");
  g.size = count_arg(info, 6, "size");
  g.channels_last = bool_arg(info, 7, "channelsLast");
  if (g.size < 1 || g.size > g.h || g.size > g.w) throw_range(env, "Expected size in [1, min(h, w)]");
  const double planes = (double)g.n * (double)g.c;
  if ((double)mask.length != planes * (double)g.h * (double)g.w) throw_range(env, "Expected mask.length === n * c * h * w");
  if ((double)seeds.length != planes * (double)(g.h - g.size + 1) * (double)(g.w - g.size + 1))
    throw_range(env, "Expected seeds.length === n * c * (h - size + 1) * (w - size + 1)");
  return Napi::Number::New(env, (double)k->drop_block_mask(g, mask.data, seeds.data));
}

// select may be null (every plane searched).
Napi::Value argmaxPlanes(const Context& ctx, const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const Kernels* k = ctx.kernels;
  const View<int32_t> out = typed_array<int32_t>(info, 0, napi_int32_array, "out", "Int32Array");
  const View<float> x = typed_array<float>(info, 1, napi_float32_array, "x", "Float32Array");
  bool has_select = false;
  const View<uint8_t> select = optional_array<uint8_t>(info, 2, napi_uint8_array, "select", "Uint8Array", has_select);
  PlaneArgs g{};
  g.outer = count_arg(info, 3, "outer"), g.inner = count_arg(info, 4, "inner");
  g.outer_stride = count_arg(info, 5, "outerStride"), g.inner_stride = count_arg(info, 6, "innerStride");
  g.count = count_arg(info, 7, "count"), g.elem_stride = count_arg(info, 8, "elemStride");
  const double planes = (double)g.outer * (double)g.inner;
  if ((double)out.length != planes) throw_range(env, "Expected out.length === outer * inner");
  if (has_select && (double)select.length < planes) throw_range(env, "Expected select.length >= outer * inner");
  if ((double)x.length > kMaxInt32) throw_range(env, "Expected x.length < 2^31");
  if (planes > 0 && g.count > 0) {
    const double last = (double)(g.outer - 1) * (double)g.outer_stride + (double)(g.inner - 1) * (double)g.inner_stride +
                        (double)(g.count - 1) * (double)g.elem_stride;
    if (last >= (double)x.length) throw_range(env, "Expected every plane to lie inside x");
  }
  k->argmax_planes(g, out.data, x.data, has_select ? select.data : nullptr);
  return env.Undefined();
}

}  // namespace bindings
}  // namespace dropmask
