// An asynchronous kernel call: the work runs on the libuv thread pool. The result buffer is made
// on the JavaScript thread when the call starts and only handed to JavaScript when the work is
// done, so no caller can detach or resize it meanwhile; inputs are copied into the job first.
#pragma once
#include <napi.h>

#include <functional>
#include <string>
#include <vector>

namespace dropmask {

class AsyncKernel : public Napi::AsyncWorker {
 public:
  AsyncKernel(Napi::Env env, size_t bytes, napi_typedarray_type type, size_t length)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), type_(type), length_(length) {
    Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, bytes);
    data_ = buffer.Data();
    buffer_ = Napi::Persistent(buffer);
  }
  void* data() const { return data_; }
  Napi::Promise promise() const { return deferred_.Promise(); }
  std::function<void()> work;
  std::vector<float> input;  // the caller's input, copied when the call started

  void Execute() override { work(); }
  // Called from `work` (on the pool thread) to reject the promise instead of resolving it.
  void fail(const std::string& message) { SetError(message); }
  void OnOK() override {
    Napi::ArrayBuffer buffer = buffer_.Value();
    napi_value array;
    if (napi_create_typedarray(Env(), type_, length_, buffer, 0, &array) != napi_ok) {
      deferred_.Reject(Napi::Error::New(Env(), "dropmask: could not create the result array").Value());
      return;
    }
    deferred_.Resolve(Napi::Value(Env(), array));
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Napi::Reference<Napi::ArrayBuffer> buffer_;
  void* data_ = nullptr;
  napi_typedarray_type type_;
  size_t length_;
};

}  // namespace dropmask
