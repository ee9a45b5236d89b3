// torch.autograd.graph.allow_mutation_on_saved_tensors: while it runs, an in-place op on a tensor the
// graph saved for backward first copies that tensor, and backward reads the copy. As Python's, two
// parts: saved-tensors hooks that record what was saved (keyed by data pointer and version), and an
// operator interception that clones a recorded tensor before an op writes to it. Python intercepts
// with a TorchDispatchMode; here a boxed fallback on a mode dispatch key that only this thread
// includes while the call runs (libtorch registers nothing on it: TESTING_ONLY_GenericMode).
#include <c10/core/impl/LocalDispatchKeySet.h>
#include <torch/csrc/autograd/saved_variable_hooks.h>

#include <map>
#include <memory>
#include <set>
#include <tuple>

#include "autograd.h"
#include "mode_fallback.h"

namespace tn {
namespace {

constexpr c10::DispatchKey kModeKey = c10::DispatchKey::TESTING_ONLY_GenericMode;
constexpr const char* kOutsideContext =
    "Trying to backward outside of the 'allow_mutation_on_saved_tensors' contextin which the graph was originally recorded.";  // sic, Python's

// One saved tensor (Python's _Handle): the tensor as saved, or the copy made before an op wrote to it.
struct SavedHandle {
  at::Tensor original, cloned;
};

// Python's _get_sid and _get_tid: a tensor's data pointer and version, and also its identity.
using Sid = std::pair<const void*, uint32_t>;
using Tid = std::tuple<const c10::TensorImpl*, const void*, uint32_t>;

Sid SidOf(const at::Tensor& t) {
  const void* data = t.has_storage() ? t.const_data_ptr() : nullptr;
  return {data, t.is_inference() ? 0u : t._version()};
}

// The state of one allowMutationOnSavedTensors call (Python's _AllowMutationOnSavedContext).
struct MutationContext {
  std::map<Sid, std::set<Tid>> sidToTid;
  std::map<Tid, std::weak_ptr<SavedHandle>> tidToHandle;  // weak, as Python's WeakValueDictionary
  bool open = true;

  // At the end of the call: the graph's handles let go of their tensors (Python's ctx.clear()).
  void Close() {
    for (auto& [tid, weak] : tidToHandle)
      if (auto h = weak.lock()) h->original = h->cloned = at::Tensor();
    tidToHandle.clear();
    sidToTid.clear();
    open = false;
  }

  // Before an op writes to t: every saved tensor with t's data and version is copied, once.
  void CloneBeforeWrite(const at::Tensor& t) {
    auto it = sidToTid.find(SidOf(t));
    if (it == sidToTid.end()) return;
    for (const Tid& tid : it->second) {
      auto found = tidToHandle.find(tid);
      auto h = found == tidToHandle.end() ? nullptr : found->second.lock();
      if (!h || h->cloned.defined() || !h->original.defined()) continue;  // freed by a backward, or cloned already
      at::AutoDispatchBelowADInplaceOrView belowAutograd;  // a plain copy, as Python's mode clones below autograd
      h->cloned = h->original.clone();
      h->original = at::Tensor();
    }
  }
};

thread_local std::shared_ptr<MutationContext> t_context;

struct MutationSavedHooks : torch::autograd::SavedVariableHooks {
  explicit MutationSavedHooks(std::shared_ptr<MutationContext> ctx) : ctx(std::move(ctx)) {}
  void call_pack_hook(const at::Tensor& tensor) override {
    Sid sid = SidOf(tensor);
    Tid tid{tensor.unsafeGetTensorImpl(), sid.first, sid.second};
    ctx->sidToTid[sid].insert(tid);
    handle = ctx->tidToHandle[tid].lock();  // the same tensor at the same version saved again: one handle
    if (!handle) {
      handle = std::make_shared<SavedHandle>();
      handle->original = tensor;
      ctx->tidToHandle[tid] = handle;
    }
  }
  at::Tensor call_unpack_hook() override {
    if (!ctx->open) throw std::runtime_error(kOutsideContext);
    if (handle->cloned.defined()) return handle->cloned;
    if (!handle->original.defined()) throw std::runtime_error(kOutsideContext);
    return handle->original;
  }
  std::shared_ptr<MutationContext> ctx;
  std::shared_ptr<SavedHandle> handle;
};

// The mode key's fallback: clones what the op is about to write (schema arguments marked `a!`),
// then runs the op below this key.
void CloneArgsBeforeMutation(const c10::OperatorHandle& op, c10::DispatchKeySet keys, torch::jit::Stack* stack) {
  c10::impl::ExcludeDispatchKeyGuard noMode(kModeKey);  // ops inside this one (the clones too) are not seen, as inside Python's mode
  if (t_context && t_context->open) {
    const auto& args = op.schema().arguments();
    const size_t first = stack->size() - args.size();
    for (size_t i = 0; i < args.size(); ++i) {
      if (!args[i].alias_info() || !args[i].alias_info()->isWrite()) continue;
      const c10::IValue& v = (*stack)[first + i];
      if (v.isTensor()) {
        t_context->CloneBeforeWrite(v.toTensor());
      } else if (v.isTensorList()) {
        for (const at::Tensor& t : v.toTensorList().vec()) t_context->CloneBeforeWrite(t);
      }
    }
  }
  RunBelow(kModeKey, op, keys, stack);
}

// enterMutationContext(): saved tensors recorded, writes to them intercepted, on this thread.
Napi::Value EnterMutationContext(const Napi::CallbackInfo& info) {
  if (t_context) ThrowError("allow_mutation_on_saved_tensors contexts cannot be nested");
  RegisterModeFallbackOnce<&CloneArgsBeforeMutation>(kModeKey);  // on first use: a registered key joins libtorch's "only available for these backends" lists
  auto ctx = std::make_shared<MutationContext>();
  PushSavedHooks([ctx] { return std::make_unique<MutationSavedHooks>(ctx); });
  t_context = ctx;
  c10::impl::tls_set_dispatch_key_included(kModeKey, true);
  return info.Env().Undefined();
}

// leaveMutationContext(): the end of the call; the graph recorded in it can no longer run backward.
Napi::Value LeaveMutationContext(const Napi::CallbackInfo& info) {
  if (!t_context) ThrowError("no allowMutationOnSavedTensors call to leave");
  c10::impl::tls_set_dispatch_key_included(kModeKey, false);
  PopSavedHooks();
  t_context->Close();
  t_context.reset();
  return info.Env().Undefined();
}

}  // namespace

void RegisterAutogradMutation(napi_env env, napi_value exports) {
  static constexpr MethodEntry kEntries[] = {
      {"enterMutationContext", EnterMutationContext, "allowMutationOnSavedTensors"},
      {"leaveMutationContext", LeaveMutationContext, "allowMutationOnSavedTensors"},
  };
  ExportAll(env, exports, kEntries);
}

}  // namespace tn
