// What code that reads or writes tensor memory directly needs to know about torch.func.functionalize
// (functionalize.cc): a FunctionalTensorWrapper has no memory of its own, and factory ops run inside a
// transform level can return such wrappers.
#pragma once

#include <ATen/core/Tensor.h>
#include <c10/core/impl/LocalDispatchKeySet.h>

namespace tn {

// Whether a transform level (functionalize) is open on this thread: torch._C._are_functorch_transforms_active.
bool TransformsActive();

// The tensor whose memory holds t's values: a functional wrapper's synced inner tensor, else t itself.
at::Tensor MemoryTensor(const at::Tensor& t);

// While alive, ops on plain tensors run as plain eager ops even inside a transform level, as
// Python's tensor constructors do (tensor_new.cpp).
class OutsideTransformsGuard {
 public:
  OutsideTransformsGuard()
      : guard_(c10::DispatchKeySet({c10::DispatchKey::FuncTorchDynamicLayerFrontMode, c10::DispatchKey::FuncTorchDynamicLayerBackMode})) {}

 private:
  c10::impl::ExcludeDispatchKeyGuard guard_;
};

// Inside a transform level, a fresh tensor made under OutsideTransformsGuard becomes one of the level's
// (at::lift_fresh, as torch.tensor does in Python); outside any level, t itself at no cost.
at::Tensor LiftFresh(at::Tensor t);

}  // namespace tn
