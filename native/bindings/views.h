// viewRelation(a, b): where two typed arrays or DataViews lie in memory. Two SharedArrayBuffer
// objects can map the same memory (structuredClone, or a buffer posted to a worker and back), so
// lib/core/errors.ts cannot see from `buffer` identity that an out aliases an input; the addon can
// compare the data pointers. 'disjoint': no byte shared (empty views never share one); 'same':
// exactly the same bytes; 'overlap': anything else.
#pragma once
#include <napi.h>

#include <cstdint>
#include <string>

#include "../args.h"
#include "bindings.h"

namespace dropmask {
namespace bindings {

struct ByteRange {
  uintptr_t begin, end;
};

inline ByteRange byte_range(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (info.Length() > i && info[i].IsTypedArray()) {
    napi_typedarray_type type;
    size_t length = 0, offset = 0;
    void* data = nullptr;
    napi_value buffer;
    if (napi_get_typedarray_info(info.Env(), info[i], &type, &length, &data, &buffer, &offset) != napi_ok)
      throw_type(info.Env(), std::string("Expected a typed array or DataView for ") + name);
    const size_t bytes = length * info[i].As<Napi::TypedArray>().ElementSize();
    return {(uintptr_t)data, (uintptr_t)data + (data ? bytes : 0)};
  }
  if (info.Length() > i && info[i].IsDataView()) {
    const Napi::DataView v = info[i].As<Napi::DataView>();
    const uintptr_t data = (uintptr_t)v.Data();
    return {data, data + (data ? v.ByteLength() : 0)};
  }
  throw_type(info.Env(), std::string("Expected a typed array or DataView for ") + name);
}

inline Napi::Value viewRelation(const Context&, const Napi::CallbackInfo& info) {
  const ByteRange a = byte_range(info, 0, "a"), b = byte_range(info, 1, "b");
  const char* relation = "overlap";
  if (!(a.begin < b.end && b.begin < a.end))
    relation = "disjoint";
  else if (a.begin == b.begin && a.end == b.end)
    relation = "same";
  return Napi::String::New(info.Env(), relation);
}

}  // namespace bindings
}  // namespace dropmask
