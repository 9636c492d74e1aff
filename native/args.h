// Argument readers shared by the N-API bindings: each checks one argument's type and range and
// throws a JavaScript TypeError or RangeError naming it, before any memory is touched.
#pragma once
#include <napi.h>

#include <string>

#include "counter.h"

namespace dropmask {

[[noreturn]] inline void throw_type(Napi::Env env, const std::string& msg) { throw Napi::TypeError::New(env, msg); }
[[noreturn]] inline void throw_range(Napi::Env env, const std::string& msg) { throw Napi::RangeError::New(env, msg); }

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

inline double number(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (info.Length() <= i || !info[i].IsNumber()) throw_type(info.Env(), std::string("Expected a number for ") + name);
  return info[i].As<Napi::Number>().DoubleValue();
}

inline uint32_t threshold_arg(const Napi::CallbackInfo& info, size_t i) {
  const double t = number(info, i, "threshold");
  if (!(t >= 0 && t <= 65536) || t != (double)(uint32_t)t)
    throw_range(info.Env(), "Expected an integer in [0, 65536] for threshold");
  return (uint32_t)t;
}

// The kernels compute in float32: a double finite only as a double (|v| >= 2^128) is refused too.
inline float float_arg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  const double v = number(info, i, name);
  const float f = (float)v;
  if (!(f - f == 0)) throw_range(info.Env(), std::string("Expected a finite float32 number for ") + name);
  return f;
}

// counter = Uint32Array [seed lo, seed hi, stream lo, stream hi, block lo, block hi, phase]
inline Counter counter_arg(const Napi::CallbackInfo& info, size_t i) {
  const View<uint32_t> v = typed_array<uint32_t>(info, i, napi_uint32_array, "counter", "Uint32Array");
  if (v.length != 7) throw_range(info.Env(), "Expected 7 words for counter");
  // One read of each word: a counter in shared memory may change between a check and a use.
  uint32_t w[7];
  for (size_t k = 0; k < 7; ++k) w[k] = reinterpret_cast<volatile const uint32_t*>(v.data)[k];
  if (w[6] > 3) throw_range(info.Env(), "Expected a phase in [0, 3] for counter");
  return Counter{w[0], w[1], w[2], w[3], (uint64_t)w[5] << 32 | w[4], w[6]};
}

inline size_t count_arg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  const double v = number(info, i, name);
  if (!(v >= 0 && v <= 9007199254740991.0) || v != (double)(size_t)v)
    throw_range(info.Env(), std::string("Expected a non-negative integer for ") + name);
  return (size_t)v;
}

inline bool bool_arg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (info.Length() <= i || !info[i].IsBoolean()) throw_type(info.Env(), std::string("Expected a boolean for ") + name);
  return info[i].As<Napi::Boolean>().Value();
}

// True when two views share any byte.
template <class A, class B>
bool overlaps(const View<A>& a, const View<B>& b) {
  const char *a0 = (const char*)a.data, *b0 = (const char*)b.data;
  return a0 < b0 + b.length * sizeof(B) && b0 < a0 + a.length * sizeof(A);
}

// An optional typed array: null or undefined gives {nullptr, 0} and `present` false.
template <class T>
View<T> optional_array(const Napi::CallbackInfo& info, size_t i, napi_typedarray_type type, const char* name,
                       const char* type_name, bool& present) {
  present = info.Length() > i && !info[i].IsNull() && !info[i].IsUndefined();
  if (!present) return {nullptr, 0};
  return typed_array<T>(info, i, type, name, type_name);
}

}  // namespace dropmask
