// Adamax (torch/optim/adamax.py): _single_tensor_adamax and _multi_tensor_adamax (foreach); no fused kernel.
#include <ATen/ATen.h>

#include "optim.h"
#include "optim_num.h"

namespace tn {
namespace {

struct AdamaxOptions {
  PyNum lr;
  double beta1, beta2, eps, weightDecay;
  bool maximize, capturable;
  bool differentiable = false;
};

void SingleTensorAdamax(OptimStep& s, const AdamaxOptions& o, std::vector<at::Tensor>& steps, std::vector<at::Tensor>& expAvgs,
                        std::vector<at::Tensor>& expInfs) {
  if (o.capturable) CheckCapturable(s, false);
  for (size_t i = 0; i < s.params.size(); ++i) {
    at::Tensor param = s.params[i];
    at::Tensor grad = o.maximize ? s.grads[i].neg() : s.grads[i];
    at::Tensor expAvg = expAvgs[i], expInf = expInfs[i];
    steps[i].add_(1);
    if (o.weightDecay != 0) grad = grad.add(param, o.weightDecay);
    if (param.is_complex()) {
      param = at::view_as_real(param);
      grad = at::view_as_real(grad);
      expAvg = at::view_as_real(expAvg);
      expInf = at::view_as_real(expInf);
    }
    expAvg.lerp_(grad, 1 - o.beta1);
    if (o.differentiable) {  // Python: the max of the two as amax over their stack, which autograd can record
      at::Tensor normBuf = at::cat({expInf.mul_(o.beta2).unsqueeze(0), grad.abs().add_(o.eps).unsqueeze_(0)}, 0);
      expInf.copy_(at::amax(normBuf, 0, false));
    } else {
      at::maximum_out(expInf, expInf.mul_(o.beta2), grad.abs().add_(o.eps));
    }
    double biasCorrection = 1 - std::pow(o.beta1, steps[i].item<double>());
    PyNum clr = o.lr / biasCorrection;
    param.addcdiv_(expAvg, expInf, (-clr).Scalar());
  }
}

void MultiTensorAdamax(OptimStep& s, const AdamaxOptions& o, std::vector<at::Tensor>& allSteps, std::vector<at::Tensor>& allExpAvgs,
                       std::vector<at::Tensor>& allExpInfs) {
  if (s.params.empty()) return;
  if (o.capturable) CheckCapturable(s, true);
  for (const auto& idx : GroupByDeviceAndDtype(s.params)) {
    std::vector<at::Tensor> params = Pick(s.params, idx), grads = Pick(s.grads, idx), expAvgs = Pick(allExpAvgs, idx),
                            expInfs = Pick(allExpInfs, idx), steps = Pick(allSteps, idx);
    for (size_t j = 0; j < params.size(); ++j) {  // Python's _view_as_real
      if (!params[j].is_complex()) continue;
      params[j] = at::view_as_real(params[j]);
      grads[j] = at::view_as_real(grads[j]);
      expAvgs[j] = at::view_as_real(expAvgs[j]);
      expInfs[j] = at::view_as_real(expInfs[j]);
    }
    if (o.maximize) grads = at::_foreach_neg(grads);
    IncrementSteps(steps);
    if (o.weightDecay != 0) {
      if (o.maximize) at::_foreach_add_(grads, params, o.weightDecay);
      else grads = at::_foreach_add(grads, params, o.weightDecay);
    }
    at::_foreach_lerp_(expAvgs, grads, 1 - o.beta1);
    at::_foreach_mul_(expInfs, o.beta2);
    // Python copies the grads only when they are still the params' own .grad tensors.
    if (!o.maximize && o.weightDecay == 0) grads = at::_foreach_abs(grads);
    else at::_foreach_abs_(grads);
    at::_foreach_add_(grads, o.eps);
    at::_foreach_maximum_(expInfs, grads);
    std::vector<at::Scalar> stepSize;
    const double lr = o.lr.Value();
    for (const auto& step : steps) stepSize.emplace_back((lr / (1 - std::pow(o.beta1, step.item<double>()))) * -1);
    at::_foreach_addcdiv_(params, expAvgs, expInfs, stepSize);
  }
}

void Adamax(OptimStep& s) {
  at::AutoGradMode gradMode(s.Bool("differentiable"));  // Python's _use_grad_for_differentiable
  RefuseSparse(s, "Adamax does not support sparse gradients");
  auto [beta1, beta2] = s.Pair("betas");
  AdamaxOptions o{PyNum::Option(s, "lr"), beta1, beta2, s.Double("eps"), s.Double("weightDecay"), s.Bool("maximize"), s.Bool("capturable"),
                  s.Bool("differentiable")};
  for (const char* key : {"step", "exp_avg", "exp_inf"}) s.State(key);  // all created before references are taken
  auto& steps = s.State("step");
  auto& expAvgs = s.State("exp_avg");
  auto& expInfs = s.State("exp_inf");
  for (size_t i = 0; i < s.params.size(); ++i) {  // Python's _init_group
    if (steps[i].defined()) continue;
    steps[i] = NewStep(s.params[i], false, o.capturable);
    expAvgs[i] = at::zeros_like(s.params[i], at::MemoryFormat::Preserve);
    expInfs[i] = at::zeros_like(s.params[i], at::MemoryFormat::Preserve);
  }
  if (s.Bool("foreach")) MultiTensorAdamax(s, o, steps, expAvgs, expInfs);
  else SingleTensorAdamax(s, o, steps, expAvgs, expInfs);
}

TN_OPTIM_KERNEL("adamax", Adamax);

}  // namespace
}  // namespace tn
