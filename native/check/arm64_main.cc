// scripts/check-arm64.sh runs this under qemu: the arm64 kernels (NEON and portable) print the
// Random123 known answers and FNV-1a hashes of normal / uint8 / bits output for the script to compare.
#include <cstdio>
#include <cstring>
#include "kernels.h"
using namespace dropmask;
namespace dropmask { namespace scalar { extern const Kernels kKernels; } }
int main() {
  const Kernels* ks[2] = {&neon::kKernels, &scalar::kKernels};
  for (const Kernels* k : ks) {
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
    for (size_t i = 0; i < 100003; ++i) { uint32_t b; memcpy(&b, &f[i], 4); h = (h ^ b) * 16777619u; }
    static uint8_t m[100003];
    k->bernoulli_u8(m, 100003, c5, 20000);
    uint32_t hm = 2166136261u;
    for (size_t i = 0; i < 100003; ++i) hm = (hm ^ m[i]) * 16777619u;
    static uint32_t bits[3126];
    k->bernoulli_bits(bits, 100003, c5, 20000);
    uint32_t hb = 2166136261u;
    for (size_t i = 0; i < 3126; ++i) hb = (hb ^ bits[i]) * 16777619u;
    printf("%s normal fnv %08x  u8 fnv %08x  bits fnv %08x\n", k->simd, h, hm, hb);
  }
}
