// The bindings of the products: matmul, its off-thread form matmulAsync, DropConnect's drawn
// dropConnectMatmul and its per-example maskedGemv and dropConnectGemv, arguments in the order of
// their rows in kernel_table.h. Each element of a product is computed by one thread only, so the
// thread count never changes the bits.
#include <atomic>
#include <cmath>
#include <memory>
#include <vector>

#include "../args.h"
#include "async_kernel.h"
#include "bindings.h"

namespace dropmask {
namespace {

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

// The kernel's arguments for checked operands g, with c and the input pointers given: the sync
// form passes the caller's arrays, the async form its copies.
MatmulArgs matmul_args(const MatmulOperands& g, float* c, const float* a, const float* b, const float* bias, const uint32_t* keep,
                       bool accumulate) {
  MatmulArgs args{};
  args.c = c, args.a = a, args.b = b, args.bias = g.has_bias ? bias : nullptr;
  args.m = g.m, args.n = g.n, args.k = g.k;
  args.trans_a = g.trans_a, args.trans_b = g.trans_b, args.accumulate = accumulate;
  args.b_keep = g.has_keep ? keep : nullptr, args.b_scale = g.scale;
  return args;
}

// One product on up to `threads` threads: the kernel splits it in whole register tiles (columns
// of C, or rows when A is far taller than B is wide), each element computed by one thread with the
// same blocking, so every thread count gives the same bits.
bool matmul_rows(const Kernels* kernels, unsigned threads, const MatmulArgs& args) { return kernels->matmul(args, threads); }

}  // namespace

namespace bindings {

// bias and bKeep may be null (bScale is read only with bKeep).
Napi::Value matmul(const Context& ctx, const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const View<float> c = typed_array<float>(info, 0, napi_float32_array, "c", "Float32Array");
  const MatmulOperands g = matmul_operands(info, 1, 10);
  if ((double)c.length != (double)g.m * (double)g.n) throw_range(env, "Expected c.length === m * n");
  const bool accumulate = bool_arg(info, 9, "accumulate");
  const MatmulArgs args = matmul_args(g, c.data, g.a.data, g.b.data, g.bias.data, g.keep.data, accumulate);
  if (!matmul_rows(ctx.kernels, ctx.threads, args))
    throw Napi::Error::New(env, "dropmask: out of memory for matmul packing buffers");
  return env.Undefined();
}

// matmulAsync(a, b, bias | null, m, n, k, transA, transB, bKeep | null, bScale) -> Promise of a
// new Float32Array c [m x n] (no accumulate): matmul's operands after c, without accumulate.
// Inputs are copied now; the product runs on the libuv pool, split by rows across the configured
// threads like the sync form (so the bits are the same).
Napi::Value matmulAsync(const Context& ctx, const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const MatmulOperands g = matmul_operands(info, 0, 8);
  if ((double)g.m * (double)g.n > 9007199254740991.0) throw_range(env, "Expected m * n to be a safe integer");
  const std::string impossible = cannot_allocate((uint64_t)g.m * g.n, sizeof(float));
  if (!impossible.empty()) return rejected_range(env, impossible);
  // Owned here until queued, so nothing thrown below can leak it.
  std::unique_ptr<AsyncKernel> job(new AsyncKernel(env, ctx.lifetime, g.m * g.n * sizeof(float), napi_float32_array, g.m * g.n));
  std::shared_ptr<std::vector<float>> inputs;
  std::shared_ptr<std::vector<uint32_t>> bits;
  // bad_alloc is no Napi::Error: escaping the binding, it would abort the process.
  try {
    inputs = std::make_shared<std::vector<float>>();
    inputs->reserve(g.a.length + g.b.length + g.bias.length);
    inputs->insert(inputs->end(), g.a.data, g.a.data + g.a.length);
    inputs->insert(inputs->end(), g.b.data, g.b.data + g.b.length);
    inputs->insert(inputs->end(), g.bias.data, g.bias.data + g.bias.length);
    bits = std::make_shared<std::vector<uint32_t>>(g.keep.data, g.keep.data + g.keep.length);
  } catch (const std::bad_alloc&) {
    return rejected_range(env, "Array buffer allocation failed: cannot copy the operands");
  }
  const float* base = inputs->data();
  const MatmulArgs args =
      matmul_args(g, (float*)job->data(), base, base + g.a.length, base + g.a.length + g.b.length, bits->data(), false);
  const Kernels* kernels = ctx.kernels;
  const unsigned threads = ctx.threads;  // read now: JavaScript may change it while the job runs
  AsyncKernel* self = job.get();
  // The copies live as long as the work that reads them.
  job->work = [args, inputs, bits, kernels, threads, self] {
    if (!matmul_rows(kernels, threads, args)) self->fail("dropmask: out of memory for matmul packing buffers");
  };
  const Napi::Promise promise = job->promise();
  job.release()->Queue();
  return promise;
}

// What a product from packed weights returns to JavaScript: undefined, or why there is no product.
static Napi::Value packed_status(const Napi::Env env, PackedStatus status) {
  switch (status) {
    case PackedStatus::ok:
      return env.Undefined();
    case PackedStatus::stale:
      throw_range(
          env,
          "Expected packed to be packWeights(W, rows, din) made for this instruction set, the array itself (pack again after "
          "setSimd; a copy of a packed form is not one)");
    case PackedStatus::out_of_memory:
      break;
  }
  throw Napi::Error::New(env, "dropmask: out of memory for matmul packing buffers");
}

// packWeights(W, rows, din) -> Float32Array: W (stored rows x din) packed ahead for matmulPacked
// on this instruction set, its layout in a header the product checks (matmul.inc).
Napi::Value packWeights(const Context& ctx, const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const View<float> w = typed_array<float>(info, 0, napi_float32_array, "W", "Float32Array");
  const size_t n = count_arg(info, 1, "rows"), k = count_arg(info, 2, "din");
  if (n > 0x80000000u || k > 0x80000000u) throw_range(env, "Expected rows and din to be at most 2^31");
  if ((double)w.length != (double)n * (double)k) throw_range(env, "Expected W.length === rows * din");
  const size_t need = ctx.kernels->pack_weights(nullptr, 0, w.data, n, k, 1);
  const std::string impossible = cannot_allocate(need, sizeof(float));
  if (!impossible.empty()) throw_range(env, impossible);
  Napi::Float32Array packed = Napi::Float32Array::New(env, need);
  ctx.kernels->pack_weights(packed.Data(), need, w.data, n, k, ctx.threads);
  return packed;
}

// The operands every product in the dense layers' layout shares: y [batch, rows] = x [batch, din]
// · Wᵀ (W [rows, din]) + a bias | null, arguments 0–6. The per-example products take biases
// [batch, rows]; dropConnectMatmul one bias [rows] for every example.
struct DenseOperands {
  View<float> y, x, w, bias;
  bool has_bias = false, per_example_bias;
  size_t batch, rows, din;
  double wr;  // rows · din, as the keep checks compare it
};

static DenseOperands dense_operands(const Napi::CallbackInfo& info, bool per_example_bias) {
  DenseOperands o;
  o.per_example_bias = per_example_bias;
  const char* bias_name = per_example_bias ? "biases" : "bias";
  o.y = typed_array<float>(info, 0, napi_float32_array, "y", "Float32Array");
  o.x = typed_array<float>(info, 1, napi_float32_array, "x", "Float32Array");
  o.w = typed_array<float>(info, 2, napi_float32_array, "W", "Float32Array");
  o.bias = optional_array<float>(info, 3, napi_float32_array, bias_name, "Float32Array", o.has_bias);
  o.batch = count_arg(info, 4, "batch"), o.rows = count_arg(info, 5, "rows"), o.din = count_arg(info, 6, "din");
  o.wr = (double)o.rows * (double)o.din;
  return o;
}

// After the product's own arguments are read, as before the operands were shared.
static void check_dense_lengths(const Napi::Env env, const DenseOperands& o) {
  const double by = (double)o.batch * (double)o.rows, bx = (double)o.batch * (double)o.din;
  if ((double)o.y.length != by) throw_range(env, "Expected y.length === batch * rows");
  if ((double)o.x.length != bx) throw_range(env, "Expected x.length === batch * din");
  if ((double)o.w.length != o.wr) throw_range(env, "Expected W.length === rows * din");
  if (o.has_bias && o.per_example_bias && (double)o.bias.length != by)
    throw_range(env, "Expected biases.length === batch * rows");
  if (o.has_bias && !o.per_example_bias && o.bias.length != o.rows) throw_range(env, "Expected bias.length === rows");
}

static void check_dense_disjoint(const Napi::Env env, const DenseOperands& o) {
  if (overlaps(o.y, o.x) || overlaps(o.y, o.w) || (o.has_bias && overlaps(o.y, o.bias)))
    throw_range(env, "Expected y not to overlap its inputs");
}

// matmulPacked(y, x, W, bias | null, batch, rows, din, packed): y [batch, rows] = x [batch, din] ·
// Wᵀ + bias from packWeights(W, rows, din)'s panels, bit for bit matmul(y, x, W, bias, batch,
// rows, din, false, true, false): the dense layout, as dropConnectMatmul's.
Napi::Value matmulPacked(const Context& ctx, const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const DenseOperands o = dense_operands(info, false);
  const View<float> packed = typed_array<float>(info, 7, napi_float32_array, "packed", "Float32Array");
  check_dense_lengths(env, o);
  if (o.rows > 0x80000000u || o.din > 0x80000000u) throw_range(env, "Expected rows and din to be at most 2^31");
  check_dense_disjoint(env, o);
  if (overlaps(o.y, packed)) throw_range(env, "Expected y not to overlap packed");
  MatmulArgs args{};
  args.c = o.y.data, args.a = o.x.data, args.b = o.w.data, args.bias = o.has_bias ? o.bias.data : nullptr;
  args.m = o.batch, args.n = o.rows, args.k = o.din, args.trans_b = true;
  return packed_status(env, ctx.kernels->matmul_packed(args, packed.data, packed.length, ctx.threads));
}

// dropConnectMatmul(y, x, W, bias | null, batch, rows, din, keep, counter, threshold, scale,
// packed | null | undefined): y [batch, rows] = x [batch, din] · (keep ⊙ W · scale)ᵀ + bias, the
// keep bits of W [rows, din] drawn at counter inside the product and written to keep
// (ceil(rows · din / 32) words or more; words past those are untouched), from packWeights(W)'s
// panels when packed is given. keep is written, so it may overlap nothing else.
Napi::Value dropConnectMatmul(const Context& ctx, const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const DenseOperands o = dense_operands(info, false);
  const View<uint32_t> keep = typed_array<uint32_t>(info, 7, napi_uint32_array, "keep", "Uint32Array");
  const Counter counter = counter_arg(info, 8);
  const uint32_t threshold = threshold_arg(info, 9);
  const float scale = float_arg(info, 10, "scale");
  bool has_packed = false;
  const View<float> packed = optional_array<float>(info, 11, napi_float32_array, "packed", "Float32Array", has_packed);
  check_dense_lengths(env, o);
  if ((double)keep.length < std::ceil(o.wr / 32)) throw_range(env, "Expected keep to hold ceil(rows * din / 32) words");
  check_dense_disjoint(env, o);
  if (overlaps(o.y, keep) || (has_packed && overlaps(o.y, packed))) throw_range(env, "Expected y not to overlap keep or packed");
  if (overlaps(keep, o.x) || overlaps(keep, o.w) || (o.has_bias && overlaps(keep, o.bias)) ||
      (has_packed && overlaps(keep, packed)))
    throw_range(env, "Expected keep not to overlap x, W, bias or packed");
  MatmulArgs args{};
  args.c = o.y.data, args.a = o.x.data, args.b = o.w.data, args.bias = o.has_bias ? o.bias.data : nullptr;
  args.m = o.batch, args.n = o.rows, args.k = o.din;
  args.trans_a = false, args.trans_b = true, args.accumulate = false;
  args.b_scale = scale;
  // The kernel takes a null `packed` as none given: an empty (or detached) one is no packed form.
  if (has_packed && packed.data == nullptr) return packed_status(env, PackedStatus::stale);
  if (has_packed && (o.rows > 0x80000000u || o.din > 0x80000000u)) throw_range(env, "Expected rows and din to be at most 2^31");
  const PackedStatus status = ctx.kernels->drop_connect_matmul(args, keep.data, counter, threshold,
                                                               has_packed ? packed.data : nullptr, packed.length, ctx.threads);
  return packed_status(env, status);
}

// biases may be null. Rows split across threads (each row's sum is computed by one thread, so the
// count never changes bits).
Napi::Value maskedGemv(const Context& ctx, const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const DenseOperands o = dense_operands(info, true);
  const size_t batch = o.batch, rows = o.rows, din = o.din;
  const double wr = o.wr;
  const View<uint32_t> keep = typed_array<uint32_t>(info, 7, napi_uint32_array, "keep", "Uint32Array");
  const size_t stride = count_arg(info, 8, "keepStride");
  const float scale = float_arg(info, 9, "scale");
  check_dense_lengths(env, o);
  if ((double)stride * 32 < wr) throw_range(env, "Expected keepStride >= ceil(rows * din / 32)");
  if (batch > 0 && (double)keep.length < (double)(batch - 1) * (double)stride + std::ceil(wr / 32))
    throw_range(env, "Expected keep to hold batch segments of keepStride words");
  check_dense_disjoint(env, o);
  const GemvArgs g{o.y.data, o.x.data, o.w.data, o.has_bias ? o.bias.data : nullptr, batch, rows, din, keep.data, stride, scale};
  const Kernels* k = ctx.kernels;
  const size_t min_rows = kMinPerThread / (batch * din + 1) + 1;
  parallel_ranges(rows, 1, ctx.threads, min_rows, [&](size_t b, size_t e) { k->masked_gemv(g, b, e); });
  return env.Undefined();
}

// dropConnectGemv(y, x, W, biases | null, batch, rows, din, counter, segmentWords, threshold, scale):
// maskedGemv with example b's keep decisions drawn inside the kernel at counter + b · segmentWords
// words. Rows are taken by the threads in chunks as they finish; each row of every example is
// computed by one thread, so the count never changes bits.
Napi::Value dropConnectGemv(const Context& ctx, const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const DenseOperands o = dense_operands(info, true);
  const size_t batch = o.batch, rows = o.rows, din = o.din;
  const double wr = o.wr;
  const Counter counter = counter_arg(info, 7);
  const size_t segment = count_arg(info, 8, "segmentWords");
  const uint32_t threshold = threshold_arg(info, 9);
  const float scale = float_arg(info, 10, "scale");
  check_dense_lengths(env, o);
  if ((double)segment < std::ceil(wr / 2)) throw_range(env, "Expected segmentWords >= ceil(rows * din / 2)");
  check_dense_disjoint(env, o);
  const GemvArgs g{o.y.data, o.x.data, o.w.data, o.has_bias ? o.bias.data : nullptr, batch, rows, din, nullptr, 0, scale};
  const Kernels* k = ctx.kernels;
  // Chunks of rows: enough per thread that a paused thread hands its share on, none tiny.
  const double work = (double)batch * (double)din + 1;
  size_t per = (size_t)std::ceil((double)kMinPerThread / work);
  const size_t share = (rows + 4 * (size_t)ctx.threads - 1) / (4 * (size_t)ctx.threads);
  if (per < share) per = share;
  if (per < 1) per = 1;
  const size_t chunks = rows == 0 ? 0 : (rows + per - 1) / per;
  parallel_chunks(chunks, chunks > 1 ? ctx.threads : 1, [&](size_t chunk) {
    const size_t b = chunk * per, e = b + per < rows ? b + per : rows;
    k->drop_connect_gemv(g, counter, segment, threshold, b, e);
  });
  return env.Undefined();
}

}  // namespace bindings
}  // namespace dropmask
