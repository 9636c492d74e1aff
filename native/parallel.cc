// parallel.h's run_chunks: a pool of helper threads that outlive the calls they help.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>

#include "parallel.h"

namespace dropmask {
namespace {

// A call's chunks, claimed one at a time by whoever runs them: the calling thread and any helper
// that picks the job up.
struct ChunkJob {
  ChunkJob(size_t n, void (*r)(void*, size_t), void* c) : chunks(n), run(r), context(c) {}
  const size_t chunks;
  void (*const run)(void*, size_t);
  void* const context;
  std::atomic<size_t> next{0}, done{0};
  std::mutex mutex;
  std::condition_variable finished;

  void drain() {
    for (size_t c = next.fetch_add(1); c < chunks; c = next.fetch_add(1)) {
      run(context, c);
      if (done.fetch_add(1) + 1 == chunks) {
        std::lock_guard<std::mutex> lock(mutex);
        finished.notify_all();
      }
    }
  }
};

// Starting a thread costs its caller a clone and a stack mapping (about 50 µs on a VM, half of a
// 64 x 256 x 256 product); waking a waiting one costs a futex call. Shared by every context
// (worker_threads, async kernels) of the process.
class HelperPool {
 public:
  // Hands `job` to up to `helpers` helpers, starting threads up to that count; a helper busy with
  // another call's job takes this one later, or finds it finished.
  void offer(const std::shared_ptr<ChunkJob>& job, unsigned helpers) {
    std::lock_guard<std::mutex> lock(mutex_);
    while (started_ < helpers) {
      try {
        std::thread([this] { serve(); }).detach();
        ++started_;
      } catch (const std::system_error&) {
        break;  // fewer helpers: the caller takes their chunks
      }
    }
    for (unsigned i = 0; i < helpers && queue_.size() < started_; ++i) queue_.push_back(job);
    wake_.notify_all();
  }

 private:
  void serve() {
    for (;;) {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return !queue_.empty(); });
      const std::shared_ptr<ChunkJob> job = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      job->drain();
    }
  }
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<ChunkJob>> queue_;
  unsigned started_ = 0;
};

// Never destroyed: its threads still wait on it when the process exits.
HelperPool& helper_pool() {
  static HelperPool* pool = new HelperPool;
  return *pool;
}

}  // namespace

// A helper that has not woken when every chunk is done is not waited for (on a VM a sleeping core
// can take 100 µs to wake, longer than a small product): it calls `run`, whose context lives on
// the caller's stack, only for a chunk it claimed, and this returns once every claimed chunk is
// done, so a late helper finds none left; the job itself is shared with the helpers it was
// offered to.
void run_chunks(size_t chunks, unsigned helpers, void (*run)(void*, size_t), void* context) {
  const auto job = std::make_shared<ChunkJob>(chunks, run, context);
  helper_pool().offer(job, helpers);
  job->drain();
  std::unique_lock<std::mutex> lock(job->mutex);
  job->finished.wait(lock, [&] { return job->done.load() == chunks; });
}

}  // namespace dropmask
