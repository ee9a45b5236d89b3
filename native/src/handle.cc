#include "handle.h"

#include <ATen/ops/from_blob.h>
#include <c10/core/CPUAllocator.h>
#include <c10/core/impl/COW.h>

#include "compat.h"
#include "slot_arena.h"

#ifndef NODE_API_EXPERIMENTAL_HAS_POST_FINALIZER
// Node >= 20.10 exports it (experimental); newer node-api-headers do not declare it. Weak: where
// the runtime lacks it, the decrease waits for the next wrap or dispose.
extern "C" napi_status NAPI_CDECL node_api_post_finalizer(node_api_basic_env env, napi_finalize finalize_cb,
                                                          void* finalize_data, void* finalize_hint) __attribute__((weak));
#endif

namespace tn {

struct EnvSlot {
  std::shared_ptr<EnvState> state;
  bool envGone = false;
  SlotArena<Box> boxArena;  // the env's tensor handles; a handle's External points into it
};

namespace {

constexpr int64_t kReportStep = 1 << 20;      // V8 is told in >= 1 MiB steps (small adjusts cost more than they help)
constexpr size_t kMinAccountedBytes = 1024;   // smaller storages cost less than their handle

// Type tag of generator Externals: an External from another addon is never read as ours (tensor
// handles are recognized by their address instead, slot_arena.h).
constexpr napi_type_tag kGeneratorTag = {0x6e6e0a9e4e12a7b1ULL, 0x2f8c6d3b1a9e5c07ULL};

// ---- per-env state ----------------------------------------------------------------------------

// Where the calling JS thread's env state is, for callers that know no env (DeferDeleteReference(ref)).
thread_local std::weak_ptr<EnvState> t_threadState;

}  // namespace

void EnvState::DeferDeleteReference(napi_ref ref) {
  std::lock_guard<std::mutex> lock(deferredMutex_);
  if (closing_.load(std::memory_order_relaxed)) return;
  deferred_.push_back(ref);
  hasDeferred_.store(true, std::memory_order_release);
}

void EnvState::DeleteDeferredReferences(napi_env env) {
  if (!hasDeferred_.load(std::memory_order_acquire)) return;
  std::vector<napi_ref> refs;
  {
    std::lock_guard<std::mutex> lock(deferredMutex_);
    refs.swap(deferred_);
    hasDeferred_.store(false, std::memory_order_release);
  }
  for (napi_ref r : refs) napi_delete_reference(env, r);
}

// Env cleanup hook: the env is still usable here; its tensors' finalizers run after it.
void ShutDownEnvState(napi_env env, EnvState& s) {
  s.DeleteDeferredReferences(env);
  std::lock_guard<std::mutex> lock(s.deferredMutex_);
  s.closing_.store(true, std::memory_order_release);
}

namespace {
// Node runs env cleanup hooks before it finalizes the env's values and instance data.
void CleanupHook(void* arg) {
  auto* hook = static_cast<std::pair<napi_env, std::shared_ptr<EnvState>>*>(arg);
  ShutDownEnvState(hook->first, *hook->second);
  delete hook;
}
}  // namespace

EnvSlot* InitEnvState(napi_env env) {
  auto* slot = new EnvSlot{std::make_shared<EnvState>(std::this_thread::get_id())};
  try {
    Check(napi_add_env_cleanup_hook(env, CleanupHook, new std::pair<napi_env, std::shared_ptr<EnvState>>(env, slot->state)));
  } catch (...) {
    delete slot;
    throw;
  }
  t_threadState = slot->state;
  return slot;
}

void ReleaseEnvSlot(EnvSlot* slot) {
  slot->envGone = true;
  if (slot->state->boxes == 0) delete slot;
}

namespace {
// The instance data is the env's Torchnode (Napi::Addon); raw Node-API: WrapTensor reads it per call.
EnvSlot* SlotOf(napi_env env) {
  void* data = nullptr;
  napi_get_instance_data(env, &data);
  return static_cast<Torchnode*>(data)->slot;
}
}  // namespace

const std::shared_ptr<EnvState>& EnvStateOf(napi_env env) { return SlotOf(env)->state; }

void DeferDeleteReference(napi_ref ref) {
  if (std::shared_ptr<EnvState> s = t_threadState.lock()) s->DeferDeleteReference(ref);
}

void DeleteDeferredReferences(napi_env env) { EnvStateOf(env)->DeleteDeferredReferences(env); }

namespace {

// ---- external memory --------------------------------------------------------------------------

// Tells V8 what changed since the last report, in >= 1 MiB steps. JS thread, outside GC only.
void SyncExternalMemory(napi_env env, EnvState& s) {
  int64_t delta = s.liveBytes.load(std::memory_order_relaxed) - s.reportedBytes;
  if (delta < kReportStep && delta > -kReportStep) return;
  if (s.Closing()) return;
  int64_t total;
  napi_adjust_external_memory(env, delta, &total);
  s.reportedBytes += delta;
}

// Runs after GC on the JS thread: applies the decrease that finalizers inside GC could not.
void FlushAfterGc(napi_env env, void* data, void*) {
  auto* held = static_cast<std::shared_ptr<EnvState>*>(data);
  (*held)->flushPosted = false;
  SyncExternalMemory(env, **held);
  delete held;
}

// Inside GC: only schedules the decrease for later.
void ScheduleFlush(node_api_basic_env env, const std::shared_ptr<EnvState>& s) {
  if (s->flushPosted || s->Closing() || node_api_post_finalizer == nullptr) return;
  if (s->liveBytes.load(std::memory_order_relaxed) - s->reportedBytes > -kReportStep) return;
  auto* held = new std::shared_ptr<EnvState>(s);
  if (node_api_post_finalizer(env, FlushAfterGc, held, nullptr) == napi_ok)
    s->flushPosted = true;
  else
    delete held;  // the next wrap or dispose applies it
}

// The context of an accounted storage's DataPtr: the original DataPtr (freed with it) and whom to tell.
struct AccountedData {
  c10::DataPtr original;
  int64_t bytes;
  std::shared_ptr<EnvState> state;
};
void DeleteAccounted(void* ctx) {
  auto* a = static_cast<AccountedData*>(ctx);
  a->state->liveBytes.fetch_sub(a->bytes, std::memory_order_relaxed);
  delete a;
}

// The context of a frombuffer storage's DataPtr: a strong reference to the ArrayBuffer.
struct BorrowedData {
  napi_ref buffer;
  std::shared_ptr<EnvState> state;
};
void DeleteBorrowed(void* ctx) {
  auto* b = static_cast<BorrowedData*>(ctx);
  b->state->DeferDeleteReference(b->buffer);
  delete b;
}

#if TORCH_VERSION_MAJOR > 2 || TORCH_VERSION_MINOR >= 13
static_assert(HasMaterializerMember<c10::StorageImpl>::value, "2.13 has StorageImpl::has_materializer: the detection must see it");
#endif

// Accounts t's storage to the env unless it is already accounted (once per storage, whoever
// holds it). Returns whether the storage borrows a JS ArrayBuffer's memory.
bool AdoptStorage(const std::shared_ptr<EnvState>& s, const at::Tensor& t) {
  if (!t.has_storage()) return false;
  c10::StorageImpl* impl = t.storage().unsafeGetStorageImpl();
  const c10::DataPtr& dp = impl->_mutable_data_ptr_no_checks();
  c10::DeleterFnPtr deleter = dp.get_deleter();
  if (deleter == &DeleteAccounted) return false;
  if (deleter == &DeleteBorrowed) return true;
  size_t bytes = impl->nbytes();
  // Only memory of the CPU allocator: other allocators (CUDA, pinned host memory) and copy-on-write
  // or lazily materialized storages find their bookkeeping through their own DataPtr. A storage that
  // torch.load or jit.load builds from an archive record has no allocator, but its block is the CPU allocator's.
  c10::Allocator* cpu = c10::GetCPUAllocator();
  if (bytes < kMinAccountedBytes || dp.get() == nullptr || dp.device().type() != c10::kCPU ||
      (impl->allocator() != cpu && deleter != cpu->raw_deleter()) || HasMaterializer(*impl) || c10::impl::cow::is_cow_data_ptr(dp))
    return false;
  auto* a = new AccountedData{c10::DataPtr(), static_cast<int64_t>(bytes), s};
  a->original = impl->set_data_ptr(c10::DataPtr(dp.get(), a, &DeleteAccounted, dp.device()));
  s->liveBytes.fetch_add(a->bytes, std::memory_order_relaxed);
  return false;
}

void Empty(EnvState& s, Box* b) {
  if (!b->t.defined()) return;
  b->t.reset();
  b->borrowed = false;
  --s.tensors;
}

// Basic finalizer: may run inside GC, so it only frees native memory and schedules the report.
void FinalizeBox(node_api_basic_env env, void* data, void* hint) {
  auto* slot = static_cast<EnvSlot*>(hint);
  Box* b = static_cast<Box*>(data);
  Empty(*slot->state, b);
  slot->boxArena.Delete(b);
  if (--slot->state->boxes == 0 && slot->envGone) {
    delete slot;
    return;
  }
  ScheduleFlush(env, slot->state);
}

template <class T>
T* TaggedExternal(napi_env env, napi_value v, const napi_type_tag& tag) {
  // Externals only (this call fails for anything else): the tag check would convert other values
  // to objects, throwing for null and undefined. The data pointer is used only once the tag matches.
  void* p = nullptr;
  if (napi_get_value_external(env, v, &p) != napi_ok) return nullptr;
  bool ours = false;
  if (napi_check_object_type_tag(env, v, &tag, &ours) != napi_ok || !ours) return nullptr;
  return static_cast<T*>(p);
}

[[noreturn]] void ThrowDetached(const char* what) {
  ThrowError(std::string(what) + ": the Tensor's memory belonged to an ArrayBuffer that was detached (transferred) after torch.frombuffer");
}

}  // namespace

napi_value WrapTensor(napi_env env, at::Tensor t) {
  EnvSlot* slot = SlotOf(env);
  const std::shared_ptr<EnvState>& s = slot->state;
  s->DeleteDeferredReferences(env);
  if (!t.defined()) return Null(env);
  bool borrowed = AdoptStorage(s, t);  // may throw: before the Box exists
  Box* b = slot->boxArena.New();
  b->borrowed = borrowed;
  b->t = std::move(t);
  ++s->boxes;
  ++s->tensors;
  // Raw Node-API: FinalizeBox takes a basic env, so the compiler keeps V8 out of it (it runs inside
  // GC); Napi::External, with these headers, types it as a plain finalizer and allocates per handle.
  napi_value out;
  if (napi_create_external(env, b, FinalizeBox, slot, &out) != napi_ok) {
    Empty(*s, b);
    slot->boxArena.Delete(b);
    --s->boxes;
    throw NapiFailed{};
  }
  SyncExternalMemory(env, *s);
  return out;
}

Box* BoxOf(napi_env env, napi_value v) {
  void* p = nullptr;  // Externals only: this call fails for anything else
  if (napi_get_value_external(env, v, &p) != napi_ok || !SlotOf(env)->boxArena.Owns(p)) return nullptr;
  return static_cast<Box*>(p);
}

at::Tensor& TensorOf(napi_env env, napi_value v, const char* what) {
  Box* b = BoxOf(env, v);
  if (!b) ThrowType(std::string(what) + " must be a Tensor");
  return LiveTensor(env, b, what);
}

at::Tensor& LiveTensor(napi_env env, Box* b, const char* what) {
  if (at::Tensor* t = PlainLiveTensor(b)) return *t;
  if (!b->t.defined()) ThrowError(std::string(what) + ": Tensor was disposed");
  if (b->borrowed) {
    auto* ctx = static_cast<BorrowedData*>(b->t.storage().unsafeGetStorageImpl()->_mutable_data_ptr_no_checks().get_context());
    napi_value buffer;
    bool detached = true;
    if (napi_get_reference_value(env, ctx->buffer, &buffer) != napi_ok || buffer == nullptr ||
        napi_is_detached_arraybuffer(env, buffer, &detached) != napi_ok || detached)
      ThrowDetached(what);
  }
  return b->t;
}

void RefreshBorrowed(Box* b) {
  b->borrowed = b->t.defined() && b->t.has_storage() &&
                b->t.storage().unsafeGetStorageImpl()->_mutable_data_ptr_no_checks().get_deleter() == &DeleteBorrowed;
}

void DisposeBox(napi_env env, Box* b) {
  EnvState& s = *EnvStateOf(env);
  Empty(s, b);
  SyncExternalMemory(env, s);
}

at::Tensor BorrowArrayBuffer(napi_env env, napi_value arrayBuffer, void* data, int64_t count, c10::ScalarType st) {
  auto* ctx = new BorrowedData{nullptr, EnvStateOf(env)};
  if (napi_create_reference(env, arrayBuffer, 1, &ctx->buffer) != napi_ok) {
    delete ctx;
    throw NapiFailed{};
  }
  try {
    return at::for_blob(data, {count}).context(ctx, &DeleteBorrowed).options(at::TensorOptions().dtype(st)).make_tensor();
  } catch (...) {
    napi_delete_reference(env, ctx->buffer);  // no tensor owns the reference
    delete ctx;
    throw;
  }
}

napi_value WrapGenerator(napi_env env, at::Generator gen) {
  auto* b = new GeneratorBox{std::move(gen)};
  napi_value out;
  auto finalize = [](node_api_basic_env, void* data, void*) { delete static_cast<GeneratorBox*>(data); };
  if (napi_create_external(env, b, finalize, nullptr, &out) != napi_ok) {
    delete b;
    throw NapiFailed{};
  }
  Check(napi_type_tag_object(env, out, &kGeneratorTag));  // the External owns b now
  return out;
}

GeneratorBox* GeneratorOf(napi_env env, napi_value v) { return TaggedExternal<GeneratorBox>(env, v, kGeneratorTag); }

namespace {

// W1's disposed variant and W4 call it once per op.
Napi::Value Dispose(const Napi::CallbackInfo& info) {
  Box* b = BoxOf(info.Env(), info[0]);
  if (!b) ThrowType("expected a Tensor handle");
  DisposeBox(info.Env(), b);
  return info.Env().Undefined();
}

Napi::Value IsDisposed(const Napi::CallbackInfo& info) {
  Box* b = BoxOf(info.Env(), info[0]);
  if (!b) ThrowType("expected a Tensor handle");
  return Napi::Boolean::New(info.Env(), !b->t.defined());
}

Napi::Value HandleCounts(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const EnvState& s = *EnvStateOf(env);
  Napi::Object o = Napi::Object::New(env);
  o.Set("boxes", static_cast<double>(s.boxes));
  o.Set("tensors", static_cast<double>(s.tensors));
  o.Set("reportedBytes", static_cast<double>(s.liveBytes.load(std::memory_order_relaxed)));
  o.Set("v8ExternalBytes", static_cast<double>(s.reportedBytes));
  o.Set("handleChunks", static_cast<double>(SlotOf(env)->boxArena.ChunkCount()));
  o.Set("handlesPerChunk", static_cast<double>(SlotArena<Box>::SlotsPerChunk()));
  return o;
}

}  // namespace

void RegisterHandle(napi_env env, napi_value exports) {
  static constexpr MethodEntry kMethods[] = {
      {"dispose", Dispose},
      {"isDisposed", IsDisposed},
      {"handleStats", HandleCounts},
  };
  ExportAll(env, exports, kMethods);
}

namespace {
napi_value ReadTensorProperty(napi_env env, napi_callback_info info) {
  napi_value arg;
  size_t argc = 1;
  void* data = nullptr;
  if (napi_get_cb_info(env, info, &argc, &arg, nullptr, &data) != napi_ok) return nullptr;
  const TensorProperty* p = static_cast<const TensorProperty*>(data);
  return Guard(env, p->name, [&] {
    if (argc < 1) ThrowType("expected a Tensor handle");
    return p->read(env, TensorOf(env, arg, "self"));
  });
}
}  // namespace

void ExportTensorProperty(napi_env env, napi_value exports, const TensorProperty& p) {
  Export(env, exports, p.name, ReadTensorProperty, const_cast<TensorProperty*>(&p));
}

}  // namespace tn
