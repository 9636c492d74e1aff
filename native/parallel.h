// Deterministic splitting of a kernel call across threads. Every kernel is a pure function of
// (counter, element index), so a call over [0, n) equals calls over [b, e) at the counter
// advanced by the words of [0, b): the result never depends on the thread count.
#pragma once
#include <cstddef>
#include <type_traits>

#include "counter.h"

namespace dropmask {

// The counter `words` 32-bit words after c (wrapping like offsets, modulo 2^66).
inline Counter advance(Counter c, uint64_t words) {
  const uint64_t pos = c.phase + words;
  c.block += pos >> 2;
  c.phase = (uint32_t)(pos & 3);
  return c;
}

// Work below this many elements per thread is not worth waking a helper (parallel.cc: 20-40 µs of
// the caller's time on a VM).
constexpr size_t kMinPerThread = size_t(1) << 17;

// Runs run(context, c) for every chunk c in [0, chunks) on this thread and up to `helpers`
// helper threads, each taking the next chunk as it finishes one; returns when every chunk is
// done (parallel.cc). Compiled once, without any instruction set's flags: inline code shared by
// the ISA files could be linked from the AVX-512 one.
void run_chunks(size_t chunks, unsigned helpers, void (*run)(void*, size_t), void* context);

// Calls f(chunk) for every chunk in [0, chunks) on up to `threads` threads (this one and
// threads - 1 helpers). For work whose result does not depend on which thread runs a chunk.
template <class F>
void parallel_chunks(size_t chunks, unsigned threads, F&& f) {
  size_t t = threads < 1 ? 1 : threads;
  if (t > chunks) t = chunks ? chunks : 1;
  if (t <= 1) {
    for (size_t c = 0; c < chunks; ++c) f(c);
    return;
  }
  using Fn = std::remove_reference_t<F>;
  run_chunks(
      chunks, (unsigned)(t - 1), [](void* context, size_t c) { (*static_cast<Fn*>(context))(c); }, (void*)&f);
}

// Calls f(begin, end) on one contiguous range of [0, n) per thread, bounds multiples of `unit`
// (parallel_chunks: a range no helper has claimed when this thread finishes its own, it runs
// too); tiny calls stay serial, and no thread gets less than min_per_thread elements. Four
// interleaved ranges per thread halved the 2-thread speed of streamed masks (2^24 floats: 5.3 to
// 2.3 G/s on this Xeon VM), against 6.4 G/s for one range each.
template <class F>
void parallel_ranges(size_t n, size_t unit, unsigned threads, size_t min_per_thread, F&& f) {
  const size_t units = (n + unit - 1) / unit;
  size_t t = threads < 1 ? 1 : threads;
  if (t > units) t = units ? units : 1;
  while (t > 1 && n / t < min_per_thread) --t;
  if (t <= 1) {
    f((size_t)0, n);
    return;
  }
  const size_t per = (units + t - 1) / t * unit;  // elements per range
  parallel_chunks((n + per - 1) / per, (unsigned)t, [&](size_t c) {
    const size_t begin = c * per;
    f(begin, begin + per < n ? begin + per : n);
  });
}

}  // namespace dropmask
