// N-API bindings. This file only checks arguments and calls the kernel table: lib/ has already
// validated everything, but nothing here trusts that, so every length is checked again before
// any memory is touched and a wrong call throws a JavaScript TypeError or RangeError.
#include <napi.h>

#include <string>
#include <vector>

#include "kernels.h"

namespace dropmask {
namespace {

std::vector<const Kernels*> available_kernels() {
  std::vector<const Kernels*> all;
#if defined(__x86_64__) || defined(_M_X64)
  const Kernels& best = select_kernels();
  const Kernels* order[] = {&avx512::kKernels, &avx2::kKernels, &sse2::kKernels};
  bool reached = false;
  for (const Kernels* k : order) {
    reached = reached || k == &best;
    if (reached) all.push_back(k);
  }
#else
  all.push_back(&select_kernels());
#endif
  return all;
}

[[noreturn]] void throw_type(Napi::Env env, const std::string& msg) { throw Napi::TypeError::New(env, msg); }
[[noreturn]] void throw_range(Napi::Env env, const std::string& msg) { throw Napi::RangeError::New(env, msg); }

template <class T>
struct View {
  T* data;
  size_t length;
};

template <class T>
View<T> typed_array(const Napi::CallbackInfo& info, size_t i, napi_typedarray_type type, const char* name,
                    const char* type_name) {
  if (info.Length() <= i || !info[i].IsTypedArray() || info[i].As<Napi::TypedArray>().TypedArrayType() != type)
    throw_type(info.Env(), std::string("Expected a ") + type_name + " for " + name);
  Napi::TypedArrayOf<T> a = info[i].As<Napi::TypedArrayOf<T>>();
  return {a.Data(), a.ElementLength()};
}

double number(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (info.Length() <= i || !info[i].IsNumber()) throw_type(info.Env(), std::string("Expected a number for ") + name);
  return info[i].As<Napi::Number>().DoubleValue();
}

uint32_t threshold_arg(const Napi::CallbackInfo& info, size_t i) {
  const double t = number(info, i, "threshold");
  if (!(t >= 0 && t <= 65536) || t != (double)(uint32_t)t)
    throw_range(info.Env(), "Expected an integer in [0, 65536] for threshold");
  return (uint32_t)t;
}

float float_arg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  const double v = number(info, i, name);
  if (!(v - v == 0)) throw_range(info.Env(), std::string("Expected a finite number for ") + name);
  return (float)v;
}

// counter = Uint32Array [seed lo, seed hi, stream lo, stream hi, block lo, block hi, phase]
Counter counter_arg(const Napi::CallbackInfo& info, size_t i) {
  const View<uint32_t> v = typed_array<uint32_t>(info, i, napi_uint32_array, "counter", "Uint32Array");
  if (v.length != 7) throw_range(info.Env(), "Expected 7 words for counter");
  if (v.data[6] > 3) throw_range(info.Env(), "Expected a phase in [0, 3] for counter");
  return Counter{v.data[0], v.data[1], v.data[2], v.data[3], (uint64_t)v.data[5] << 32 | v.data[4], v.data[6]};
}

size_t count_arg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  const double v = number(info, i, name);
  if (!(v >= 0 && v <= 9007199254740991.0) || v != (double)(size_t)v)
    throw_range(info.Env(), std::string("Expected a non-negative integer for ") + name);
  return (size_t)v;
}

bool bool_arg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (info.Length() <= i || !info[i].IsBoolean()) throw_type(info.Env(), std::string("Expected a boolean for ") + name);
  return info[i].As<Napi::Boolean>().Value();
}

