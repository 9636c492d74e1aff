// The bindings of the broadcast kernels (broadcast.inc), arguments in the order of their rows in
// kernel_table.h. Each checks every argument against the others before the kernel runs.
#include <cmath>

#include "../args.h"
#include "bindings.h"

namespace dropmask {
namespace {

// out must be `in` itself or not overlap it: the kernels read in[i] only before writing out[i].
void check_same_or_disjoint(Napi::Env env, const View<float>& out, const View<float>& in, const char* message) {
  if (out.data != in.data && overlaps(out, in)) throw_range(env, message);
}

}  // namespace

namespace bindings {

// mask may be null (everything kept).
Napi::Value maskApply(const Context& ctx, const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const Kernels* k = ctx.kernels;
  const View<float> out = typed_array<float>(info, 0, napi_float32_array, "out", "Float32Array");
  const View<float> x = typed_array<float>(info, 1, napi_float32_array, "x", "Float32Array");
  bool has_mask = false;
  const View<uint8_t> mask = optional_array<uint8_t>(info, 2, napi_uint8_array, "mask", "Uint8Array", has_mask);
  const size_t repeat = count_arg(info, 3, "repeat"), inner = count_arg(info, 4, "inner");
  const float scale = float_arg(info, 5, "scale"), fill = float_arg(info, 6, "fill");
  if (out.length != x.length) throw_range(env, "Expected out.length === x.length");
  if (repeat < 1 || inner < 1) throw_range(env, "Expected repeat and inner of at least 1");
  const double block = (double)repeat * (double)inner;
  if (has_mask) {
    if (std::fmod((double)x.length, block) != 0) throw_range(env, "Expected x.length to be a multiple of repeat * inner");
    if ((double)mask.length < (double)x.length / (double)repeat) throw_range(env, "Expected mask.length >= x.length / repeat");
  }
  check_same_or_disjoint(env, out, x, "Expected out to be x itself or not to overlap it");
  k->mask_apply(out.data, x.data, x.length, has_mask ? mask.data : nullptr, repeat, inner, scale, fill);
  return env.Undefined();
}

Napi::Value addScaledRows(const Context& ctx, const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const Kernels* k = ctx.kernels;
  const View<float> out = typed_array<float>(info, 0, napi_float32_array, "out", "Float32Array");
  const View<float> x = typed_array<float>(info, 1, napi_float32_array, "x", "Float32Array");
  const View<float> branch = typed_array<float>(info, 2, napi_float32_array, "branch", "Float32Array");
  const View<float> factors = typed_array<float>(info, 3, napi_float32_array, "factors", "Float32Array");
  const size_t row_length = count_arg(info, 4, "rowLength");
  if (out.length != x.length || branch.length != x.length) throw_range(env, "Expected out, x and branch of one length");
  if ((double)factors.length * (double)row_length != (double)x.length)
    throw_range(env, "Expected factors.length * rowLength === x.length");
  check_same_or_disjoint(env, out, x, "Expected out to be x itself or not to overlap it");
  check_same_or_disjoint(env, out, branch, "Expected out to be branch itself or not to overlap it");
  k->add_scaled_rows(out.data, x.data, branch.data, factors.data, factors.length, row_length);
  return env.Undefined();
}

}  // namespace bindings
}  // namespace dropmask
