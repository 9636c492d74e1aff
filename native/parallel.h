// Deterministic splitting of a kernel call across threads. Every kernel is a pure function of
// (counter, element index), so a call over [0, n) equals calls over [b, e) at the counter
// advanced by the words of [0, b): the result never depends on the thread count.
#pragma once
#include <atomic>
#include <system_error>
#include <thread>
#include <vector>

#include "counter.h"

namespace dropmask {

// The counter `words` 32-bit words after c (wrapping like offsets, modulo 2^66).
inline Counter advance(Counter c, uint64_t words) {
  const uint64_t pos = c.phase + words;
  c.block += pos >> 2;
  c.phase = (uint32_t)(pos & 3);
  return c;
}

// Calls f(begin, end) on `threads` contiguous ranges of [0, n) whose bounds are multiples of
// `unit`, on threads - 1 new threads and this one. Ranges are balanced; tiny calls stay serial.
template <class F>
void parallel_ranges(size_t n, size_t unit, unsigned threads, size_t min_per_thread, F&& f) {
  size_t units = (n + unit - 1) / unit;
  size_t t = threads < 1 ? 1 : threads;
  if (t > units) t = units ? units : 1;
  while (t > 1 && n / t < min_per_thread) --t;
  if (t <= 1) {
    f((size_t)0, n);
    return;
  }
  std::vector<std::thread> pool;
  pool.reserve(t - 1);
  size_t begin = 0;
  for (size_t i = 0; i < t; ++i) {
    const size_t share = units / t + (i < units % t ? 1 : 0);
    const size_t end = begin + share * unit < n ? begin + share * unit : n;
    bool spawned = false;
    if (i + 1 < t) {
      try {
        pool.emplace_back([&f, begin, end] { f(begin, end); });
        spawned = true;
      } catch (const std::system_error&) {
        // no thread to be had: this range runs here, with the same result
      }
    }
    if (!spawned) f(begin, end);
    begin = end;
  }
  for (std::thread& th : pool) th.join();
}

// Calls f(chunk, worker) for every chunk in [0, chunks) on up to `threads` workers (threads - 1
// new threads and this one, `worker` in [0, threads)), each taking the next chunk as it finishes
// one: a worker the OS leaves waiting delays the call by one chunk, not by a fixed share. For
// work whose result does not depend on which worker runs a chunk.
template <class F>
void parallel_chunks(size_t chunks, unsigned threads, F&& f) {
  size_t t = threads < 1 ? 1 : threads;
  if (t > chunks) t = chunks ? chunks : 1;
  std::atomic<size_t> next{0};
  auto work = [&](unsigned worker) {
    for (size_t c = next.fetch_add(1); c < chunks; c = next.fetch_add(1)) f(c, worker);
  };
  std::vector<std::thread> pool;
  pool.reserve(t - 1);
  for (unsigned i = 1; i < t; ++i) {
    try {
      pool.emplace_back(work, i);
    } catch (const std::system_error&) {
      break;  // fewer workers: the others take their chunks
    }
  }
  work(0);
  for (std::thread& th : pool) th.join();
}

}  // namespace dropmask
