// Tensor handles: a JS External owning a Box that owns an at::Tensor.
// dispose() empties the Box now; the External's basic finalizer (run inside V8's GC in the
// NAPI_EXPERIMENTAL build) frees whatever is left. Nothing that runs inside GC touches V8.
//
// Per-env state: every env (main thread, each worker) has its own EnvState (Node-API instance
// data): live-object counters, the external-memory account and the napi_refs waiting for deletion.
// Tensor bytes are accounted once per CPU storage, for the storage's lifetime, whoever holds it:
// the first wrap swaps the storage's DataPtr for one whose deleter subtracts the bytes from the
// env's atomic counter (storages may be freed on any thread, inside GC, after the env is gone);
// the difference to what V8 was told is applied outside GC in >= 1 MiB steps.
#pragma once
#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "napi_util.h"

namespace tn {

struct PumpedCall;  // js_pump.cc

// The JS calls other threads posted to this env's JS thread while it waits for a backward (js_pump.h).
struct JsPump {
  std::mutex mutex;
  std::condition_variable posted;  // a call was posted, or the pumped engine run finished
  std::deque<PumpedCall*> calls;
  int depth = 0;  // pumped backward calls running on the JS thread (nested ones from JS callbacks too)
  // JS values autograd holds (hooks, Functions, saved-tensor hooks): none, and no backward can call JS.
  std::atomic<int64_t> liveJsRefs{0};
};

class EnvState {
 public:
  explicit EnvState(std::thread::id jsThread) : jsThread_(jsThread) {}
  EnvState(const EnvState&) = delete;
  EnvState& operator=(const EnvState&) = delete;

  // Queues a napi_ref of this env for deletion on its JS thread; any thread, inside GC too. Refs
  // queued after the env began to shut down are dropped (the env releases them itself).
  void DeferDeleteReference(napi_ref ref);
  // Deletes the queued refs. JS thread, outside GC.
  void DeleteDeferredReferences(napi_env env);
  bool OnJsThread() const { return std::this_thread::get_id() == jsThread_; }
  bool Closing() const { return closing_.load(std::memory_order_acquire); }

  // Live-object counters (JS thread only).
  int64_t boxes = 0;    // Box objects alive (with or without tensor)
  int64_t tensors = 0;  // Boxes holding a tensor
  // Bytes of accounted storages alive; lowered by storage deleters on any thread.
  std::atomic<int64_t> liveBytes{0};
  int64_t reportedBytes = 0;   // what V8 was told (JS thread only)
  bool flushPosted = false;    // a post-finalizer will apply the pending decrease (JS thread only)
  JsPump pump;

 private:
  friend void ShutDownEnvState(napi_env env, EnvState& s);
  std::thread::id jsThread_;
  std::mutex deferredMutex_;
  std::vector<napi_ref> deferred_;
  std::atomic<bool> hasDeferred_{false};
  std::atomic<bool> closing_{false};
};

// The env's reference to its state, handed to every tensor finalizer; freed by whichever comes
// last at teardown: the addon instance (instance data) or the env's last tensor handle.
struct EnvSlot;

// The addon of one env (main thread, each worker): Napi::Addon keeps it as the env's instance data
// and deletes it at env teardown. Its constructor (addon.cc) registers every file's entry points.
class Torchnode : public Napi::Addon<Torchnode> {
 public:
  Torchnode(Napi::Env env, Napi::Object exports);
  ~Torchnode();
  Torchnode(const Torchnode&) = delete;
  Torchnode& operator=(const Torchnode&) = delete;
  EnvSlot* const slot;
  Napi::FunctionReference warningHandler;  // setWarningHandler's function (warnings.cc)
};

// The state of an env (JS thread). The shared_ptr keeps it valid for holders that may outlive the
// env (storage deleters, autograd callbacks).
const std::shared_ptr<EnvState>& EnvStateOf(napi_env env);
// Makes the env's state and its cleanup hook (module init, before the Torchnode exists); the
// Torchnode owns the slot and gives it up with ReleaseEnvSlot.
EnvSlot* InitEnvState(napi_env env);
void ReleaseEnvSlot(EnvSlot* slot);

// Compatibility wrappers: queue a ref of the calling JS thread's env (off the JS thread, without a
// known env, the ref is dropped: use EnvState::DeferDeleteReference from a held state there);
// delete the env's queued refs.
void DeferDeleteReference(napi_ref ref);
void DeleteDeferredReferences(napi_env env);

struct Box {
  at::Tensor t;
  bool borrowed = false;  // the storage is a frombuffer view of a JS ArrayBuffer: check it on use
};

// Wraps a tensor into a new handle (an undefined tensor becomes JS null).
napi_value WrapTensor(napi_env env, at::Tensor t);
// The Box of a handle, or nullptr when v is not a tensor handle.
Box* BoxOf(napi_env env, napi_value v);
// The live tensor of a handle; throws TypeError for non-handles and Error after dispose, or when
// its memory belonged to an ArrayBuffer that was since detached (transferred).
at::Tensor& TensorOf(napi_env env, napi_value v, const char* what = "argument");
// The live tensor of a Box, with TensorOf's checks (disposed, detached ArrayBuffer).
at::Tensor& LiveTensor(napi_env env, Box* b, const char* what);
// The tensor of a Box (or nullptr) when LiveTensor has nothing to check or report: callers whose
// error label costs something to build (optimStep's "params[3]") build it only when this is null.
inline at::Tensor* PlainLiveTensor(Box* b) { return b && b->t.defined() && !b->borrowed ? &b->t : nullptr; }
// Recomputes b->borrowed after an op gave the handle's tensor another storage in place (set_, x.data = y).
void RefreshBorrowed(Box* b);
// Frees the tensor of a handle now (idempotent).
void DisposeBox(napi_env env, Box* b);

// A CPU tensor over JS memory (torch.frombuffer): the storage holds a strong reference to the
// ArrayBuffer, released on the env's JS thread once the storage is freed.
at::Tensor BorrowArrayBuffer(napi_env env, napi_value arrayBuffer, void* data, int64_t count, c10::ScalarType st);

// Generator handles: a JS External owning a GeneratorBox (torch.Generator objects).
struct GeneratorBox {
  at::Generator gen;
};
napi_value WrapGenerator(napi_env env, at::Generator gen);
// The generator of a handle, or nullptr when v is not a generator handle.
GeneratorBox* GeneratorOf(napi_env env, napi_value v);

// Read-only tensor properties, (t) -> value, as a table: one callback serves them all, finding its
// entry in the callback data (so each table must have static storage).
struct TensorProperty {
  const char* name;
  napi_value (*read)(napi_env env, const at::Tensor& t);
};
void ExportTensorProperty(napi_env env, napi_value exports, const TensorProperty& p);
template <size_t N>
inline void ExportTensorProperties(napi_env env, napi_value exports, const TensorProperty (&props)[N]) {
  for (const TensorProperty& p : props) ExportTensorProperty(env, exports, p);
}

}  // namespace tn
