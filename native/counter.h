// The position of a call in the random stream, as lib/ passes it in every counter:
// Philox key = seed, counter = (block lo, block hi, stream lo, stream hi), and
// `phase` = the first word used inside `block` (0..3).
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "dropmask reads 16-bit halves of Philox words in memory order: little-endian targets only"
#endif

namespace dropmask {

struct Counter {
  uint32_t k0, k1;  // seed
  uint32_t s0, s1;  // stream
  uint64_t block;   // first block
  uint32_t phase;   // first word inside that block
};

// Philox4x32-10 constants (Salmon et al. 2011, as in the Random123 library).
constexpr uint32_t kPhiloxM0 = 0xD2511F53u;
constexpr uint32_t kPhiloxM1 = 0xCD9E8D57u;
constexpr uint32_t kPhiloxW0 = 0x9E3779B9u;
constexpr uint32_t kPhiloxW1 = 0xBB67AE85u;
constexpr int kPhiloxRounds = 10;

// Blocks of one stream drawn by a micro-kernel alongside its FMAs (MicroKernel::tile_drawing):
// blocks [next, end) are still to be drawn, in groups of 8 counted from `first`; a group's 32
// words go to words + 4 · (its first block − first).
struct BlockDraw {
  uint32_t keys[2 * kPhiloxRounds];  // round r: k0 + r · W0, k1 + r · W1
  uint32_t s0, s1;
  uint64_t first, next, end;
  uint32_t* words;
};

// Words generated per chunk: small enough to stay in L1 next to the output stream,
// even so that Box–Muller pairs and 16-bit halves never straddle two chunks.
constexpr size_t kChunkWords = 1024;

// The bounds of the least output size written with non-temporal stores (caches.h
// streaming_bytes): far larger than L2, so nobody reads them back from cache soon; and no larger
// than the last-level cache one core shares with few others (an AMD core complex's 32 MiB). A
// server's mesh L3 is shared by tens of cores and, in a VM, by other tenants: on an Intel Xeon
// whose L3 reads 260 MiB, a 64 MiB float32 mask written with plain stores ran at 0.68x fill,
// with non-temporal stores at 1.7x.
constexpr size_t kStreamingBytes = size_t(8) << 20;
constexpr size_t kStreamingBytesMax = size_t(32) << 20;

}  // namespace dropmask
