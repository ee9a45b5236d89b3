// Rprop (torch/optim/rprop.py): _single_tensor_rprop and _multi_tensor_rprop (foreach).
#include <ATen/ATen.h>

#include "optim.h"
#include "optim_more.h"

namespace tn {
namespace {

struct RpropOptions {
  double etaminus, etaplus, stepSizeMin, stepSizeMax;
  bool maximize, capturable;
  bool differentiable = false;
};

// sign -> etaplus where > 0, etaminus where < 0, 1 where 0 (Python's masked assignments, or torch.where when capturable).
void SignToFactor(at::Tensor& sign, const RpropOptions& o) {
  if (o.capturable) {
    sign.copy_(at::where(sign.gt(0), o.etaplus, sign));
    sign.copy_(at::where(sign.lt(0), o.etaminus, sign));
    sign.copy_(at::where(sign.eq(0), 1, sign));
  } else {
    sign.masked_fill_(sign.gt(0), o.etaplus);
    sign.masked_fill_(sign.lt(0), o.etaminus);
    sign.masked_fill_(sign.eq(0), 1);
  }
}

void SingleTensorRprop(OptimStep& s, std::vector<at::Tensor>& prevs, std::vector<at::Tensor>& stepSizes, std::vector<at::Tensor>& steps,
                       const RpropOptions& o) {
  for (size_t i = 0; i < s.params.size(); ++i) {
    at::Tensor param = s.params[i];
    at::Tensor grad = o.maximize ? s.grads[i].neg() : s.grads[i];
    at::Tensor prev = prevs[i], stepSize = stepSizes[i];
    steps[i].add_(1);
    if (param.is_complex()) {
      grad = at::view_as_real(grad);
      prev = at::view_as_real(prev);
      param = at::view_as_real(param);
      stepSize = at::view_as_real(stepSize);
    }
    at::Tensor sign = grad.mul(o.differentiable ? prev.clone() : prev).sign();
    SignToFactor(sign, o);
    stepSize.mul_(sign).clamp_(o.stepSizeMin, o.stepSizeMax);
    grad = grad.clone(at::MemoryFormat::Preserve);
    if (o.capturable) grad.copy_(at::where(sign.eq(o.etaminus), 0, grad));
    else grad.masked_fill_(sign.eq(o.etaminus), 0);
    param.addcmul_(grad.sign(), stepSize, -1);
    prev.copy_(grad);
  }
}

void MultiTensorRprop(OptimStep& s, std::vector<at::Tensor>& allPrevs, std::vector<at::Tensor>& allStepSizes, std::vector<at::Tensor>& allSteps,
                      const RpropOptions& o) {
  for (const auto& idx : GroupByDeviceAndDtype(s.params)) {
    std::vector<at::Tensor> params = Pick(s.params, idx), grads = Pick(s.grads, idx), prevs = Pick(allPrevs, idx),
                            stepSizes = Pick(allStepSizes, idx), steps = Pick(allSteps, idx);
    IncrementSteps(steps);
    if (params[0].is_complex())
      for (size_t j = 0; j < params.size(); ++j) {
        params[j] = at::view_as_real(params[j]);
        grads[j] = at::view_as_real(grads[j]);
        prevs[j] = at::view_as_real(prevs[j]);
        stepSizes[j] = at::view_as_real(stepSizes[j]);
      }
    std::vector<at::Tensor> signs = at::_foreach_mul(grads, prevs);
    if (o.maximize) at::_foreach_neg_(signs);
    at::_foreach_copy_(prevs, grads);
    if (o.maximize) at::_foreach_neg_(prevs);
    grads = prevs;
    at::_foreach_sign_(signs);
    for (auto& sign : signs) SignToFactor(sign, o);
    at::_foreach_mul_(stepSizes, signs);
    for (auto& stepSize : stepSizes) stepSize.clamp_(o.stepSizeMin, o.stepSizeMax);
    for (size_t j = 0; j < grads.size(); ++j) grads[j].copy_(at::where(signs[j].eq(o.etaminus), 0, grads[j]));
    std::vector<at::Tensor> gradSigns;
    for (const auto& g : grads) gradSigns.push_back(g.sign());
    at::_foreach_addcmul_(params, gradSigns, stepSizes, -1);
  }
}

void Rprop(OptimStep& s) {
  at::AutoGradMode gradMode(s.Bool("differentiable"));  // Python's _use_grad_for_differentiable
  auto [etaminus, etaplus] = s.Pair("etas");
  auto [stepSizeMin, stepSizeMax] = s.Pair("stepSizes");
  RpropOptions o{etaminus, etaplus, stepSizeMin, stepSizeMax, s.Bool("maximize"), s.Bool("capturable"), s.Bool("differentiable")};
  RejectSparse(s.grads, "Rprop does not support sparse gradients");
  double lr = s.Scalar("lr");
  std::vector<at::Tensor>& steps = s.State("step");
  std::vector<at::Tensor>& prevs = s.State("prev");
  std::vector<at::Tensor>& stepSizes = s.State("step_size");
  for (size_t i = 0; i < s.params.size(); ++i) {
    if (steps[i].defined()) continue;
    const at::Tensor& p = s.params[i];
    steps[i] = NewStep(p, o.capturable);
    prevs[i] = at::zeros_like(p, at::MemoryFormat::Preserve);
    stepSizes[i] = p.is_complex() ? at::full_like(s.grads[i], c10::complex<double>(lr, lr)) : at::full_like(s.grads[i], lr);
  }
  if (o.capturable && !s.params.empty()) CheckCapturable("params and state_steps", s.params);
  if (s.Bool("foreach")) MultiTensorRprop(s, prevs, stepSizes, steps, o);
  else SingleTensorRprop(s, prevs, stepSizes, steps, o);
}

TN_OPTIM_KERNEL("rprop", Rprop);

}  // namespace
}  // namespace tn
