// scripts/check-arm64.sh runs this under qemu: the arm64 kernels (NEON and portable) print the
// Random123 known answers and FNV-1a hashes of normal / uint8 / bits output, and one hash of every
// feature-map kernel's output on inputs made from them, for the script to compare, and whether the
// products (matmul, dropConnectMatmul, dropConnectGemv, matmulPacked) pass their checks.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "kernels.h"
using namespace dropmask;
namespace dropmask {
DROPMASK_DECLARE_ISA(scalar)  // the addon has NEON only on arm64: the check also runs the portable table
}

// The first kernel of the kernel table that table k lacks, or null: each ISA table must carry the
// whole list, whatever subset the hashes below exercise.
static const char* missing_kernel(const Kernels* k) {
#define DROPMASK_PRESENT(name, ...) \
  if (!k->name) return #name;
  DROPMASK_STREAM_KERNELS(DROPMASK_PRESENT)
  DROPMASK_ARRAY_KERNELS(DROPMASK_PRESENT)
#undef DROPMASK_PRESENT
  return nullptr;
}

static uint32_t fnv_bytes(uint32_t h, const void* data, size_t bytes) {
  const uint8_t* p = (const uint8_t*)data;
  for (size_t i = 0; i < bytes; ++i) h = (h ^ p[i]) * 16777619u;
  return h;
}

