// RMSprop (torch/optim/rmsprop.py): _single_tensor_rmsprop and _multi_tensor_rmsprop (foreach).
#include <ATen/ATen.h>

#include "optim.h"
#include "optim_more.h"

namespace tn {
namespace {

struct RmspropOptions {
  double lr, alpha, eps, weightDecay, momentum;
  bool centered, maximize;
  bool differentiable = false;
};

void SingleTensorRmsprop(OptimStep& s, std::vector<at::Tensor>& squareAvgs, std::vector<at::Tensor>& gradAvgs,
                         std::vector<at::Tensor>& bufs, std::vector<at::Tensor>& steps, const RmspropOptions& o) {
  for (size_t i = 0; i < s.params.size(); ++i) {
    at::Tensor param = s.params[i];
    at::Tensor grad = o.maximize ? s.grads[i].neg() : s.grads[i];
    at::Tensor squareAvg = squareAvgs[i];
    steps[i].add_(1);
    if (o.weightDecay != 0) grad = grad.add(param, o.weightDecay);
    bool isComplex = param.is_complex();
    if (isComplex) {
      param = at::view_as_real(param);
      grad = at::view_as_real(grad);
      squareAvg = at::view_as_real(squareAvg);
    }
    squareAvg.mul_(o.alpha).addcmul_(grad, grad, 1 - o.alpha);
    at::Tensor avg;
    if (o.centered) {
      at::Tensor gradAvg = isComplex ? at::view_as_real(gradAvgs[i]) : gradAvgs[i];
      gradAvg.lerp_(grad, 1 - o.alpha);
      avg = squareAvg.addcmul(gradAvg, gradAvg, -1).sqrt_();
    } else {
      avg = squareAvg.sqrt();
    }
    avg = o.differentiable ? avg.add(o.eps) : avg.add_(o.eps);
    if (o.momentum > 0) {
      at::Tensor buf = isComplex ? at::view_as_real(bufs[i]) : bufs[i];
      buf.mul_(o.momentum).addcdiv_(grad, avg);
      param.add_(buf, -o.lr);
    } else {
      param.addcdiv_(grad, avg, -o.lr);
    }
  }
}

void MultiTensorRmsprop(OptimStep& s, std::vector<at::Tensor>& allSquareAvgs, std::vector<at::Tensor>& allGradAvgs,
                        std::vector<at::Tensor>& allBufs, std::vector<at::Tensor>& allSteps, const RmspropOptions& o) {
  for (const auto& idx : GroupByDeviceAndDtype(s.params)) {
    std::vector<at::Tensor> params = Pick(s.params, idx), grads = Pick(s.grads, idx), squareAvgs = Pick(allSquareAvgs, idx),
                            steps = Pick(allSteps, idx);
    std::vector<at::Tensor> gradAvgs = o.centered ? Pick(allGradAvgs, idx) : std::vector<at::Tensor>{};
    std::vector<at::Tensor> bufs = o.momentum > 0 ? Pick(allBufs, idx) : std::vector<at::Tensor>{};
    if (params[0].is_complex())
      for (size_t j = 0; j < params.size(); ++j) {
        params[j] = at::view_as_real(params[j]);
        grads[j] = at::view_as_real(grads[j]);
        squareAvgs[j] = at::view_as_real(squareAvgs[j]);
        if (o.momentum > 0) bufs[j] = at::view_as_real(bufs[j]);
        if (o.centered) gradAvgs[j] = at::view_as_real(gradAvgs[j]);
      }
    if (o.maximize) grads = at::_foreach_neg(grads);
    IncrementSteps(steps);
    if (o.weightDecay != 0) {
      if (o.maximize) at::_foreach_add_(grads, params, o.weightDecay);
      else grads = at::_foreach_add(grads, params, o.weightDecay);
    }
    at::_foreach_mul_(squareAvgs, o.alpha);
    at::_foreach_addcmul_(squareAvgs, grads, grads, 1 - o.alpha);
    std::vector<at::Tensor> avg;
    if (o.centered) {
      at::_foreach_lerp_(gradAvgs, grads, 1 - o.alpha);
      avg = at::_foreach_addcmul(squareAvgs, gradAvgs, gradAvgs, -1);
      at::_foreach_sqrt_(avg);
      at::_foreach_add_(avg, o.eps);
    } else {
      avg = at::_foreach_sqrt(squareAvgs);
      at::_foreach_add_(avg, o.eps);
    }
    if (o.momentum > 0) {
      at::_foreach_mul_(bufs, o.momentum);
      at::_foreach_addcdiv_(bufs, grads, avg);
      at::_foreach_add_(params, bufs, -o.lr);
    } else {
      at::_foreach_addcdiv_(params, grads, avg, -o.lr);
    }
  }
}

void Rmsprop(OptimStep& s) {
  at::AutoGradMode gradMode(s.Bool("differentiable"));  // Python's _use_grad_for_differentiable
  RmspropOptions o{s.Scalar("lr"),       s.Double("alpha"),   s.Double("eps"),     s.Double("weightDecay"),
                   s.Double("momentum"), s.Bool("centered"), s.Bool("maximize"), s.Bool("differentiable")};
  bool capturable = s.Bool("capturable");
  RejectSparse(s.grads, "RMSprop does not support sparse gradients");
  std::vector<at::Tensor> none(s.params.size());
  std::vector<at::Tensor>& steps = s.State("step");
  std::vector<at::Tensor>& squareAvgs = s.State("square_avg");
  // Python keeps momentum_buffer only with momentum > 0 and grad_avg only when centered.
  std::vector<at::Tensor>& bufs = o.momentum > 0 ? s.State("momentum_buffer") : none;
  std::vector<at::Tensor>& gradAvgs = o.centered ? s.State("grad_avg") : none;
  // Python's _init_group reads these for a parameter that has state: a KeyError (before any change here)
  // when momentum or centered was turned on after its first step.
  for (size_t i = 0; i < s.params.size(); ++i) {
    if (!steps[i].defined()) continue;
    if (o.momentum > 0 && !bufs[i].defined()) ThrowError("KeyError: 'momentum_buffer' (momentum was turned on after the first step)");
    if (o.centered && !gradAvgs[i].defined()) ThrowError("KeyError: 'grad_avg' (centered was turned on after the first step)");
  }
  for (size_t i = 0; i < s.params.size(); ++i) {
    if (steps[i].defined()) continue;
    steps[i] = NewStep(s.params[i], capturable);
    squareAvgs[i] = at::zeros_like(s.params[i], at::MemoryFormat::Preserve);
    if (o.momentum > 0) bufs[i] = at::zeros_like(s.params[i], at::MemoryFormat::Preserve);
    if (o.centered) gradAvgs[i] = at::zeros_like(s.params[i], at::MemoryFormat::Preserve);
  }
  if (capturable && !s.params.empty()) CheckCapturable("params and state_steps", s.params);
  if (s.Bool("foreach")) MultiTensorRmsprop(s, squareAvgs, gradAvgs, bufs, steps, o);
  else SingleTensorRmsprop(s, squareAvgs, gradAvgs, bufs, steps, o);
}

TN_OPTIM_KERNEL("rmsprop", Rmsprop);

}  // namespace
}  // namespace tn
