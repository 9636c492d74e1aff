// The stream kernels' bindings: one template, driven by the kernel table's rows, makes every sync
// binding (out, x?, n?, counter, params...) and every kernelAsync kind, so a row's unit, words
// per unit, output type, input and scalars are written once, in kernel_table.h.
#include <memory>
#include <new>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "../args.h"
#include "async_kernel.h"
#include "bindings.h"

namespace dropmask {
namespace {

template <class T>
struct ArrayType;
template <>
struct ArrayType<float> {
  static constexpr napi_typedarray_type type = napi_float32_array;
  static constexpr const char* name = "Float32Array";
};
template <>
struct ArrayType<uint8_t> {
  static constexpr napi_typedarray_type type = napi_uint8_array;
  static constexpr const char* name = "Uint8Array";
};
template <>
struct ArrayType<uint32_t> {
  static constexpr napi_typedarray_type type = napi_uint32_array;
  static constexpr const char* name = "Uint32Array";
};

// A threshold must be an integer in [0, 65536]; every other scalar a finite number (as float32).
template <class P>
typename P::type read_scalar(const Napi::CallbackInfo& info, size_t i) {
  if constexpr (std::is_same_v<P, Threshold>)
    return threshold_arg(info, i);
  else
    return float_arg(info, i, P::name);
}

// A row's scalars, read from the sync call's arguments or from kernelAsync's a and b.
template <class Params>
struct Scalars;
template <class... P>
struct Scalars<std::tuple<P...>> {
  using Values = std::tuple<typename P::type...>;
  // kernelAsync checks `a` as a threshold only for the kinds that take one there.
  static constexpr bool threshold_in_a = (std::is_same_v<P, Threshold> || ...);

  static Values read(const Napi::CallbackInfo& info, size_t at) { return read(info, at, std::index_sequence_for<P...>()); }
  static Values from([[maybe_unused]] double a, [[maybe_unused]] double b) {
    return Values{(typename P::type)(P::slot == Slot::a ? a : b)...};
  }

 private:
  // Braces evaluate left to right: the first wrong argument is the one reported.
  template <size_t... I>
  static Values read(const Napi::CallbackInfo& info, size_t at, std::index_sequence<I...>) {
    return Values{read_scalar<P>(info, at + I)...};
  }
};

// A stream kernel row: its spec and its field in the Kernels table.
template <class S, auto Field>
struct Row : S {
  using T = typename S::Out::type;
  using Values = typename Scalars<typename S::Params>::Values;

  // The kernel over elements [0, n), split across threads: each range writes out from the slot
  // of its first element and reads x at the same index.
  static void run(const Kernels* k, unsigned threads, T* out, const float* x, size_t n, const Counter& c, const Values& v) {
    const auto kernel = k->*Field;
    split_call(threads, n, S::unit, S::words_per_unit, c, [&](size_t b, size_t e, const Counter& cc) {
      std::apply(
          [&](auto... scalars) {
            if constexpr (S::has_x)
              kernel(out + b / S::Out::per_slot, x + b, e - b, cc, scalars...);
            else
              kernel(out + b / S::Out::per_slot, e - b, cc, scalars...);
          },
          v);
    });
  }

  static Napi::Value call(const Context& ctx, const Napi::CallbackInfo& info) {
    const Napi::Env env = info.Env();
    const View<T> out = typed_array<T>(info, 0, ArrayType<T>::type, "out", ArrayType<T>::name);
    size_t n = out.length;
    const float* x = nullptr;
    if constexpr (S::has_x) {
      const View<float> in = typed_array<float>(info, S::x_at, napi_float32_array, "x", "Float32Array");
      if (out.length != in.length) throw_range(env, "Expected out.length === x.length");
      x = in.data;
    }
    if constexpr (S::explicit_n) {
      // Words of out past ceil(n / 32) are not the call's: they are left untouched.
      const double bits = number(info, S::n_at, "n");
      if (!(bits >= 0 && bits <= 32.0 * (double)out.length) || bits != (double)(size_t)bits)
        throw_range(env, "Expected an integer n with ceil(n / 32) <= out.length");
      n = (size_t)bits;
    }
    const Counter c = counter_arg(info, S::counter_at);
    const Values v = Scalars<typename S::Params>::read(info, S::params_at);
    run(ctx.kernels, ctx.threads, out.data, x, n, c, v);
    return env.Undefined();
  }

