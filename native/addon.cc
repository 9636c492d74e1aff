// N-API bindings. This file only checks arguments and calls the kernel table: lib/ has already
// validated everything, but nothing here trusts that, so every length is checked again before
// any memory is touched and a wrong call throws a JavaScript TypeError or RangeError.
#include <napi.h>

#include <atomic>
#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "args.h"
#include "conv_binding.h"
#include "kernels.h"
#include "parallel.h"

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

// An asynchronous kernel call: the work runs on the libuv thread pool. The result buffer is made
// here, on the JavaScript thread, and only handed to JavaScript when the work is done, so no caller
// can detach or resize it meanwhile; inputs were copied by the caller (see AsyncInput).
class AsyncKernel : public Napi::AsyncWorker {
 public:
  AsyncKernel(Napi::Env env, size_t bytes, napi_typedarray_type type, size_t length)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), type_(type), length_(length) {
    Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, bytes);
    data_ = buffer.Data();
    buffer_ = Napi::Persistent(buffer);
  }
  void* data() const { return data_; }
  Napi::Promise promise() const { return deferred_.Promise(); }
  std::function<void()> work;
  std::vector<float> input;  // the caller's input, copied when the call started

  void Execute() override { work(); }
  // Called from `work` (on the pool thread) to reject the promise instead of resolving it.
  void fail(const std::string& message) { SetError(message); }
  void OnOK() override {
    Napi::ArrayBuffer buffer = buffer_.Value();
    napi_value array;
    if (napi_create_typedarray(Env(), type_, length_, buffer, 0, &array) != napi_ok) {
      deferred_.Reject(Napi::Error::New(Env(), "dropmask: could not create the result array").Value());
      return;
    }
    deferred_.Resolve(Napi::Value(Env(), array));
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Napi::Reference<Napi::ArrayBuffer> buffer_;
  void* data_ = nullptr;
  napi_typedarray_type type_;
  size_t length_;
};

// Work below this many elements per thread is not worth a thread's start-up (~20 µs).
constexpr size_t kMinPerThread = size_t(1) << 17;

// Runs kernel(begin, end, counter) over [0, n) on up to `threads` threads, in ranges of `unit`
// elements, each range at the counter advanced by words_per_unit words per unit before it.
template <class K>
void split_call(unsigned threads, size_t n, size_t unit, uint64_t words_per_unit, const Counter& c, K&& kernel) {
  parallel_ranges(n, unit, threads, kMinPerThread,
                  [&](size_t b, size_t e) { kernel(b, e, advance(c, (b / unit) * words_per_unit)); });
}

// The operands of a product call: a, b, bias | null at info[at .. at + 2], m, n, k, transA, transB
// after them, and bKeep | null, bScale at info[keep_at], info[keep_at + 1]. Lengths are checked
// against m, n, k in double, so no size_t overflow can slip a short buffer through.
struct MatmulOperands {
  View<float> a, b, bias;
  View<uint32_t> keep;
  size_t m, n, k;
  bool has_bias, has_keep, trans_a, trans_b;  // explicit: an empty array may have no data pointer
  float scale;
};

MatmulOperands matmul_operands(const Napi::CallbackInfo& info, size_t at, size_t keep_at) {
  const Napi::Env env = info.Env();
  MatmulOperands g{};
  g.a = typed_array<float>(info, at, napi_float32_array, "a", "Float32Array");
  g.b = typed_array<float>(info, at + 1, napi_float32_array, "b", "Float32Array");
  g.has_bias = info.Length() > at + 2 && !info[at + 2].IsNull() && !info[at + 2].IsUndefined();
  if (g.has_bias) g.bias = typed_array<float>(info, at + 2, napi_float32_array, "bias", "Float32Array");
  g.m = count_arg(info, at + 3, "m"), g.n = count_arg(info, at + 4, "n"), g.k = count_arg(info, at + 5, "k");
  if ((double)g.a.length != (double)g.m * (double)g.k) throw_range(env, "Expected a.length === m * k");
  if ((double)g.b.length != (double)g.k * (double)g.n) throw_range(env, "Expected b.length === k * n");
  if (g.has_bias && g.bias.length != g.n) throw_range(env, "Expected bias.length === n");
  g.trans_a = bool_arg(info, at + 6, "transA"), g.trans_b = bool_arg(info, at + 7, "transB");
  g.scale = 1.0f;
  g.has_keep = info.Length() > keep_at && !info[keep_at].IsNull() && !info[keep_at].IsUndefined();
  if (g.has_keep) {
    g.keep = typed_array<uint32_t>(info, keep_at, napi_uint32_array, "bKeep", "Uint32Array");
    if ((double)g.keep.length * 32 < (double)g.b.length) throw_range(env, "Expected bKeep to hold ceil(b.length / 32) words");
    g.scale = float_arg(info, keep_at + 1, "bScale");
  }
  return g;
}

