// What every binding is given, and the bindings themselves, declared from the kernel table.
// lib/ has already validated every call, but nothing here trusts that: each binding checks every
// length before any memory is touched, and a wrong call throws a JavaScript TypeError or
// RangeError (args.h).
#pragma once
#include <napi.h>

#include <memory>

#include "../kernels.h"
#include "../parallel.h"

namespace dropmask {

struct Lifetime;  // async_kernel.h

// The addon's state, one per Node environment (main thread or worker), so threads never share
// anything mutable: the instruction set's table and the threads large calls are split across.
struct Context {
  const Kernels* kernels;
  unsigned threads;
  std::shared_ptr<Lifetime> lifetime;  // whether the environment is tearing down, shared with its async jobs
};

using Binding = Napi::Value (*)(const Context& ctx, const Napi::CallbackInfo& info);

namespace bindings {

// bindings::<JS name> for every kernel: stream.cc (generated), matmul.cc, conv.cc, broadcast.cc.
#define DROPMASK_DECLARE_BINDING(name, js, ...) Napi::Value js(const Context& ctx, const Napi::CallbackInfo& info);
DROPMASK_STREAM_KERNELS(DROPMASK_DECLARE_BINDING)
DROPMASK_ARRAY_KERNELS(DROPMASK_DECLARE_BINDING)
#undef DROPMASK_DECLARE_BINDING

// kernelAsync(kind, n, counter, a, b, x?) -> Promise<typed array> (stream.cc)
Napi::Value kernelAsync(const Context& ctx, const Napi::CallbackInfo& info);
// matmulAsync(a, b, bias, m, n, k, transA, transB, bKeep, bScale) -> Promise<Float32Array> (matmul.cc)
Napi::Value matmulAsync(const Context& ctx, const Napi::CallbackInfo& info);
// kernelTable() -> [{name, family, args, unit, wordsPerUnit, async}] (table.cc)
Napi::Value kernelTable(const Context& ctx, const Napi::CallbackInfo& info);

// viewRelation(a, b) -> 'disjoint' | 'same' | 'overlap' is defined inline in views.h.

}  // namespace bindings

// Runs kernel(begin, end, counter) over [0, n) on up to `threads` threads, in ranges of `unit`
// elements, each range at the counter advanced by words_per_unit words per unit before it.
template <class K>
void split_call(unsigned threads, size_t n, size_t unit, uint64_t words_per_unit, const Counter& c, K&& kernel) {
  parallel_ranges(n, unit, threads, kMinPerThread,
                  [&](size_t b, size_t e) { kernel(b, e, advance(c, (b / unit) * words_per_unit)); });
}

}  // namespace dropmask

#include "views.h"
