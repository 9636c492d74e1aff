// An asynchronous kernel call: the work runs on the libuv thread pool. The result buffer is made
// on the JavaScript thread when the call starts and only handed to JavaScript when the work is
// done, so no caller can detach or resize it meanwhile; inputs are copied into the job first.
//
// A worker's environment can end (terminate(), process.exit()) while jobs run. Node still delivers
// their completions during teardown, when JavaScript can no longer run: every N-API call there
// may fail, and a C++ exception thrown then would abort the whole process. So completion uses the
// C API and gives up quietly on failure, and once the environment's cleanup hook has run
// (Lifetime::closing) a completion touches nothing of JavaScript at all.
#pragma once
#include <napi.h>

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace dropmask {

// Shared by a context and its jobs, so a job outliving the context's state still reads valid memory.
struct Lifetime {
  bool closing = false;  // touched on the environment's own thread only
};

// The longest typed array V8 (Node 20) can make; napi_create_typedarray aborts past it.
constexpr uint64_t kMaxTypedArrayLength = uint64_t(1) << 32;

// A promise rejected with a RangeError: the async forms report an impossible result this way,
// as the sync forms throw one.
inline Napi::Value rejected_range(Napi::Env env, const std::string& message) {
  const Napi::Promise::Deferred deferred = Napi::Promise::Deferred::New(env);
  deferred.Reject(Napi::RangeError::New(env, message).Value());
  return deferred.Promise();
}

// Why a result of `length` elements of `size` bytes cannot be made, or "" when it can. napi
// and V8 abort the process when an ArrayBuffer cannot be allocated, so the memory is asked of
// the allocator first (a call's result is at least as big as the work it describes, so the probe
// costs little); its failure is the sync form's RangeError.
inline std::string cannot_allocate(uint64_t length, size_t size) {
  if (length > kMaxTypedArrayLength)
    return "Expected a result of at most 2^32 elements but the call needs " + std::to_string(length);
  const uint64_t bytes = length * size;
  void* probe = std::malloc(bytes == 0 ? 1 : (size_t)bytes);
  if (probe == nullptr) return "Array buffer allocation failed: the result needs " + std::to_string(bytes) + " bytes";
  std::free(probe);
  return "";
}

class AsyncKernel : public Napi::AsyncWorker {
 public:
  // Check cannot_allocate(length, element size) first: an allocation failure here aborts.
  AsyncKernel(Napi::Env env, std::shared_ptr<const Lifetime> lifetime, size_t bytes, napi_typedarray_type type, size_t length)
      : Napi::AsyncWorker(env), lifetime_(std::move(lifetime)), type_(type), length_(length) {
    if (napi_create_promise(env, &deferred_, &promise_) != napi_ok) throw Napi::Error::New(env);
    Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, bytes);
    data_ = buffer.Data();
    buffer_ = Napi::Persistent(buffer);
  }
  void* data() const { return data_; }
  // Valid in the handle scope of the call that made the job.
  Napi::Promise promise() const { return Napi::Promise(Env(), promise_); }
  std::function<void()> work;
  std::vector<float> input;  // the caller's input, copied when the call started

  void Execute() override { work(); }
  // Called from `work` (on the pool thread) to reject the promise instead of resolving it; read
  // after the work, on the JavaScript thread.
  void fail(const std::string& message) { error_ = message; }

  void OnWorkComplete(Napi::Env env, napi_status status) override {
    if (lifetime_->closing || status == napi_cancelled) {
      Destroy();
      return;
    }
    napi_handle_scope scope;
    if (napi_open_handle_scope(env, &scope) != napi_ok) {
      Destroy();
      return;
    }
    settle(env);
    napi_close_handle_scope(env, scope);
    Destroy();
  }

 private:
  // Every step may fail while the environment tears down; then the promise stays pending, as no
  // JavaScript is left to see it.
  void settle(napi_env env) {
    napi_value value = nullptr;
    bool ok = false;
    if (error_.empty()) {
      napi_value buffer = nullptr;
      ok = napi_get_reference_value(env, buffer_, &buffer) == napi_ok && buffer != nullptr &&
           napi_create_typedarray(env, type_, length_, buffer, 0, &value) == napi_ok;
      if (!ok) error_ = "dropmask: could not create the result array";
    }
    if (!ok) {
      napi_value message;
      if (napi_create_string_utf8(env, error_.data(), error_.size(), &message) != napi_ok ||
          napi_create_error(env, nullptr, message, &value) != napi_ok)
        return;
    }
    if (ok)
      napi_resolve_deferred(env, deferred_, value);
    else
      napi_reject_deferred(env, deferred_, value);
    bool pending = false;
    if (napi_is_exception_pending(env, &pending) == napi_ok && pending) {
      napi_value ignored;
      napi_get_and_clear_last_exception(env, &ignored);
    }
  }

  std::shared_ptr<const Lifetime> lifetime_;
  napi_deferred deferred_ = nullptr;
  napi_value promise_ = nullptr;
  Napi::Reference<Napi::ArrayBuffer> buffer_;
  void* data_ = nullptr;
  napi_typedarray_type type_;
  size_t length_;
  std::string error_;
};

}  // namespace dropmask