  // kernelAsync's work for this kind: the output has n elements (bits: ceil(n / 32) words).
  static Napi::Value start(const Context& ctx, const Napi::CallbackInfo& info, size_t n, const Counter& c, double a, double b) {
    const Napi::Env env = info.Env();
    const size_t length = (n + S::Out::per_slot - 1) / S::Out::per_slot;
    View<float> in{nullptr, 0};
    if constexpr (S::has_x) {
      in = typed_array<float>(info, 5, napi_float32_array, "x", "Float32Array");
      if (in.length != n) throw_range(env, "Expected x.length === n");
    }
    const std::string impossible = cannot_allocate(length, sizeof(T));
    if (!impossible.empty()) return rejected_range(env, impossible);
    // Owned here until queued, so nothing thrown below can leak it.
    std::unique_ptr<AsyncKernel> job(new AsyncKernel(env, ctx.lifetime, length * sizeof(T), ArrayType<T>::type, length));
    if constexpr (S::has_x) {
      // bad_alloc is no Napi::Error: escaping the binding, it would abort the process.
      try {
        job->input.assign(in.data, in.data + in.length);
      } catch (const std::bad_alloc&) {
        return rejected_range(env, "Array buffer allocation failed: cannot copy x");
      }
    }
    const Kernels* k = ctx.kernels;
    const unsigned threads = ctx.threads;  // read now: JavaScript may change it while the job runs
    T* out = (T*)job->data();
    const float* x = job->input.data();
    const Values v = Scalars<typename S::Params>::from(a, b);
    job->work = [=] { run(k, threads, out, x, n, c, v); };
    const Napi::Promise promise = job->promise();
    job.release()->Queue();
    return promise;
  }
};

#define DROPMASK_STREAM_ROW(name, js, family, ...) using js = Row<DROPMASK_STREAM_SPEC(__VA_ARGS__), &Kernels::name>;
namespace rows {
DROPMASK_STREAM_KERNELS(DROPMASK_STREAM_ROW)
}  // namespace rows
#undef DROPMASK_STREAM_ROW

using Start = Napi::Value (*)(const Context&, const Napi::CallbackInfo&, size_t, const Counter&, double, double);
struct Kind {
  const char* name;
  bool threshold_in_a;
  Start start;
};

// Every stream kernel is a kind, named as its binding.
#define DROPMASK_KIND(name, js, ...) {#js, Scalars<rows::js::Params>::threshold_in_a, &rows::js::start},
constexpr Kind kKinds[] = {DROPMASK_STREAM_KERNELS(DROPMASK_KIND)};
#undef DROPMASK_KIND

}  // namespace

namespace bindings {

#define DROPMASK_STREAM_BINDING(name, js, ...) \
  Napi::Value js(const Context& ctx, const Napi::CallbackInfo& info) { return rows::js::call(ctx, info); }
DROPMASK_STREAM_KERNELS(DROPMASK_STREAM_BINDING)
#undef DROPMASK_STREAM_BINDING

// kernelAsync(kind, n, counter, a, b, x?) -> Promise<typed array>: a stream kernel off the
// JavaScript thread. kind is its JS name; a and b carry its scalars (see Slot in kernel_table.h:
// normal: a = mean, b = std; Bernoulli kinds: a = threshold, b = scale if any; dropout: x,
// a = threshold, b = scale; gaussianNoise: x, b = std). The output has n elements (bits:
// ceil(n / 32) words).
Napi::Value kernelAsync(const Context& ctx, const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) throw_type(env, "Expected a string for kind");
  const std::string name = info[0].As<Napi::String>();
  const size_t n = count_arg(info, 1, "n");
  const Counter c = counter_arg(info, 2);
  const double a = number(info, 3, "a"), b = number(info, 4, "b");
  const Kind* kind = nullptr;
  for (const Kind& k : kKinds)
    if (name == k.name) kind = &k;
  if (kind && kind->threshold_in_a && (!(a >= 0 && a <= 65536) || a != (double)(uint32_t)a))
    throw_range(env, "Expected an integer in [0, 65536] for threshold");
  if (!(b - b == 0)) throw_range(env, "Expected a finite number for b");
  if (!kind) throw_range(env, "Expected a kernel name for kind but received " + name);
  return kind->start(ctx, info, n, c, a, b);
}

}  // namespace bindings
}  // namespace dropmask