// The feature-map kernels on x [2, 5, 97, 103] (the first values of the normal output), keep bits
// and 0/1 bytes from the masks, in both layouts; must match scripts/check-arm64.sh's js hash.
static uint32_t conv_hash(const Kernels* k, const float* f, const uint8_t* m, const uint32_t* bits) {
  const size_t N = 2, C = 5, H = 97, W = 103, len = N * C * H * W;
  uint32_t h = 2166136261u;
  static float out[100003], y[100003];
  static int32_t arg[100003];
  const float weights[4] = {0.0625f, 0.125f, 0.25f, 0.5f};
  for (int last = 0; last < 2; ++last) {
    const PoolArgs g3{N, C, H, W, 3, 3, 2, 2, last == 1};
    const size_t o3 = N * C * ((H - 3) / 2 + 1) * ((W - 3) / 2 + 1);
    k->max_pool(g3, out, f, bits, 1.0f, arg);
    h = fnv_bytes(fnv_bytes(h, out, o3 * 4), arg, o3 * 4);
    const PoolArgs g2{N, C, H, W, 2, 2, 2, 2, last == 1};
    const size_t o2 = N * C * (H / 2) * (W / 2);
    k->max_pool(g2, out, f, nullptr, 0.5f, nullptr);
    h = fnv_bytes(h, out, o2 * 4);
    float sorted[4];
    k->weighted_pool(g2, out, f, weights, sorted);
    h = fnv_bytes(h, out, o2 * 4);
    static uint8_t mask[100003];
    const BlockArgs b{N, C, H, W, 7, last == 1};
    const size_t ones = k->drop_block_mask(b, mask, m);
    h = fnv_bytes(fnv_bytes(h, mask, len), &ones, 4);
  }
  const PlaneArgs feature{N * C, 1, H * W, 0, H * W, 1}, channel{N, H * W, C * H * W, 1, C, H * W};
  k->argmax_planes(feature, arg, f, nullptr);
  h = fnv_bytes(h, arg, N * C * 4);
  k->argmax_planes(channel, arg, f, m);
  h = fnv_bytes(h, arg, N * H * W * 4);
  k->mask_apply(y, f, len, m, H * W, 1, 1.25f, 0.0f);
  h = fnv_bytes(h, y, len * 4);
  k->mask_apply(y, f, len, m, C, 1, 2.0f, -1.0f);
  h = fnv_bytes(h, y, len * 4);
  float factors[N] = {0.5f, 2.0f};
  k->add_scaled_rows(y, f, f + 1, factors, N, len / N);
  return fnv_bytes(h, y, len * 4);
}
// The products on this table: matmul for every layout, with keep bits, bias and accumulate,
// across the packed and dot-product paths and more than one packed depth block, against a double
// reference within 2^-20 of Σ|terms| (products are not bit-identical across backends); and
// dropConnectGemv's decisions, read back exactly through one-hot inputs, against bernoulli_bits.
static const char* gemm_check(const Kernels* k) {
  static float a[300 * 1100], b[1100 * 80], c[300 * 80], c0[300 * 80], bias[80];
  static uint32_t keep[(1100 * 80 + 31) / 32];
  uint32_t s = 12345;
  auto next = [&s] { return (float)((s = s * 1103515245u + 12345u) >> 8) / 16777216.0f - 0.5f; };
  for (float& v : a) v = next();
  for (float& v : b) v = next();
  for (float& v : bias) v = next();
  for (uint32_t& w : keep) w = (s = s * 1103515245u + 12345u);
  const size_t shapes[][3] = {{1, 37, 1100}, {3, 70, 129}, {25, 80, 1100}, {131, 35, 70}, {300, 80, 40}};
  for (const auto& sh : shapes) {
    const size_t m = sh[0], n = sh[1], kk = sh[2];
    for (int layout = 0; layout < 4; ++layout) {
      const bool ta = layout & 1, tb = layout & 2;
      for (size_t i = 0; i < m * n; ++i) c[i] = c0[i] = next();
      const MatmulArgs g{c, a, b, bias, m, n, kk, ta, tb, true, keep, 1.5f};
      if (!k->matmul(g, 2)) return "matmul out of memory";
      for (size_t i = 0; i < m; ++i) {
        for (size_t j = 0; j < n; ++j) {
          double sum = (double)c0[i * n + j] + bias[j], abs = __builtin_fabs(sum);
          for (size_t p = 0; p < kk; ++p) {
            const size_t e = tb ? j * kk + p : p * n + j;
            const float bv = (keep[e >> 5] >> (e & 31)) & 1u ? b[e] * 1.5f : 0.0f;
            const double t = (double)(ta ? a[p * m + i] : a[i * kk + p]) * bv;
            sum += t, abs += __builtin_fabs(t);
          }
          if (__builtin_fabs(c[i * n + j] - sum) > abs * (1.0 / 1048576) + 1e-30) return "matmul outside tolerance";
        }
      }
    }
  }
  // one-hot x: y[b, j] = keep(b, j, b) for W of ones, at a counter with phase 3 and odd din
  const size_t rows = 9, din = 33, seg = (rows * din + 1) / 2 + 3;
  static float x[din * din], w[rows * din], y[din * rows];
  for (size_t i = 0; i < din * din; ++i) x[i] = i % (din + 1) == 0 ? 1.0f : 0.0f;
  for (float& v : w) v = 1.0f;
  const Counter base{17, 0, 3, 0, 5, 3};
  const GemvArgs gv{y, x, w, nullptr, din, rows, din, nullptr, 0, 1.0f};
  k->drop_connect_gemv(gv, base, seg, 30000, 0, rows);
  for (size_t e = 0; e < din; ++e) {
    uint64_t pos = base.phase + (uint64_t)e * seg;
    const Counter ce{base.k0, base.k1, base.s0, base.s1, base.block + (pos >> 2), (uint32_t)(pos & 3)};
    uint32_t bits[(rows * din + 31) / 32];
    k->bernoulli_bits(bits, rows * din, ce, 30000);
    for (size_t j = 0; j < rows; ++j) {
      const size_t at = j * din + e;
      if (y[e * rows + j] != (float)((bits[at >> 5] >> (at & 31)) & 1u))
        return "dropConnectGemv decisions differ from bernoulli_bits";
    }
  }
  // dropConnectMatmul: its keep words are bernoulli_bits', and its product matmul's over them,
  // exactly, on the dot path, one packed row block, and several (the draws split across 2 threads)
  const size_t drawn[][3] = {{2, 70, 129}, {25, 80, 1100}, {300, 35, 31}};
  for (const auto& sh : drawn) {
    const size_t m = sh[0], n = sh[1], kk = sh[2], words = (n * kk + 31) / 32;
    static uint32_t got[(1100 * 80 + 31) / 32 + 1], want[(1100 * 80 + 31) / 32];
    got[words] = 0xdeadbeefu;
    MatmulArgs g{c, a, b, bias, m, n, kk, false, true, false, nullptr, 1.5f};
    if (k->drop_connect_matmul(g, got, base, 20000, nullptr, 0, 2) != PackedStatus::ok) return "dropConnectMatmul out of memory";
    k->bernoulli_bits(want, n * kk, base, 20000);
    if (memcmp(got, want, words * 4) || got[words] != 0xdeadbeefu) return "dropConnectMatmul bits differ from bernoulli_bits";
    g.c = c0, g.b_keep = want;
    if (!k->matmul(g, 2)) return "matmul out of memory";
    if (memcmp(c, c0, m * n * 4)) return "dropConnectMatmul product differs from matmul over its bits";
    // and from W packed ahead: the same bits and the same product
    const size_t need = k->pack_weights(nullptr, 0, b, n, kk, 2);
    float* packed = (float*)malloc(need * sizeof(float));
    if (!packed) return "packWeights out of memory";
    k->pack_weights(packed, need, b, n, kk, 2);
    g.c = c0, g.b_keep = nullptr;
    const PackedStatus status = k->drop_connect_matmul(g, got, base, 20000, packed, need, 2);
    free(packed);
    if (status != PackedStatus::ok) return "dropConnectMatmul refused its packed weights";
    if (memcmp(got, want, words * 4) || memcmp(c, c0, m * n * 4)) return "dropConnectMatmul from packed weights differs";
  }
  // packWeights + matmulPacked: matmul's bits with W packed ahead, on the dot path and packed
  // paths; a packed form for another shape is refused
  for (const auto& sh : shapes) {
    const size_t m = sh[0], n = sh[1], kk = sh[2];
    const size_t need = k->pack_weights(nullptr, 0, b, n, kk, 2);
    float* packed = (float*)malloc(need * sizeof(float));
    if (!packed) return "packWeights out of memory";
    k->pack_weights(packed, need, b, n, kk, 2);
    MatmulArgs g{c, a, b, bias, m, n, kk, false, true, false, nullptr, 1.0f};
    const PackedStatus status = k->matmul_packed(g, packed, need, 2);
    const PackedStatus other =
        k->matmul_packed(MatmulArgs{c, a, b, bias, m, n + 1, kk, false, true, false, nullptr, 1.0f}, packed, need, 2);
    free(packed);
    if (status != PackedStatus::ok) return "matmulPacked refused its own packed weights";
    if (other != PackedStatus::stale) return "matmulPacked read packed weights of another shape";
    g.c = c0;
    if (!k->matmul(g, 2)) return "matmul out of memory";
    if (memcmp(c, c0, m * n * 4)) return "matmulPacked differs from matmul";
  }
  return nullptr;
}

