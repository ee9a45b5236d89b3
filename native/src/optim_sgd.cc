// SGD (torch/optim/sgd.py): _single_tensor_sgd, _multi_tensor_sgd (foreach) and _fused_sgd.
#include <ATen/ATen.h>

#include "optim.h"
#include "optim_num.h"

namespace tn {
namespace {

struct SgdOptions {
  double lr, momentum, dampening, weightDecay;
  bool nesterov, maximize;
  // lr and weight_decay given as Tensors (Python's `isinstance(lr, Tensor)` branches), else undefined.
  at::Tensor lrTensor, weightDecayTensor;
};

void SingleTensorSgd(OptimStep& s, const SgdOptions& o, std::vector<at::Tensor>& bufs) {
  for (size_t i = 0; i < s.params.size(); ++i) {
    at::Tensor& param = s.params[i];
    at::Tensor grad = o.maximize ? s.grads[i].neg() : s.grads[i];
    if (o.weightDecay != 0) {
      // a Tensor weight_decay that requires grad joins in place on a clone of param (Python's differentiable path)
      if (o.weightDecayTensor.defined() && o.weightDecayTensor.requires_grad()) grad = grad.addcmul_(param.clone(), o.weightDecayTensor);
      else grad = grad.add(param, o.weightDecay);
    }
    if (o.momentum != 0) {
      if (!bufs[i].defined()) {
        bufs[i] = grad.detach().clone();
      } else {
        bufs[i].mul_(o.momentum).add_(grad, 1 - o.dampening);
      }
      grad = o.nesterov ? grad.add(bufs[i], o.momentum) : bufs[i];
    }
    if (o.lrTensor.defined() && o.lrTensor.requires_grad()) param.addcmul_(grad, o.lrTensor, -1);
    else param.add_(grad, -o.lr);
  }
}

void MultiTensorSgd(OptimStep& s, const SgdOptions& o, std::vector<at::Tensor>& allBufs) {
  for (const auto& idx : GroupByDeviceAndDtype(s.params)) {
    std::vector<at::Tensor> params = Pick(s.params, idx), grads = Pick(s.grads, idx);
    bool hasSparse = std::any_of(grads.begin(), grads.end(), [](const at::Tensor& g) { return g.is_sparse(); });
    if (o.maximize) grads = at::_foreach_neg(grads);
    if (o.weightDecay != 0) {
      if (o.maximize) at::_foreach_add_(grads, params, o.weightDecay);
      else grads = at::_foreach_add(grads, params, o.weightDecay);
    }
    if (o.momentum != 0) {
      std::vector<at::Tensor> bufs = Pick(allBufs, idx);
      bool allDefined = std::all_of(bufs.begin(), bufs.end(), [](const at::Tensor& b) { return b.defined(); });
      if (allDefined) {
        at::_foreach_mul_(bufs, o.momentum);
        at::_foreach_add_(bufs, grads, 1 - o.dampening);
      } else {
        for (size_t j = 0; j < bufs.size(); ++j) {
          if (!bufs[j].defined()) bufs[j] = allBufs[idx[j]] = grads[j].detach().clone();
          else bufs[j].mul_(o.momentum).add_(grads[j], 1 - o.dampening);
        }
      }
      if (o.nesterov) at::_foreach_add_(grads, bufs, o.momentum);
      else grads = bufs;
    }
    if (!hasSparse) {
      at::_foreach_add_(params, grads, -o.lr);
    } else {
      for (size_t j = 0; j < params.size(); ++j) params[j].add_(grads[j], -o.lr);
    }
  }
}

void FusedSgd(OptimStep& s, const SgdOptions& o, std::vector<at::Tensor>& allBufs) {
  if (s.params.empty()) return;
  for (const auto& p : s.params) FusedDtypeCheck(p);  // Python's _device_dtype_check_for_fused in _init_group
  for (const auto& g : s.grads)
    if (g.is_sparse()) ThrowError("`_fused_sgd` does not support sparse gradients");
  bool noBuffer = o.momentum == 0;
  bool firstStep = !noBuffer && std::none_of(allBufs.begin(), allBufs.end(), [](const at::Tensor& b) { return b.defined(); });
  if (firstStep)
    for (size_t i = 0; i < s.grads.size(); ++i) allBufs[i] = at::empty_like(s.grads[i]);
  for (const auto& idx : GroupByDeviceAndDtype(s.params)) {
    std::vector<at::Tensor> bufs = noBuffer ? std::vector<at::Tensor>{} : Pick(allBufs, idx);
    OptimStep::AmpOnDevice amp = s.AmpOn(s.params[idx[0]].device());
    at::_fused_sgd_(Pick(s.params, idx), Pick(s.grads, idx), bufs, o.weightDecay, o.momentum, o.lr, o.dampening, o.nesterov,
                    o.maximize, firstStep, amp.gradScale, amp.foundInf);
  }
}

void Sgd(OptimStep& s) {
  at::AutoGradMode gradMode(s.Bool("differentiable"));  // Python's _use_grad_for_differentiable
  PyNum lr = PyNum::Option(s, "lr"), weightDecay = PyNum::Option(s, "weightDecay");
  SgdOptions o{lr.Value(), s.Double("momentum"), s.Double("dampening"), weightDecay.Value(), s.Bool("nesterov"), s.Bool("maximize"),
               lr.tensor(), weightDecay.tensor()};
  // Python keeps no momentum_buffer state when momentum is 0.
  std::vector<at::Tensor> none(s.params.size());
  std::vector<at::Tensor>& bufs = o.momentum != 0 ? s.State("momentum_buffer") : none;
  if (s.Bool("fused")) return FusedSgd(s, o, bufs);
  if (s.gradScale || s.foundInf) ThrowError("Expected grad_scale and found_inf to be None");  // Python's other two paths assert it
  if (s.Bool("foreach")) MultiTensorSgd(s, o, bufs);
  else SingleTensorSgd(s, o, bufs);
}

TN_OPTIM_KERNEL("sgd", Sgd);

}  // namespace
}  // namespace tn