// One product with the rows of C split across threads (each packs its own panels, so every
// thread count gives the same bits). op(A) rows must be contiguous: transposed A stays serial.
bool matmul_rows(const Kernels* kernels, unsigned threads, const MatmulArgs& args) {
  std::atomic<bool> ok{true};
  const size_t rows_min = args.trans_a ? args.m : (kMinPerThread / (args.n * args.k + 1)) + 8;
  parallel_ranges(args.m, 8, args.trans_a ? 1 : threads, rows_min, [&](size_t b, size_t e) {
    MatmulArgs part = args;
    part.c = args.c + b * args.n;
    part.a = args.a + b * args.k;
    part.m = e - b;
    if (!kernels->matmul(part)) ok.store(false);
  });
  return ok.load();
}

class Addon : public Napi::Addon<Addon> {
 public:
  Addon(Napi::Env env, Napi::Object exports) : kernels_(&select_kernels()) {
    DefineAddon(exports, {
                             InstanceMethod("simd", &Addon::Simd),
                             InstanceMethod("simdLevels", &Addon::SimdLevels),
                             InstanceMethod("setSimd", &Addon::SetSimd),
                             InstanceMethod("setThreads", &Addon::SetThreads),
                             InstanceMethod("threads", &Addon::Threads),
                             InstanceMethod("randomBits", &Addon::RandomBits),
                             InstanceMethod("uniform", &Addon::Uniform),
                             InstanceMethod("normal", &Addon::Normal),
                             InstanceMethod("bernoulliF32", &Addon::BernoulliF32),
                             InstanceMethod("bernoulliU8", &Addon::BernoulliU8),
                             InstanceMethod("bernoulliBits", &Addon::BernoulliBits),
                             InstanceMethod("dropout", &Addon::Dropout),
                             InstanceMethod("gaussianNoise", &Addon::GaussianNoise),
                             InstanceMethod("matmul", &Addon::Matmul),
                             InstanceMethod("kernelAsync", &Addon::KernelAsync),
                             InstanceMethod("matmulAsync", &Addon::MatmulAsync),
                             InstanceMethod("maxPool", &Addon::Conv<MaxPool>),
                             InstanceMethod("weightedPool", &Addon::Conv<WeightedPool>),
                             InstanceMethod("dropBlockMask", &Addon::Conv<DropBlockMask>),
                             InstanceMethod("argmaxPlanes", &Addon::Conv<ArgmaxPlanes>),
                             InstanceMethod("maskApply", &Addon::Conv<MaskApply>),
                             InstanceMethod("addScaledRows", &Addon::Conv<AddScaledRows>),
                             InstanceMethod("maskedGemv", &Addon::MaskedGemv),
                         });
  }

 private:
  // Per-instance (per context), so worker threads never share mutable state.
  const Kernels* kernels_;
  unsigned threads_ = 1;

  Napi::Value SetThreads(const Napi::CallbackInfo& info) {
    const double t = number(info, 0, "threads");
    if (!(t >= 1 && t <= 256) || t != (double)(unsigned)t) throw_range(info.Env(), "Expected an integer in [1, 256] for threads");
    threads_ = (unsigned)t;
    return info.Env().Undefined();
  }

