// scripts/check-arm64.sh runs this under qemu: the arm64 kernels (NEON and portable) print the
// Random123 known answers and FNV-1a hashes of normal / uint8 / bits output, and one hash of every
// feature-map kernel's output on inputs made from them, for the script to compare.
#include <cstdio>
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
  }
}
