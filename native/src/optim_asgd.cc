// ASGD (torch/optim/asgd.py): _single_tensor_asgd and _multi_tensor_asgd (foreach), with their
// capturable variants (eta, mu and step stay tensors on the device).
#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>

#include "optim.h"
#include "optim_more.h"

namespace tn {
namespace {

struct AsgdOptions {
  double lr, lambd, alpha, t0, weightDecay;
  bool maximize, capturable;
};

void SingleTensorAsgd(OptimStep& s, std::vector<at::Tensor>& axs, std::vector<at::Tensor>& mus, std::vector<at::Tensor>& etas,
                      std::vector<at::Tensor>& steps, const AsgdOptions& o) {
  for (size_t i = 0; i < s.params.size(); ++i) {
    at::Tensor param = s.params[i];
    at::Tensor grad = o.maximize ? s.grads[i].neg() : s.grads[i];
    at::Tensor mu = mus[i], ax = axs[i], eta = etas[i], stepT = steps[i];
    if (param.is_complex()) {
      grad = at::view_as_real(grad);
      param = at::view_as_real(param);
      ax = at::view_as_real(ax);
    }
    stepT.add_(1);
    if (o.weightDecay != 0) grad = grad.add(param, o.weightDecay);
    if (o.capturable) {
      param.mul_(1 - o.lambd * eta);
      param.addcmul_(grad, eta, -1);
    } else {
      double etaValue = eta.item<double>();
      param.mul_(1 - o.lambd * etaValue);
      param.add_(grad, -etaValue);
    }
    if (o.capturable || mu.item<double>() != 1) ax.add_(param.sub(ax).mul_(mu));
    else ax.copy_(param);
    if (o.capturable) {
      // Python's float / tensor is tensor.reciprocal() * float (Tensor.__rtruediv__).
      eta.copy_((1 + o.lambd * o.lr * stepT).pow(o.alpha).reciprocal().mul(o.lr));
      mu.copy_(at::maximum(stepT - o.t0, at::ones_like(stepT)).reciprocal().mul(1));
    } else {
      double step = stepT.item<double>();
      // torch.as_tensor(python float): a tensor of the default dtype, copied into eta / mu.
      auto scalarOptions = at::TensorOptions().dtype(c10::get_default_dtype_as_scalartype());
      eta.copy_(at::scalar_tensor(o.lr / std::pow(1 + o.lambd * o.lr * step, o.alpha), scalarOptions));
      mu.copy_(at::scalar_tensor(1 / std::max(1.0, step - o.t0), scalarOptions));
    }
  }
}

void MultiTensorAsgd(OptimStep& s, std::vector<at::Tensor>& allAxs, std::vector<at::Tensor>& allMus, std::vector<at::Tensor>& allEtas,
                     std::vector<at::Tensor>& allSteps, const AsgdOptions& o) {
  for (const auto& idx : GroupByDeviceAndDtype(s.params)) {
    std::vector<at::Tensor> params = Pick(s.params, idx), grads = Pick(s.grads, idx), axs = Pick(allAxs, idx), mus = Pick(allMus, idx),
                            etas = Pick(allEtas, idx), steps = Pick(allSteps, idx);
    c10::Device device = params[0].device();
    if (params[0].is_complex())
      for (size_t j = 0; j < params.size(); ++j) {
        params[j] = at::view_as_real(params[j]);
        grads[j] = at::view_as_real(grads[j]);
        axs[j] = at::view_as_real(axs[j]);
      }
    if (o.maximize) grads = at::_foreach_neg(grads);
    IncrementSteps(steps);
    std::vector<at::Tensor> intermediate;
    if (o.weightDecay != 0) {
      if (o.maximize) {
        at::_foreach_add_(grads, params, o.weightDecay);
        intermediate = grads;
      } else {
        intermediate = at::_foreach_add(grads, params, o.weightDecay);
      }
      at::_foreach_add_(intermediate, params, o.lambd);
    } else {
      intermediate = at::_foreach_add(grads, params, o.lambd);
    }
    at::_foreach_addcmul_(params, intermediate, etas, -1);
    intermediate = at::_foreach_sub(params, axs);
    at::_foreach_addcmul_(axs, intermediate, mus);
    if (o.capturable) {
      std::vector<at::Tensor> newMus = at::_foreach_sub(steps, o.t0);
      at::_foreach_maximum_(newMus, 1.0);
      at::_foreach_reciprocal_(newMus);
      at::_foreach_copy_(mus, newMus);
      std::vector<at::Tensor> newEtas = at::_foreach_mul(steps, o.lambd);
      at::_foreach_mul_(newEtas, o.lr);
      at::_foreach_add_(newEtas, 1);
      at::_foreach_pow_(newEtas, o.alpha);
      at::_foreach_reciprocal_(newEtas);
      at::_foreach_mul_(newEtas, o.lr);
      at::_foreach_copy_(etas, newEtas);
    } else {
      // Python: lr / ((1 + lambd * lr * step) ** alpha) with `step` a tensor: tensor ops in the step's
      // dtype (x.__rtruediv__(lr) is x.reciprocal() * lr); mu from step.item() in double.
      std::vector<at::Tensor> newEtas, newMus;
      auto scalarOptions = at::TensorOptions().dtype(c10::get_default_dtype_as_scalartype()).device(device);
      for (const auto& step : steps) {
        newEtas.push_back(at::add(at::mul(step, o.lambd * o.lr), 1).pow(o.alpha).reciprocal().mul(o.lr).to(device));
        newMus.push_back(at::scalar_tensor(1 / std::max(1.0, step.item<double>() - o.t0), scalarOptions));
      }
      at::_foreach_copy_(etas, newEtas);
      at::_foreach_copy_(mus, newMus);
    }
  }
}

void Asgd(OptimStep& s) {
  at::AutoGradMode gradMode(s.Bool("differentiable"));  // Python's _use_grad_for_differentiable
  AsgdOptions o{s.Scalar("lr"), s.Double("lambd"), s.Double("alpha"), s.Double("t0"), s.Double("weightDecay"), s.Bool("maximize"),
                s.Bool("capturable")};
  RejectSparse(s.grads, "ASGD does not support sparse gradients");
  std::vector<at::Tensor>& steps = s.State("step");
  std::vector<at::Tensor>& etas = s.State("eta");
  std::vector<at::Tensor>& mus = s.State("mu");
  std::vector<at::Tensor>& axs = s.State("ax");
  auto scalarDtype = OptimScalarDtype();
  for (size_t i = 0; i < s.params.size(); ++i) {
    if (steps[i].defined()) continue;
    auto options = at::TensorOptions().dtype(scalarDtype).device(s.params[i].device());
    steps[i] = at::zeros({}, options);
    etas[i] = at::scalar_tensor(o.lr, options);
    mus[i] = at::ones({}, options);
    axs[i] = at::zeros_like(s.params[i], at::MemoryFormat::Preserve);
  }
  if (o.capturable && !s.params.empty())
    CheckCapturable("params, mus, etas, and state_steps", s.params, !s.Bool("foreach"));
  if (s.Bool("foreach")) MultiTensorAsgd(s, axs, mus, etas, steps, o);
  else SingleTensorAsgd(s, axs, mus, etas, steps, o);
}

TN_OPTIM_KERNEL("asgd", Asgd);

}  // namespace
}  // namespace tn