  Napi::Value Threads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), threads_); }

  // The feature-map kernels take this instance's kernel table (see conv_binding.h).
  template <Napi::Value (*Binding)(const Kernels*, const Napi::CallbackInfo&)>
  Napi::Value Conv(const Napi::CallbackInfo& info) {
    return Binding(kernels_, info);
  }

  template <class K>
  void split(size_t n, size_t unit, uint64_t words_per_unit, const Counter& c, K&& kernel) {
    split_call(threads_, n, unit, words_per_unit, c, kernel);
  }

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
    const Counter c = counter_arg(info, 1);
    split(out.length, 1, 1, c, [&](size_t b, size_t e, const Counter& cc) { kernels_->random_bits(out.data + b, e - b, cc); });
    return info.Env().Undefined();
  }

  Napi::Value Uniform(const Napi::CallbackInfo& info) {
    const View<float> out = typed_array<float>(info, 0, napi_float32_array, "out", "Float32Array");
    const Counter c = counter_arg(info, 1);
    split(out.length, 1, 1, c, [&](size_t b, size_t e, const Counter& cc) { kernels_->uniform(out.data + b, e - b, cc); });
    return info.Env().Undefined();
  }

  Napi::Value Normal(const Napi::CallbackInfo& info) {
    const View<float> out = typed_array<float>(info, 0, napi_float32_array, "out", "Float32Array");
    const Counter c = counter_arg(info, 1);
    const float mean = float_arg(info, 2, "mean"), std = float_arg(info, 3, "std");
    split(out.length, 2, 2, c,
          [&](size_t b, size_t e, const Counter& cc) { kernels_->normal(out.data + b, e - b, cc, mean, std); });
    return info.Env().Undefined();
  }

  Napi::Value BernoulliF32(const Napi::CallbackInfo& info) {
    const View<float> out = typed_array<float>(info, 0, napi_float32_array, "out", "Float32Array");
    const Counter c = counter_arg(info, 1);
    const uint32_t t = threshold_arg(info, 2);
    const float scale = float_arg(info, 3, "scale");
    split(out.length, 2, 1, c,
          [&](size_t b, size_t e, const Counter& cc) { kernels_->bernoulli_f32(out.data + b, e - b, cc, t, scale); });
    return info.Env().Undefined();
  }

  Napi::Value BernoulliU8(const Napi::CallbackInfo& info) {
    const View<uint8_t> out = typed_array<uint8_t>(info, 0, napi_uint8_array, "out", "Uint8Array");
    const Counter c = counter_arg(info, 1);
    const uint32_t t = threshold_arg(info, 2);
    split(out.length, 2, 1, c,
          [&](size_t b, size_t e, const Counter& cc) { kernels_->bernoulli_u8(out.data + b, e - b, cc, t); });
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
    split((size_t)n, 32, 16, c,
          [&](size_t b, size_t e, const Counter& cc) { kernels_->bernoulli_bits(out.data + b / 32, e - b, cc, t); });
    return info.Env().Undefined();
  }

  Napi::Value Dropout(const Napi::CallbackInfo& info) {
    const View<float> out = typed_array<float>(info, 0, napi_float32_array, "out", "Float32Array");
    const View<float> x = typed_array<float>(info, 1, napi_float32_array, "x", "Float32Array");
    if (out.length != x.length) throw_range(info.Env(), "Expected out.length === x.length");
    const Counter c = counter_arg(info, 2);
    const uint32_t t = threshold_arg(info, 3);
    const float scale = float_arg(info, 4, "scale");
    split(x.length, 2, 1, c,
          [&](size_t b, size_t e, const Counter& cc) { kernels_->dropout(out.data + b, x.data + b, e - b, cc, t, scale); });
    return info.Env().Undefined();
  }

  Napi::Value GaussianNoise(const Napi::CallbackInfo& info) {
    const View<float> out = typed_array<float>(info, 0, napi_float32_array, "out", "Float32Array");
    const View<float> x = typed_array<float>(info, 1, napi_float32_array, "x", "Float32Array");
    if (out.length != x.length) throw_range(info.Env(), "Expected out.length === x.length");
    const Counter c = counter_arg(info, 2);
    const float std = float_arg(info, 3, "std");
    split(x.length, 2, 2, c,
          [&](size_t b, size_t e, const Counter& cc) { kernels_->gaussian_noise(out.data + b, x.data + b, e - b, cc, std); });
    return info.Env().Undefined();
  }

  // kernelAsync(kind, n, counter, a, b, x?) -> Promise<typed array>: the kernels of the sync
  // methods, off the JavaScript thread. kind: 'randomBits' | 'uniform' | 'normal' (a = mean,
  // b = std) | 'bernoulliF32' (a = threshold, b = scale) | 'bernoulliU8' (a = threshold) |
  // 'bernoulliBits' (a = threshold) | 'dropout' (x, a = threshold, b = scale) | 'gaussianNoise'
  // (x, b = std). The output has n elements (bits: ceil(n / 32) words).
  Napi::Value KernelAsync(const Napi::CallbackInfo& info) {
    const Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsString()) throw_type(env, "Expected a string for kind");
    const std::string kind = info[0].As<Napi::String>();
    const size_t n = count_arg(info, 1, "n");
    const Counter c = counter_arg(info, 2);
    const double a = number(info, 3, "a"), b = number(info, 4, "b");
    const bool has_x = kind == "dropout" || kind == "gaussianNoise";
    if (kind == "bernoulliF32" || kind == "bernoulliU8" || kind == "bernoulliBits" || kind == "dropout") {
      if (!(a >= 0 && a <= 65536) || a != (double)(uint32_t)a)
        throw_range(env, "Expected an integer in [0, 65536] for threshold");
    }
    if (!(b - b == 0)) throw_range(env, "Expected a finite number for b");
    const bool u8 = kind == "bernoulliU8", u32 = kind == "randomBits" || kind == "bernoulliBits";
    const size_t length = kind == "bernoulliBits" ? (n + 31) / 32 : n;
    const size_t bytes = length * (u8 ? 1 : 4);
    AsyncKernel* job = new AsyncKernel(env, bytes, u8 ? napi_uint8_array : u32 ? napi_uint32_array : napi_float32_array, length);
    if (has_x) {
      const View<float> x = typed_array<float>(info, 5, napi_float32_array, "x", "Float32Array");
      if (x.length != n) {
        delete job;
        throw_range(env, "Expected x.length === n");
      }
      job->input.assign(x.data, x.data + x.length);
    }
    const Kernels* k = kernels_;
    void* out = job->data();
    const float* x = job->input.data();
    const uint32_t t = (uint32_t)a;
    const float fa = (float)a, fb = (float)b;
    const unsigned th = threads_;  // read now: JavaScript may change it while the job runs
    if (kind == "randomBits")
      job->work = [=] {
        split_call(th, n, 1, 1, c, [&](size_t b, size_t e, const Counter& cc) { k->random_bits((uint32_t*)out + b, e - b, cc); });
      };
    else if (kind == "uniform")
      job->work = [=] {
        split_call(th, n, 1, 1, c, [&](size_t b, size_t e, const Counter& cc) { k->uniform((float*)out + b, e - b, cc); });
      };
    else if (kind == "normal")
      job->work = [=] {
        split_call(th, n, 2, 2, c, [&](size_t b, size_t e, const Counter& cc) { k->normal((float*)out + b, e - b, cc, fa, fb); });
      };
    else if (kind == "bernoulliF32")
      job->work = [=] {
        split_call(th, n, 2, 1, c,
                   [&](size_t b, size_t e, const Counter& cc) { k->bernoulli_f32((float*)out + b, e - b, cc, t, fb); });
      };
    else if (kind == "bernoulliU8")
      job->work = [=] {
        split_call(th, n, 2, 1, c,
                   [&](size_t b, size_t e, const Counter& cc) { k->bernoulli_u8((uint8_t*)out + b, e - b, cc, t); });
      };
    else if (kind == "bernoulliBits")
      job->work = [=] {
        split_call(th, n, 32, 16, c,
                   [&](size_t b, size_t e, const Counter& cc) { k->bernoulli_bits((uint32_t*)out + b / 32, e - b, cc, t); });
      };
    else if (kind == "dropout")
      job->work = [=] {
        split_call(th, n, 2, 1, c,
                   [&](size_t b, size_t e, const Counter& cc) { k->dropout((float*)out + b, x + b, e - b, cc, t, fb); });
      };
    else if (kind == "gaussianNoise")
      job->work = [=] {
        split_call(th, n, 2, 2, c,
                   [&](size_t b, size_t e, const Counter& cc) { k->gaussian_noise((float*)out + b, x + b, e - b, cc, fb); });
      };
    else {
      delete job;
      throw_range(env, "Expected a kernel name for kind but received " + kind);
    }
    const Napi::Promise promise = job->promise();
    job->Queue();
    return promise;
  }

  // matmulAsync(a, b, bias | null, m, n, k, transA, transB, bKeep | null, bScale) -> Promise of a
  // new Float32Array c [m x n]. Inputs are copied now; the product runs on the libuv pool, split
  // by rows across the configured threads like the sync form (so the bits are the same).
  Napi::Value MatmulAsync(const Napi::CallbackInfo& info) {
    const Napi::Env env = info.Env();
    const MatmulOperands g = matmul_operands(info, 0, 8);
    const size_t m = g.m, n = g.n, k = g.k;
    if ((double)m * (double)n > 9007199254740991.0) throw_range(env, "Expected m * n to be a safe integer");
    AsyncKernel* job = new AsyncKernel(env, m * n * sizeof(float), napi_float32_array, m * n);
    auto inputs = std::make_shared<std::vector<float>>();
    inputs->reserve(g.a.length + g.b.length + g.bias.length);
    inputs->insert(inputs->end(), g.a.data, g.a.data + g.a.length);
    inputs->insert(inputs->end(), g.b.data, g.b.data + g.b.length);
    inputs->insert(inputs->end(), g.bias.data, g.bias.data + g.bias.length);
    auto bits = std::make_shared<std::vector<uint32_t>>(g.keep.data, g.keep.data + g.keep.length);
    const Kernels* kern = kernels_;
    const unsigned th = threads_;
    float* c = (float*)job->data();
    const size_t alen = g.a.length, blen = g.b.length;
    const bool has_bias = g.has_bias, has_keep = g.has_keep, ta = g.trans_a, tb = g.trans_b;
    const float scale = g.scale;
    job->work = [=] {
      const float* base = inputs->data();
      const MatmulArgs args{c,  base, base + alen, has_bias ? base + alen + blen : nullptr, m,    n, k,
                            ta, tb,   false,       has_keep ? bits->data() : nullptr,       scale};
      if (!matmul_rows(kern, th, args)) job->fail("dropmask: out of memory for matmul packing buffers");
    };
    const Napi::Promise promise = job->promise();
    job->Queue();
    return promise;
  }

  // maskedGemv(y, x, W, biases | null, batch, rows, din, keep, keepStride, scale): rows split
  // across threads (each row's sum is computed by one thread, so the count never changes bits).
  Napi::Value MaskedGemv(const Napi::CallbackInfo& info) {
    const Napi::Env env = info.Env();
    const View<float> y = typed_array<float>(info, 0, napi_float32_array, "y", "Float32Array");
    const View<float> x = typed_array<float>(info, 1, napi_float32_array, "x", "Float32Array");
    const View<float> w = typed_array<float>(info, 2, napi_float32_array, "W", "Float32Array");
    bool has_bias = false;
    const View<float> bias = optional_array<float>(info, 3, napi_float32_array, "biases", "Float32Array", has_bias);
    const size_t batch = count_arg(info, 4, "batch"), rows = count_arg(info, 5, "rows"), din = count_arg(info, 6, "din");
    const View<uint32_t> keep = typed_array<uint32_t>(info, 7, napi_uint32_array, "keep", "Uint32Array");
    const size_t stride = count_arg(info, 8, "keepStride");
    const float scale = float_arg(info, 9, "scale");
    const double by = (double)batch * (double)rows, bx = (double)batch * (double)din, wr = (double)rows * (double)din;
    if ((double)y.length != by) throw_range(env, "Expected y.length === batch * rows");
    if ((double)x.length != bx) throw_range(env, "Expected x.length === batch * din");
    if ((double)w.length != wr) throw_range(env, "Expected W.length === rows * din");
    if (has_bias && (double)bias.length != by) throw_range(env, "Expected biases.length === batch * rows");
    if ((double)stride * 32 < wr) throw_range(env, "Expected keepStride >= ceil(rows * din / 32)");
    if (batch > 0 && (double)keep.length < (double)(batch - 1) * (double)stride + std::ceil(wr / 32))
      throw_range(env, "Expected keep to hold batch segments of keepStride words");
    if (overlaps(y, x) || overlaps(y, w) || (has_bias && overlaps(y, bias)))
      throw_range(env, "Expected y not to overlap its inputs");
    const GemvArgs g{y.data, x.data, w.data, has_bias ? bias.data : nullptr, batch, rows, din, keep.data, stride, scale};
    const Kernels* k = kernels_;
    const size_t min_rows = kMinPerThread / (batch * din + 1) + 1;
    parallel_ranges(rows, 1, threads_, min_rows, [&](size_t b, size_t e) { k->masked_gemv(g, b, e); });
    return env.Undefined();
  }

  // matmul(c, a, b, bias | null, m, n, k, transA, transB, accumulate, bKeep | null, bScale)
  Napi::Value Matmul(const Napi::CallbackInfo& info) {
    const Napi::Env env = info.Env();
    const View<float> c = typed_array<float>(info, 0, napi_float32_array, "c", "Float32Array");
    const MatmulOperands g = matmul_operands(info, 1, 10);
    if ((double)c.length != (double)g.m * (double)g.n) throw_range(env, "Expected c.length === m * n");
    const MatmulArgs args{c.data,
                          g.a.data,
                          g.b.data,
                          g.has_bias ? g.bias.data : nullptr,
                          g.m,
                          g.n,
                          g.k,
                          g.trans_a,
                          g.trans_b,
                          bool_arg(info, 9, "accumulate"),
                          g.has_keep ? g.keep.data : nullptr,
                          g.scale};
    if (!matmul_rows(kernels_, threads_, args)) throw Napi::Error::New(env, "dropmask: out of memory for matmul packing buffers");
    return env.Undefined();
  }
};

}  // namespace
}  // namespace dropmask

using dropmask::Addon;
NODE_API_ADDON(Addon)
