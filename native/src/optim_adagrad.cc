// Adagrad (torch/optim/adagrad.py): _single_tensor_adagrad (dense and sparse grads),
// _multi_tensor_adagrad (foreach) and _fused_adagrad.
#include <ATen/ATen.h>

#include "optim.h"
#include "optim_more.h"

namespace tn {
namespace {

struct AdagradOptions {
  double lr, lrDecay, weightDecay, eps;
  bool maximize;
  bool differentiable = false;
};

void SingleTensorAdagrad(const std::vector<at::Tensor>& params, const std::vector<at::Tensor>& grads, std::vector<at::Tensor>& sums,
                         std::vector<at::Tensor>& steps, const AdagradOptions& o) {
  for (size_t i = 0; i < params.size(); ++i) {
    at::Tensor param = params[i];
    steps[i].add_(1);
    double step = steps[i].item<double>();
    at::Tensor grad = o.maximize ? grads[i].neg() : grads[i];
    if (o.weightDecay != 0) {
      if (grad.is_sparse()) ThrowError("weight_decay option is not compatible with sparse gradients");
      grad = grad.add(param, o.weightDecay);
    }
    double clr = o.lr / (1 + (step - 1) * o.lrDecay);
    if (grad.is_sparse()) {
      grad = grad.coalesce();  // the update is non-linear so indices must be unique
      at::Tensor indices = grad._indices(), values = grad._values();
      sums[i].add_(at::sparse_coo_tensor(indices, values.pow(2), grad.sizes()));
      at::Tensor std = sums[i].sparse_mask(grad);
      at::Tensor stdValues = std._values().sqrt_().add_(o.eps);
      param.add_(at::sparse_coo_tensor(indices, values / stdValues, grad.sizes()), -clr);
    } else {
      at::Tensor sum = sums[i];
      if (param.is_complex()) {
        grad = at::view_as_real(grad);
        sum = at::view_as_real(sum);
        param = at::view_as_real(param);
      }
      sum.addcmul_(grad, grad, 1);
      at::Tensor std = o.differentiable ? sum.sqrt().add(o.eps) : sum.sqrt().add_(o.eps);
      param.addcdiv_(grad, std, -clr);
    }
  }
}

void MultiTensorAdagrad(OptimStep& s, std::vector<at::Tensor>& allSums, std::vector<at::Tensor>& allSteps, const AdagradOptions& o) {
  for (const auto& idx : GroupByDeviceAndDtype(s.params)) {
    std::vector<at::Tensor> params = Pick(s.params, idx), grads = Pick(s.grads, idx), sums = Pick(allSums, idx), steps = Pick(allSteps, idx);
    if (std::any_of(grads.begin(), grads.end(), [](const at::Tensor& g) { return g.is_sparse(); })) {
      SingleTensorAdagrad(params, grads, sums, steps, o);
      continue;
    }
    if (params[0].is_complex())
      for (size_t j = 0; j < params.size(); ++j) {
        params[j] = at::view_as_real(params[j]);
        grads[j] = at::view_as_real(grads[j]);
        sums[j] = at::view_as_real(sums[j]);
      }
    if (o.maximize) grads = at::_foreach_neg(grads);
    IncrementSteps(steps);
    if (o.weightDecay != 0) {
      if (o.maximize) at::_foreach_add_(grads, params, o.weightDecay);
      else grads = at::_foreach_add(grads, params, o.weightDecay);
    }
    std::vector<at::Scalar> minusClr;
    for (const auto& st : steps) minusClr.emplace_back(-o.lr / (1 + (st.item<double>() - 1) * o.lrDecay));
    at::_foreach_addcmul_(sums, grads, grads, 1);
    std::vector<at::Tensor> std = at::_foreach_sqrt(sums);
    at::_foreach_add_(std, o.eps);
    std::vector<at::Tensor> numerator;
    if (o.weightDecay != 0 || o.maximize) {
      at::_foreach_mul_(grads, minusClr);
      numerator = grads;
    } else {
      numerator = at::_foreach_mul(grads, minusClr);
    }
    at::_foreach_addcdiv_(params, numerator, std);
  }
}

void FusedAdagrad(OptimStep& s, std::vector<at::Tensor>& allSums, std::vector<at::Tensor>& allSteps, const AdagradOptions& o) {
  if (s.params.empty()) return;
  // Python checks the dtype of the first parameter with a grad (_need_device_dtype_check_for_fused), then the kernel refuses the rest
  FusedDtypeCheck(s.params[0]);
  for (size_t i = 0; i < s.params.size(); ++i)
    if (s.grads[i].is_sparse() || s.params[i].is_complex()) ThrowError("`fused` does not support sparse grad or complex param");
  for (const auto& idx : GroupByDeviceAndDtype(s.params)) {
    std::vector<at::Tensor> steps = Pick(allSteps, idx);
    auto [scale, inf] = s.AmpOn(s.params[idx[0]].device());
    at::_foreach_add_(steps, 1);
    at::_fused_adagrad_(Pick(s.params, idx), Pick(s.grads, idx), Pick(allSums, idx), steps, o.lr, o.lrDecay, o.weightDecay, o.eps,
                        o.maximize, scale, inf);
    if (inf) at::_foreach_sub_(steps, std::vector<at::Tensor>(steps.size(), *inf));
  }
}

void Adagrad(OptimStep& s) {
  at::AutoGradMode gradMode(s.Bool("differentiable"));  // Python's _use_grad_for_differentiable
  AdagradOptions o{s.Scalar("lr"), s.Double("lrDecay"), s.Double("weightDecay"), s.Double("eps"), s.Bool("maximize"), s.Bool("differentiable")};
  bool fused = s.Bool("fused");
  std::vector<at::Tensor>& steps = s.State("step");
  std::vector<at::Tensor>& sums = s.State("sum");
  double init = s.Double("initialAccumulatorValue");
  for (size_t i = 0; i < s.params.size(); ++i) {
    // Python's _init_group, for parameters added after the constructor (which fills every state).
    if (steps[i].defined()) continue;
    steps[i] = NewStep(s.params[i], fused, fused);
    sums[i] = s.params[i].is_complex() ? at::full_like(s.params[i], c10::complex<double>(init, init)) : at::full_like(s.params[i], init);
  }
  if (fused) FusedAdagrad(s, sums, steps, o);
  else if (s.Bool("foreach")) MultiTensorAdagrad(s, sums, steps, o);
  else {
    if (s.gradScale || s.foundInf) ThrowError("Expected grad_scale and found_inf to be None");
    SingleTensorAdagrad(s.params, s.grads, sums, steps, o);
  }
}

TN_OPTIM_KERNEL("adagrad", Adagrad);

}  // namespace
}  // namespace tn