int main() {
  const Kernels* ks[2] = {&neon::kKernels, &scalar::kKernels};
  for (const Kernels* k : ks) {
    if (const char* name = missing_kernel(k)) {
      fprintf(stderr, "%s has no %s\n", k->simd, name);
      return 1;
    }
    uint32_t w[8];
    Counter c{0, 0, 0, 0, 0, 0};
    k->random_bits(w, 4, c);
    Counter pi{0xa4093822, 0x299f31d0, 0x13198a2e, 0x03707344, ((uint64_t)0x85a308d3 << 32) | 0x243f6a88, 0};
    k->random_bits(w + 4, 4, pi);
    printf("%s bits %08x %08x %08x %08x | %08x %08x %08x %08x\n", k->simd, w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]);
    static float f[100003];
    Counter c5{5, 0, 0, 0, 0, 0};
    k->normal(f, 100003, c5, 0, 1);
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < 100003; ++i) {
      uint32_t b;
      memcpy(&b, &f[i], 4);
      h = (h ^ b) * 16777619u;
    }
    static uint8_t m[100003];
    k->bernoulli_u8(m, 100003, c5, 20000);
    uint32_t hm = 2166136261u;
    for (size_t i = 0; i < 100003; ++i) hm = (hm ^ m[i]) * 16777619u;
    static uint32_t bits[3126];
    k->bernoulli_bits(bits, 100003, c5, 20000);
    uint32_t hb = 2166136261u;
    for (size_t i = 0; i < 3126; ++i) hb = (hb ^ bits[i]) * 16777619u;
    printf("%s normal fnv %08x  u8 fnv %08x  bits fnv %08x\n", k->simd, h, hm, hb);
    printf("%s conv fnv %08x\n", k->simd, conv_hash(k, f, m, bits));
    const char* gemm = gemm_check(k);
    printf("%s gemm %s\n", k->simd, gemm ? gemm : "ok");
  }
}
