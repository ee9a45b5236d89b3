// Adadelta (torch/optim/adadelta.py): _single_tensor_adadelta and _multi_tensor_adadelta (foreach).
#include <ATen/ATen.h>

#include "optim.h"
#include "optim_more.h"

namespace tn {
namespace {

struct AdadeltaOptions {
  double lr, rho, eps, weightDecay;
  bool maximize;
  bool differentiable = false;
};

void SingleTensorAdadelta(OptimStep& s, std::vector<at::Tensor>& squareAvgs, std::vector<at::Tensor>& accDeltas,
                          std::vector<at::Tensor>& steps, const AdadeltaOptions& o) {
  for (size_t i = 0; i < s.params.size(); ++i) {
    at::Tensor& param = s.params[i];
    at::Tensor squareAvg = squareAvgs[i], accDelta = accDeltas[i];
    steps[i].add_(1);
    at::Tensor grad = o.maximize ? s.grads[i].neg() : s.grads[i];
    if (o.weightDecay != 0) grad = grad.add(param, o.weightDecay);
    if (param.is_complex()) {
      squareAvg = at::view_as_real(squareAvg);
      accDelta = at::view_as_real(accDelta);
      grad = at::view_as_real(grad);
    }
    squareAvg.mul_(o.rho).addcmul_(grad, grad, 1 - o.rho);
    at::Tensor std = squareAvg.add(o.eps).sqrt_();
    at::Tensor delta = accDelta.add(o.eps).sqrt_();
    if (o.differentiable) delta = delta.clone();
    delta.div_(std).mul_(grad);
    accDelta.mul_(o.rho).addcmul_(delta, delta, 1 - o.rho);
    if (param.is_complex()) delta = at::view_as_complex(delta);
    param.add_(delta, -o.lr);
  }
}

void MultiTensorAdadelta(OptimStep& s, std::vector<at::Tensor>& allSquareAvgs, std::vector<at::Tensor>& allAccDeltas,
                         std::vector<at::Tensor>& allSteps, const AdadeltaOptions& o) {
  for (const auto& idx : GroupByDeviceAndDtype(s.params)) {
    std::vector<at::Tensor> params = Pick(s.params, idx), grads = Pick(s.grads, idx), squareAvgs = Pick(allSquareAvgs, idx),
                            accDeltas = Pick(allAccDeltas, idx), steps = Pick(allSteps, idx);
    if (params[0].is_complex())
      for (size_t j = 0; j < params.size(); ++j) {
        params[j] = at::view_as_real(params[j]);
        grads[j] = at::view_as_real(grads[j]);
        squareAvgs[j] = at::view_as_real(squareAvgs[j]);
        accDeltas[j] = at::view_as_real(accDeltas[j]);
      }
    IncrementSteps(steps);
    if (o.maximize) grads = at::_foreach_neg(grads);
    if (o.weightDecay != 0) {
      if (o.maximize) at::_foreach_add_(grads, params, o.weightDecay);
      else grads = at::_foreach_add(grads, params, o.weightDecay);
    }
    at::_foreach_mul_(squareAvgs, o.rho);
    at::_foreach_addcmul_(squareAvgs, grads, grads, 1 - o.rho);
    std::vector<at::Tensor> std = at::_foreach_add(squareAvgs, o.eps);
    at::_foreach_sqrt_(std);
    std::vector<at::Tensor> deltas = at::_foreach_add(accDeltas, o.eps);
    at::_foreach_sqrt_(deltas);
    at::_foreach_div_(deltas, std);
    at::_foreach_mul_(deltas, grads);
    at::_foreach_mul_(accDeltas, o.rho);
    at::_foreach_addcmul_(accDeltas, deltas, deltas, 1 - o.rho);
    at::_foreach_add_(params, deltas, -o.lr);
  }
}

void Adadelta(OptimStep& s) {
  at::AutoGradMode gradMode(s.Bool("differentiable"));  // Python's _use_grad_for_differentiable
  AdadeltaOptions o{s.Scalar("lr"), s.Double("rho"), s.Double("eps"), s.Double("weightDecay"), s.Bool("maximize"), s.Bool("differentiable")};
  bool capturable = s.Bool("capturable");
  RejectSparse(s.grads, "Adadelta does not support sparse gradients");
  std::vector<at::Tensor>& steps = s.State("step");
  std::vector<at::Tensor>& squareAvgs = s.State("square_avg");
  std::vector<at::Tensor>& accDeltas = s.State("acc_delta");
  for (size_t i = 0; i < s.params.size(); ++i) {
    if (steps[i].defined()) continue;
    steps[i] = NewStep(s.params[i], capturable);
    squareAvgs[i] = at::zeros_like(s.params[i], at::MemoryFormat::Preserve);
    accDeltas[i] = at::zeros_like(s.params[i], at::MemoryFormat::Preserve);
  }
  // With a float lr the capturable update is the plain one; only the device check differs.
  if (capturable && !s.params.empty()) CheckCapturable("params and state_steps", s.params, false);
  if (s.Bool("foreach")) MultiTensorAdadelta(s, squareAvgs, accDeltas, steps, o);
  else SingleTensorAdadelta(s, squareAvgs, accDeltas, steps, o);
}

TN_OPTIM_KERNEL("adadelta", Adadelta);

}  // namespace
}  // namespace tn
