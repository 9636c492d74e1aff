// Data cache sizes of the CPU this process runs on, read once at run time, for the GEMM's
// blocking: never compiled in, so one binary fits every CPU. Sources in order:
// /sys/devices/system/cpu/cpu0/cache (Linux), sysconf, cpuid's deterministic cache leaves (leaf 4
// on Intel, 0x8000001D on AMD), sysctl on Apple; a level none of them reports keeps a conservative
// default. Every function has internal linkage: each instruction-set file compiles its own copy
// with its own flags, so no copy built with wider vectors is shared between them.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "counter.h"

#if defined(__linux__) || defined(__APPLE__) || defined(__unix__)
#include <unistd.h>
#endif
#if defined(__APPLE__)
#include <sys/sysctl.h>
#endif
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace dropmask {
namespace {

struct CacheSizes {
  size_t l1d, l2, l3;  // bytes per core for L1d and L2; the L3 a core reaches (shared)
};

// A size in bytes from a sysfs `size` file ("48K", "1024K", "32M").
inline size_t read_sysfs_size(const char* path) {
  FILE* f = fopen(path, "r");
  if (!f) return 0;
  unsigned long v = 0;
  char unit = 0;
  const int got = fscanf(f, "%lu%c", &v, &unit);
  fclose(f);
  if (got < 1) return 0;
  if (unit == 'K' || unit == 'k') return (size_t)v << 10;
  if (unit == 'M' || unit == 'm') return (size_t)v << 20;
  return (size_t)v;
}

inline void sysfs_caches(CacheSizes& c) {
  for (int i = 0; i < 8; ++i) {
    char path[96];
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/level", i);
    FILE* f = fopen(path, "r");
    if (!f) break;
    int level = 0;
    const bool ok = fscanf(f, "%d", &level) == 1;
    fclose(f);
    if (!ok) continue;
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/type", i);
    f = fopen(path, "r");
    char type[16] = {0};
    if (f) {
      if (fscanf(f, "%15s", type) != 1) type[0] = 0;
      fclose(f);
    }
    if (type[0] == 'I') continue;  // instruction cache
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
    const size_t size = read_sysfs_size(path);
    if (level == 1 && !c.l1d) c.l1d = size;
    if (level == 2 && !c.l2) c.l2 = size;
    if (level == 3 && !c.l3) c.l3 = size;
  }
}

#if defined(__x86_64__) || defined(__i386__)
// cpuid's deterministic cache parameters: leaf 4 (Intel) or 0x8000001D (AMD), the same layout.
inline void cpuid_caches(CacheSizes& c) {
  unsigned a, b, cx, d;
  if (!__get_cpuid(0, &a, &b, &cx, &d)) return;
  const bool amd = b == 0x68747541u;  // "Auth"enticAMD
  const unsigned leaf = amd ? 0x8000001Du : 4u;
  if (amd) {
    if (!__get_cpuid(0x80000000u, &a, &b, &cx, &d) || a < leaf) return;
  } else if (a < 4) {
    return;
  }
  for (unsigned i = 0; i < 8; ++i) {
    __cpuid_count(leaf, i, a, b, cx, d);
    const unsigned type = a & 31, level = (a >> 5) & 7;
    if (type == 0) break;
    if (type == 2) continue;  // instruction cache
    const size_t size = (size_t)((b >> 22) + 1) * (((b >> 12) & 1023) + 1) * ((b & 4095) + 1) * ((size_t)cx + 1);
    if (level == 1 && !c.l1d) c.l1d = size;
    if (level == 2 && !c.l2) c.l2 = size;
    if (level == 3 && !c.l3) c.l3 = size;
  }
}
#endif

inline CacheSizes detect_caches() {
  CacheSizes c{0, 0, 0};
#if defined(__linux__)
  sysfs_caches(c);  // first: some glibc versions report a whole package's L3 through sysconf
#endif
#if defined(_SC_LEVEL1_DCACHE_SIZE) && defined(_SC_LEVEL2_CACHE_SIZE) && defined(_SC_LEVEL3_CACHE_SIZE)
  const long l1 = sysconf(_SC_LEVEL1_DCACHE_SIZE), l2 = sysconf(_SC_LEVEL2_CACHE_SIZE), l3 = sysconf(_SC_LEVEL3_CACHE_SIZE);
  if (!c.l1d && l1 > 0) c.l1d = (size_t)l1;
  if (!c.l2 && l2 > 0) c.l2 = (size_t)l2;
  if (!c.l3 && l3 > 0) c.l3 = (size_t)l3;
#endif
#if defined(__x86_64__) || defined(__i386__)
  if (!c.l1d || !c.l2) cpuid_caches(c);
#endif
#if defined(__APPLE__)
  uint64_t v = 0;
  size_t len = sizeof v;
  if (!c.l1d && sysctlbyname("hw.l1dcachesize", &v, &len, nullptr, 0) == 0) c.l1d = (size_t)v;
  len = sizeof v;
  if (!c.l2 && sysctlbyname("hw.l2cachesize", &v, &len, nullptr, 0) == 0) c.l2 = (size_t)v;
  len = sizeof v;
  if (!c.l3 && sysctlbyname("hw.l3cachesize", &v, &len, nullptr, 0) == 0) c.l3 = (size_t)v;
#endif
  // Implausible readings (a hypervisor's zeros, a whole-package L2) fall back to safe sizes.
  if (c.l1d < (16u << 10) || c.l1d > (256u << 10)) c.l1d = 32u << 10;
  if (c.l2 < (128u << 10) || c.l2 > (size_t(16) << 20)) c.l2 = 512u << 10;
  if (c.l3 < c.l2) c.l3 = c.l2;
  return c;
}

// The sizes, detected on first use (thread-safe static initialisation).
inline const CacheSizes& cache_sizes() {
  static const CacheSizes sizes = detect_caches();
  return sizes;
}

// Outputs of at least this many bytes are written with non-temporal stores: the last-level
// cache's size, never below kStreamingBytes (for CPUs that report a small or no L3) nor above
// kStreamingBytesMax (for the large L3s that many cores share).
// DROPMASK_STREAMING_BYTES, read once, overrides it: a tuning knob, and how the tests reach
// the streaming paths on any machine.
inline size_t streaming_bytes() {
  static const size_t bytes = [] {
    if (const char* env = getenv("DROPMASK_STREAMING_BYTES")) {
      char* end = nullptr;
      const unsigned long long v = strtoull(env, &end, 10);
      if (end != env && *end == 0) return (size_t)v;
    }
    const size_t llc = cache_sizes().l3;
    return llc < kStreamingBytes ? kStreamingBytes : llc > kStreamingBytesMax ? kStreamingBytesMax : llc;
  }();
  return bytes;
}

}  // namespace
}  // namespace dropmask
