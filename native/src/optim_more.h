// Helpers shared by the kernels of optim_adagrad.cc ... optim_adafactor.cc: Python's step-counter
// idioms and its capturable device check, written once.
#pragma once
#include <ATen/ATen.h>

#include <string>
#include <vector>

#include "napi_util.h"
#include "optim.h"

namespace tn {

// Python's `torch._foreach_add_(state_steps, torch.tensor(1.0, device="cpu"), alpha=1.0)` for CPU
// steps and `torch._foreach_add_(state_steps, 1)` elsewhere.
inline void IncrementSteps(std::vector<at::Tensor>& steps) {
  if (steps.empty()) return;
  if (steps[0].is_cpu()) at::_foreach_add_(steps, at::scalar_tensor(1.0, at::kFloat), 1.0);
  else at::_foreach_add_(steps, 1);
}

// Python's step state: torch.zeros((), dtype=_get_scalar_dtype()[, device=p.device when capturable]).
inline at::Tensor NewStep(const at::Tensor& param, bool onParamDevice, bool fused = false) {
  auto options = at::TensorOptions().dtype(OptimScalarDtype(fused));
  if (onParamDevice) options = options.device(param.device());
  return at::zeros({}, options);
}

// The capturable paths run on accelerators only: Python's AssertionError on a CPU parameter.
inline void CheckCapturable(const char* what, const std::vector<at::Tensor>& params, bool withXla = true) {
  for (const auto& p : params) {
    if (p.is_cuda()) continue;
    ThrowError(std::string("If capturable=True, ") + what + " must be on supported devices: ['cuda', 'xpu', 'hpu', 'privateuseone'" +
               (withXla ? ", 'xla']." : "]."));
  }
}

inline void RejectSparse(const std::vector<at::Tensor>& grads, const char* message) {
  for (const auto& g : grads)
    if (g.is_sparse()) ThrowError(message);
}

}  // namespace tn
