// The addon's entry: its exports and its per-context state. Every kernel is exported under its
// JS name from the kernel table; the bindings themselves live in bindings/, one file per family
// group, and get this context's state (kernel table, threads) with every call.
#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "args.h"
#include "bindings/async_kernel.h"
#include "bindings/bindings.h"
#include "kernels.h"

namespace dropmask {
namespace {

// The tables this CPU can run, widest first: from the one select_kernels() picks down.
std::vector<const Kernels*> available_kernels() {
  const Kernels& best = select_kernels();
#define DROPMASK_ISA_TABLE(isa) &isa::kKernels,
  const Kernels* const order[] = {DROPMASK_ISAS(DROPMASK_ISA_TABLE)};
#undef DROPMASK_ISA_TABLE
  std::vector<const Kernels*> all;
  bool reached = false;
  for (const Kernels* k : order) {
    reached = reached || k == &best;
    if (reached) all.push_back(k);
  }
  return all;
}

class Addon : public Napi::Addon<Addon> {
 public:
  Addon(Napi::Env env, Napi::Object exports) : ctx_{&select_kernels(), 1, std::make_shared<Lifetime>()} {
    // From here on the environment runs no JavaScript: async jobs still completing settle nothing
    // (async_kernel.h). The hook holds the state it needs, not this object.
    std::shared_ptr<Lifetime> lifetime = ctx_.lifetime;
    env.AddCleanupHook([lifetime] { lifetime->closing = true; });
#define DROPMASK_EXPORT(name, js, ...) InstanceMethod(#js, &Addon::Call<bindings::js>),
    // One export a line; the kernels' are generated from the table.
    // clang-format off
    DefineAddon(exports, {
        InstanceMethod("simd", &Addon::Simd),
        InstanceMethod("simdLevels", &Addon::SimdLevels),
        InstanceMethod("setSimd", &Addon::SetSimd),
        InstanceMethod("setThreads", &Addon::SetThreads),
        InstanceMethod("threads", &Addon::Threads),
        InstanceMethod("kernelAsync", &Addon::Call<bindings::kernelAsync>),
        InstanceMethod("matmulAsync", &Addon::Call<bindings::matmulAsync>),
        InstanceMethod("kernelTable", &Addon::Call<bindings::kernelTable>),
        InstanceMethod("viewRelation", &Addon::Call<bindings::viewRelation>),
        DROPMASK_STREAM_KERNELS(DROPMASK_EXPORT)
        DROPMASK_ARRAY_KERNELS(DROPMASK_EXPORT)
    });
    // clang-format on
#undef DROPMASK_EXPORT
  }

 private:
  Context ctx_;

  template <Binding B>
  Napi::Value Call(const Napi::CallbackInfo& info) {
    return B(ctx_, info);
  }

  Napi::Value SetThreads(const Napi::CallbackInfo& info) {
    const double t = number(info, 0, "threads");
    if (!(t >= 1 && t <= 256) || t != (double)(unsigned)t) throw_range(info.Env(), "Expected an integer in [1, 256] for threads");
    ctx_.threads = (unsigned)t;
    return info.Env().Undefined();
  }

  Napi::Value Threads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), ctx_.threads); }

  Napi::Value Simd(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), ctx_.kernels->simd); }

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
        ctx_.kernels = k;
        return info.Env().Undefined();
      }
    }
    throw_range(info.Env(), "Expected a SIMD level this CPU supports for level but received " + want);
  }
};

}  // namespace
}  // namespace dropmask

using dropmask::Addon;
NODE_API_ADDON(Addon)