class Addon : public Napi::Addon<Addon> {
 public:
  Addon(Napi::Env env, Napi::Object exports) : kernels_(&select_kernels()) {
    DefineAddon(exports, {
        InstanceMethod("simd", &Addon::Simd),
        InstanceMethod("simdLevels", &Addon::SimdLevels),
        InstanceMethod("setSimd", &Addon::SetSimd),
        InstanceMethod("randomBits", &Addon::RandomBits),
        InstanceMethod("uniform", &Addon::Uniform),
        InstanceMethod("normal", &Addon::Normal),
        InstanceMethod("bernoulliF32", &Addon::BernoulliF32),
        InstanceMethod("bernoulliU8", &Addon::BernoulliU8),
        InstanceMethod("bernoulliBits", &Addon::BernoulliBits),
        InstanceMethod("dropout", &Addon::Dropout),
        InstanceMethod("gaussianNoise", &Addon::GaussianNoise),
        InstanceMethod("matmul", &Addon::Matmul),
    });
  }

 private:
  // Per-instance (per context), so worker threads never share mutable state.
  const Kernels* kernels_;

  Napi::Value Simd(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), kernels_->simd); }

  Napi::Value SimdLevels(const Napi::CallbackInfo& info) {
    const std::vector<const Kernels*> all = available_kernels();
    Napi::Array out = Napi::Array::New(info.Env(), all.size());
    for (size_t i = 0; i < all.size(); ++i) out[i] = Napi::String::New(info.Env(), all[i]->simd);
    return out;
  }

  // Selects a narrower instruction set than the CPU allows: used to test every path on one machine.
  Napi::Value SetSimd(const Napi::CallbackInfo& info) {
    if (info.Length() < 1 || !info[0].IsString()) throw_type(info.Env(), "Expected a string for level");
    const std::string want = info[0].As<Napi::String>();
    for (const Kernels* k : available_kernels()) {
      if (want == k->simd) {
        kernels_ = k;
        return info.Env().Undefined();
      }
    }
    throw_range(info.Env(), "Expected a SIMD level this CPU supports for level but received " + want);
  }

  Napi::Value RandomBits(const Napi::CallbackInfo& info) {
    const View<uint32_t> out = typed_array<uint32_t>(info, 0, napi_uint32_array, "out", "Uint32Array");
    kernels_->random_bits(out.data, out.length, counter_arg(info, 1));
    return info.Env().Undefined();
  }

  Napi::Value Uniform(const Napi::CallbackInfo& info) {
    const View<float> out = typed_array<float>(info, 0, napi_float32_array, "out", "Float32Array");
    kernels_->uniform(out.data, out.length, counter_arg(info, 1));
    return info.Env().Undefined();
  }

  Napi::Value Normal(const Napi::CallbackInfo& info) {
    const View<float> out = typed_array<float>(info, 0, napi_float32_array, "out", "Float32Array");
    const Counter c = counter_arg(info, 1);
    kernels_->normal(out.data, out.length, c, float_arg(info, 2, "mean"), float_arg(info, 3, "std"));
    return info.Env().Undefined();
  }

  Napi::Value BernoulliF32(const Napi::CallbackInfo& info) {
    const View<float> out = typed_array<float>(info, 0, napi_float32_array, "out", "Float32Array");
    const Counter c = counter_arg(info, 1);
    kernels_->bernoulli_f32(out.data, out.length, c, threshold_arg(info, 2), float_arg(info, 3, "scale"));
    return info.Env().Undefined();
  }

  Napi::Value BernoulliU8(const Napi::CallbackInfo& info) {
    const View<uint8_t> out = typed_array<uint8_t>(info, 0, napi_uint8_array, "out", "Uint8Array");
    kernels_->bernoulli_u8(out.data, out.length, counter_arg(info, 1), threshold_arg(info, 2));
    return info.Env().Undefined();
  }

  Napi::Value BernoulliBits(const Napi::CallbackInfo& info) {
    const View<uint32_t> out = typed_array<uint32_t>(info, 0, napi_uint32_array, "out", "Uint32Array");
    const double n = number(info, 1, "n");
    if (!(n >= 0 && n <= 32.0 * (double)out.length) || n != (double)(size_t)n)
      throw_range(info.Env(), "Expected an integer n with ceil(n / 32) <= out.length");
    const Counter c = counter_arg(info, 2);
    const uint32_t t = threshold_arg(info, 3);
    // Words of out past ceil(n / 32) are not the call's: leave them untouched.
    kernels_->bernoulli_bits(out.data, (size_t)n, c, t);
    return info.Env().Undefined();
  }

  Napi::Value Dropout(const Napi::CallbackInfo& info) {
    const View<float> out = typed_array<float>(info, 0, napi_float32_array, "out", "Float32Array");
    const View<float> x = typed_array<float>(info, 1, napi_float32_array, "x", "Float32Array");
    if (out.length != x.length) throw_range(info.Env(), "Expected out.length === x.length");
    const Counter c = counter_arg(info, 2);
    kernels_->dropout(out.data, x.data, x.length, c, threshold_arg(info, 3), float_arg(info, 4, "scale"));
    return info.Env().Undefined();
  }

  Napi::Value GaussianNoise(const Napi::CallbackInfo& info) {
    const View<float> out = typed_array<float>(info, 0, napi_float32_array, "out", "Float32Array");
    const View<float> x = typed_array<float>(info, 1, napi_float32_array, "x", "Float32Array");
    if (out.length != x.length) throw_range(info.Env(), "Expected out.length === x.length");
    const Counter c = counter_arg(info, 2);
    kernels_->gaussian_noise(out.data, x.data, x.length, c, float_arg(info, 3, "std"));
    return info.Env().Undefined();
  }

  // matmul(c, a, b, bias | null, m, n, k, transA, transB, accumulate, bKeep | null, bScale)
  Napi::Value Matmul(const Napi::CallbackInfo& info) {
    const Napi::Env env = info.Env();
    const View<float> c = typed_array<float>(info, 0, napi_float32_array, "c", "Float32Array");
    const View<float> a = typed_array<float>(info, 1, napi_float32_array, "a", "Float32Array");
    const View<float> b = typed_array<float>(info, 2, napi_float32_array, "b", "Float32Array");
    View<float> bias{nullptr, 0};
    const bool has_bias = info.Length() > 3 && !info[3].IsNull() && !info[3].IsUndefined();
    if (has_bias) bias = typed_array<float>(info, 3, napi_float32_array, "bias", "Float32Array");
    const size_t m = count_arg(info, 4, "m"), n = count_arg(info, 5, "n"), k = count_arg(info, 6, "k");
    // Products in double: no size_t overflow can slip a short buffer past these checks.
    if ((double)c.length != (double)m * (double)n) throw_range(env, "Expected c.length === m * n");
    if ((double)a.length != (double)m * (double)k) throw_range(env, "Expected a.length === m * k");
    if ((double)b.length != (double)k * (double)n) throw_range(env, "Expected b.length === k * n");
    if (has_bias && bias.length != n) throw_range(env, "Expected bias.length === n");
    View<uint32_t> keep{nullptr, 0};
    const bool has_keep = info.Length() > 10 && !info[10].IsNull() && !info[10].IsUndefined();
    if (has_keep) {
      keep = typed_array<uint32_t>(info, 10, napi_uint32_array, "bKeep", "Uint32Array");
      if ((double)keep.length * 32 < (double)b.length) throw_range(env, "Expected bKeep to hold ceil(b.length / 32) words");
    }
    const MatmulArgs args{c.data, a.data, b.data, has_bias ? bias.data : nullptr, m, n, k,
                          bool_arg(info, 7, "transA"), bool_arg(info, 8, "transB"), bool_arg(info, 9, "accumulate"),
                          has_keep ? keep.data : nullptr, has_keep ? float_arg(info, 11, "bScale") : 1.0f};
    if (!kernels_->matmul(args)) throw Napi::Error::New(env, "dropmask: out of memory for matmul packing buffers");
    return env.Undefined();
  }
};

}  // namespace
}  // namespace dropmask

using dropmask::Addon;
NODE_API_ADDON(Addon)
