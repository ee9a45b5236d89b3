// torch.func.functionalize: the pieces functorch's Python transform is made of (its functionalize
// interpreter level, FunctionalTensorWrapper in and out, input mutations copied back), so that
// lib/func_functionalize.ts runs a JS function the way Python runs one. The level stack is libtorch's
// own thread-local one, shared with nothing else here: every worker thread has its own.
#include <ATen/FunctionalTensorWrapper.h>
#include <ATen/functorch/DynamicLayer.h>

#include <ATen/ops/lift_fresh.h>

#include "autograd.h"
#include "functionalize.h"
#include "handle.h"

namespace tn {
namespace {

using at::functionalization::impl::isFunctionalTensor;
using at::functionalization::impl::unsafeGetFunctionalWrapper;

// functionalizeRun(reapplyViews, fn): fn(level) with a functionalize level pushed (_func_increment_nesting;
// remove='mutations' reapplies views on the way out) and popped when fn returns or throws, so that no
// caller can leave one open.
Napi::Value FunctionalizeRun(const Napi::CallbackInfo& info) {
  const bool reapplyViews = ToBool(info.Env(), info[0], "reapplyViews");
  if (!info[1].IsFunction()) ThrowType("fn must be a function");
  const int64_t level = at::functorch::initAndPushDynamicLayer(at::functorch::TransformType::Functionalize, std::nullopt,
                                                               std::nullopt, std::nullopt, std::nullopt, reapplyViews);
  struct PopLevel {
    int64_t level;
    // A destructor must not throw: pop only our own level, which nothing else can have popped.
    ~PopLevel() {
      auto top = at::functorch::maybeCurrentDynamicLayer();
      if (top && top->layerId() == level) at::functorch::popDynamicLayerAndDeleteMetadata();
    }
  } pop{level};
  return info[1].As<Napi::Function>().Call({Napi::Value(info.Env(), FromInt64(info.Env(), level))});
}

// _wrap_functional_tensor: a FunctionalTensorWrapper around the tensor, owned by level `level`.
Napi::Value FunctionalWrap(const Napi::CallbackInfo& info) {
  const at::Tensor& t = TensorOf(info.Env(), info[0], "tensor");
  const int64_t level = ToInt64(info.Env(), info[1], "level");
  at::Tensor wrapped = at::functionalization::impl::to_functional_tensor(t);
  unsafeGetFunctionalWrapper(wrapped)->set_level(level);
  return Napi::Value(info.Env(), WrapTensor(info.Env(), std::move(wrapped)));
}

// _maybe_unwrap_functional_tensor: the wrapper's value with its pending updates applied (views
// regenerated as views when reapplyViews); undefined for a tensor that is not functional (a global).
Napi::Value FunctionalUnwrap(const Napi::CallbackInfo& info) {
  const at::Tensor& t = TensorOf(info.Env(), info[0], "tensor");
  const bool reapplyViews = ToBool(info.Env(), info[1], "reapplyViews");
  if (!isFunctionalTensor(t)) return info.Env().Undefined();
  at::functionalization::impl::sync(t);
  auto* functional = unsafeGetFunctionalWrapper(t);
  at::functionalization::impl::FunctionalizationReapplyViewsGuard guard(reapplyViews);
  if (functional->apply_updates()) functional->regenerate_from_base();
  return Napi::Value(info.Env(), WrapTensor(info.Env(), functional->value()));
}

// _propagate_functional_input_mutation: after fn, an input whose wrapper was mutated gets the new
// contents (and new sizes, for a resized or restrided input) copied back into the caller's tensor.
Napi::Value FunctionalPropagateMutation(const Napi::CallbackInfo& info) {
  const at::Tensor& unwrapped = TensorOf(info.Env(), info[0], "unwrapped");
  const at::Tensor& wrapped = TensorOf(info.Env(), info[1], "wrapped");
  TORCH_CHECK(isFunctionalTensor(wrapped) && !isFunctionalTensor(unwrapped),
              "functionalize: expected a plain tensor and its functional wrapper");
  auto* impl = unsafeGetFunctionalWrapper(wrapped);
  impl->sync_();
  const at::Tensor& inner = impl->value();
  if (unwrapped.unsafeGetTensorImpl() == inner.unsafeGetTensorImpl()) return info.Env().Undefined();
  if (unwrapped.sym_nbytes() != inner.sym_nbytes()) unwrapped.resize__symint(inner.sym_sizes());
  if (unwrapped.sym_sizes() != inner.sym_sizes()) unwrapped.as_strided__symint(inner.sym_sizes(), inner.sym_strides());
  unwrapped.copy_(inner);
  return info.Env().Undefined();
}

Napi::Value AreTransformsActive(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), TransformsActive()); }

// torch._is_functional_tensor.
Napi::Value IsFunctionalTensor(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), isFunctionalTensor(TensorOf(info.Env(), info[0], "tensor")));
}

}  // namespace

bool TransformsActive() { return at::functorch::maybeCurrentDynamicLayer().has_value(); }

at::Tensor MemoryTensor(const at::Tensor& t) {
  if (!isFunctionalTensor(t)) return t;
  at::functionalization::impl::sync(t);
  return at::functionalization::impl::from_functional_tensor(t);
}

at::Tensor LiftFresh(at::Tensor t) {
  if (!c10::impl::tls_is_dispatch_key_included(c10::DispatchKey::FuncTorchDynamicLayerFrontMode)) return t;
  at::AutoDispatchBelowADInplaceOrView guard;  // lift_fresh has no autograd kernel
  return at::lift_fresh(t);
}

void RegisterFunctionalize(napi_env env, napi_value exports) {
  static constexpr MethodEntry kEntries[] = {
      {"functionalizeRun", FunctionalizeRun, "functionalize"},
      {"functionalWrap", FunctionalWrap, "functionalize"},
      {"functionalUnwrap", FunctionalUnwrap, "functionalize"},
      {"functionalPropagateMutation", FunctionalPropagateMutation, "functionalize"},
      {"isFunctionalTensor", IsFunctionalTensor},
      {"areTransformsActive", AreTransformsActive},
  };
  ExportAll(env, exports, kEntries);
}

}  // namespace tn
