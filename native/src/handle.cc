#include "handle.h"

#include <atomic>
#include <cstring>
#include <mutex>
#include <vector>

namespace tn {
namespace {

// Per thread, as each thread with the addon (main, workers) has its own V8 heap to report to.
thread_local HandleStats g_stats;
thread_local int64_t g_pending = 0;  // unreported delta; flushed in >= 1 MiB steps (small adjusts cost more than they help)
constexpr int64_t kReportStep = 1 << 20;

void Report(node_api_basic_env env, int64_t delta) {
  g_pending += delta;
  if (g_pending >= kReportStep || g_pending <= -kReportStep) {
    int64_t total;
    napi_adjust_external_memory(env, g_pending, &total);
    g_stats.reported += g_pending;
    g_pending = 0;
  }
}

void Empty(node_api_basic_env env, Box* b) {
  if (!b->t.defined()) return;
  b->t.reset();
  --g_stats.tensors;
  if (b->bytes) {
    Report(env, -b->bytes);
    b->bytes = 0;
  }
}

// Basic finalizer: may run inside GC, so it only frees native memory.
void FinalizeBox(node_api_basic_env env, void* data, void*) {
  Box* b = static_cast<Box*>(data);
  Empty(env, b);
  b->magic = 0;
  delete b;
  --g_stats.boxes;
}

// Bytes this tensor owns: its storage when no other tensor shares it (views are not counted twice).
int64_t OwnedBytes(const at::Tensor& t) {
  if (!t.has_storage()) return 0;
  const c10::Storage& s = t.storage();
  return s.use_count() == 1 ? static_cast<int64_t>(s.nbytes()) : 0;
}

std::mutex g_deferredMutex;
std::vector<napi_ref> g_deferred;
std::atomic<bool> g_hasDeferred{false};

}  // namespace

void DeferDeleteReference(napi_ref ref) {
  std::lock_guard<std::mutex> lock(g_deferredMutex);
  g_deferred.push_back(ref);
  g_hasDeferred.store(true, std::memory_order_release);
}

void DeleteDeferredReferences(napi_env env) {
  if (!g_hasDeferred.load(std::memory_order_acquire)) return;
  std::vector<napi_ref> refs;
  {
    std::lock_guard<std::mutex> lock(g_deferredMutex);
    refs.swap(g_deferred);
    g_hasDeferred.store(false, std::memory_order_release);
  }
  for (napi_ref r : refs) napi_delete_reference(env, r);
}

napi_value WrapTensor(napi_env env, at::Tensor t) {
  DeleteDeferredReferences(env);
  if (!t.defined()) return Null(env);
  Box* b = new Box();
  ++g_stats.boxes;
  ++g_stats.tensors;
  b->bytes = OwnedBytes(t);
  b->t = std::move(t);
  napi_value out;
  if (napi_create_external(env, b, FinalizeBox, nullptr, &out) != napi_ok) {
    FinalizeBox(env, b, nullptr);
    throw NapiFailed{};
  }
  if (b->bytes) Report(env, b->bytes);
  return out;
}

namespace {
// The handle struct behind an External, if it is one of ours of type T (each starts with its magic).
template <class T>
T* ExternalOf(napi_env env, napi_value v) {
  void* p = nullptr;
  if (napi_get_value_external(env, v, &p) != napi_ok || p == nullptr) return nullptr;
  uint64_t magic;
  std::memcpy(&magic, p, sizeof magic);
  return magic == T::kMagic ? static_cast<T*>(p) : nullptr;
}
}  // namespace

Box* BoxOf(napi_env env, napi_value v) { return ExternalOf<Box>(env, v); }

at::Tensor& TensorOf(napi_env env, napi_value v, const char* what) {
  Box* b = BoxOf(env, v);
  if (!b) ThrowType(std::string(what) + " must be a Tensor");
  if (!b->t.defined()) ThrowError(std::string(what) + ": Tensor was disposed");
  return b->t;
}

void DisposeBox(napi_env env, Box* b) { Empty(env, b); }

napi_value WrapGenerator(napi_env env, at::Generator gen) {
  auto* b = new GeneratorBox();
  b->gen = std::move(gen);
  napi_value out;
  auto finalize = [](node_api_basic_env, void* data, void*) {
    auto* box = static_cast<GeneratorBox*>(data);
    box->magic = 0;
    delete box;
  };
  if (napi_create_external(env, b, finalize, nullptr, &out) != napi_ok) {
    delete b;
    throw NapiFailed{};
  }
  return out;
}

GeneratorBox* GeneratorOf(napi_env env, napi_value v) { return ExternalOf<GeneratorBox>(env, v); }

const HandleStats& Stats() { return g_stats; }

namespace {

napi_value Dispose(napi_env env, napi_callback_info info) {
  return Guard(env, "dispose", [&] {
    Args<1> a(env, info);
    Box* b = BoxOf(env, a[0]);
    if (!b) ThrowType("expected a Tensor handle");
    DisposeBox(env, b);
    return Undefined(env);
  });
}

napi_value IsDisposed(napi_env env, napi_callback_info info) {
  return Guard(env, "isDisposed", [&] {
    Args<1> a(env, info);
    Box* b = BoxOf(env, a[0]);
    if (!b) ThrowType("expected a Tensor handle");
    return FromBool(env, !b->t.defined());
  });
}

napi_value HandleCounts(napi_env env, napi_callback_info) {
  return Guard(env, "handleStats", [&] {
    napi_value o;
    Check(napi_create_object(env, &o));
    Check(napi_set_named_property(env, o, "boxes", FromInt64(env, g_stats.boxes)));
    Check(napi_set_named_property(env, o, "tensors", FromInt64(env, g_stats.tensors)));
    Check(napi_set_named_property(env, o, "reportedBytes", FromInt64(env, g_stats.reported + g_pending)));
    return o;
  });
}

}  // namespace

void RegisterHandle(napi_env env, napi_value exports) {
  Export(env, exports, "dispose", Dispose);
  Export(env, exports, "isDisposed", IsDisposed);
  Export(env, exports, "handleStats", HandleCounts);
}

}  // namespace tn
