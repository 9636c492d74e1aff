// kernelTable(): the kernel table as JavaScript data, one entry per kernel binding in table order,
// so a contract test can hold the addon to the TypeScript kernel spec (names, families, argument
// order, stream splitting) without parsing C++.
#include <initializer_list>

#include "bindings.h"

namespace dropmask {
namespace {

Napi::Array strings(Napi::Env env, std::initializer_list<const char*> items) {
  Napi::Array out = Napi::Array::New(env, items.size());
  uint32_t i = 0;
  for (const char* s : items) out[i++] = Napi::String::New(env, s);
  return out;
}

// The stream binding's arguments, in the positions StreamSpec gives them.
template <class S, class... P>
Napi::Array stream_args(Napi::Env env, std::tuple<P...>*) {
  Napi::Array out = Napi::Array::New(env, S::arg_count);
  out[uint32_t(0)] = Napi::String::New(env, "out");
  if (S::has_x) out[uint32_t(S::x_at)] = Napi::String::New(env, "x");
  if (S::explicit_n) out[uint32_t(S::n_at)] = Napi::String::New(env, "n");
  out[uint32_t(S::counter_at)] = Napi::String::New(env, "counter");
  [[maybe_unused]] uint32_t i = S::params_at;
  ((out[i++] = Napi::String::New(env, P::name)), ...);
  return out;
}

Napi::Object entry(Napi::Env env, const char* name, const char* family, Napi::Array args, Napi::Value unit,
                   Napi::Value words_per_unit, bool async) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("name", name);
  o.Set("family", family);
  o.Set("args", args);
  o.Set("unit", unit);
  o.Set("wordsPerUnit", words_per_unit);
  o.Set("async", async);
  return o;
}

}  // namespace

namespace bindings {

Napi::Value kernelTable(const Context&, const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  Napi::Array table = Napi::Array::New(env);
  uint32_t i = 0;
  // Every stream kernel is also a kernelAsync kind.
#define DROPMASK_STREAM_ENTRY(name, js, family, ...)                                                                         \
  {                                                                                                                          \
    using S = DROPMASK_STREAM_SPEC(__VA_ARGS__);                                                                             \
    table[i++] = entry(env, #js, #family, stream_args<S>(env, (S::Params*)nullptr), Napi::Number::New(env, (double)S::unit), \
                       Napi::Number::New(env, (double)S::words_per_unit), true);                                             \
  }
#define DROPMASK_ARRAY_ENTRY(name, js, family, signature, args) \
  table[i++] = entry(env, #js, #family, strings(env, {DROPMASK_UNPAREN args}), env.Null(), env.Null(), false);
  DROPMASK_STREAM_KERNELS(DROPMASK_STREAM_ENTRY)
  DROPMASK_ARRAY_KERNELS(DROPMASK_ARRAY_ENTRY)
#undef DROPMASK_STREAM_ENTRY
#undef DROPMASK_ARRAY_ENTRY
  return table;
}

}  // namespace bindings
}  // namespace dropmask
