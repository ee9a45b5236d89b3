// Adam and AdamW (torch/optim/adam.py; AdamW is Adam with decoupled_weight_decay=True):
// _single_tensor_adam, _multi_tensor_adam (foreach) and _fused_adam (at::_fused_adam_ / _fused_adamw_).
#include <ATen/ATen.h>

#include "optim.h"
#include "optim_num.h"

namespace tn {
namespace {

struct AdamOptions {
  PyNum lr;
  PyNum beta1, beta2;  // Python 2.13 takes betas as floats or as (1-element) Tensors
  double eps, weightDecay;
  bool amsgrad, maximize, capturable, decoupled;
  bool differentiable = false;
  PyNum weightDecayValue = 0.0;  // weight_decay as given: a Tensor stays one (the differentiable path and decoupled decay use it so)
};

struct AdamState {
  std::vector<at::Tensor>& steps;
  std::vector<at::Tensor>& expAvgs;
  std::vector<at::Tensor>& expAvgSqs;
  std::vector<at::Tensor>& maxExpAvgSqs;  // empty unless amsgrad
};

// Python's _init_group: state for the parameters that have none yet (fused: float32 step, dtype check).
void InitAdamState(OptimStep& s, const AdamOptions& o, bool fused, AdamState& st) {
  for (size_t i = 0; i < s.params.size(); ++i) {
    const at::Tensor& p = s.params[i];
    if (st.steps[i].defined()) {
      if (o.differentiable && st.steps[i].requires_grad()) ThrowError("`requires_grad` is not supported for `step` in differentiable mode");
      if (o.amsgrad && !st.maxExpAvgSqs[i].defined()) ThrowError("KeyError: 'max_exp_avg_sq' (amsgrad was turned on after the first step)");
      continue;
    }
    if (fused) FusedDtypeCheck(p);
    st.steps[i] = NewStep(p, fused, o.capturable);
    st.expAvgs[i] = at::zeros_like(p, at::MemoryFormat::Preserve);
    st.expAvgSqs[i] = at::zeros_like(p, at::MemoryFormat::Preserve);
    if (o.amsgrad) st.maxExpAvgSqs[i] = at::zeros_like(p, at::MemoryFormat::Preserve);
  }
}

void SingleTensorAdam(OptimStep& s, const AdamOptions& o, AdamState& st) {
  if (o.capturable) CheckCapturable(s, false);
  for (size_t i = 0; i < s.params.size(); ++i) {
    at::Tensor param = s.params[i];
    at::Tensor grad = o.maximize ? s.grads[i].neg() : s.grads[i];
    at::Tensor expAvg = st.expAvgs[i], expAvgSq = st.expAvgSqs[i];
    st.steps[i].add_(1);
    if (o.weightDecay != 0) {
      const at::Tensor& wd = o.weightDecayValue.tensor();
      if (o.decoupled) (1 - o.lr * o.weightDecayValue).MulInto(param);
      else if (o.differentiable && wd.defined() && wd.requires_grad()) grad = grad.addcmul_(param.clone(), wd);
      else grad = grad.add(param, o.weightDecay);
    }
    at::Tensor maxExpAvgSq = o.amsgrad ? st.maxExpAvgSqs[i] : at::Tensor();
    if (param.is_complex()) {
      grad = at::view_as_real(grad);
      expAvg = at::view_as_real(expAvg);
      expAvgSq = at::view_as_real(expAvgSq);
      if (o.amsgrad) maxExpAvgSq = at::view_as_real(maxExpAvgSq);
      param = at::view_as_real(param);
    }
    // a Tensor beta1 is first cast to the param's device and dtype (Python's beta1_dict)
    PyNum deviceBeta1 = o.beta1.IsTensor() ? PyNum(o.beta1.tensor().to(param.device(), param.scalar_type(), /*non_blocking=*/true)) : o.beta1;
    (1 - deviceBeta1).LerpInto(expAvg, grad);
    if (o.differentiable && o.beta2.IsTensor() && o.beta2.tensor().requires_grad()) {
      expAvgSq.lerp_(at::square(grad), (1 - o.beta2).tensor());  // Python: lerp, as addcmul's value cannot be a Tensor
    } else {
      o.beta2.MulInto(expAvgSq);
      expAvgSq.addcmul_(grad, grad, (1 - o.beta2).Scalar());
    }
    if (o.differentiable) {
      // Python's `capturable or differentiable` branch: the step count stays a tensor, no .item()
      const at::Tensor& step = st.steps[i];
      auto betaPow = [&](const PyNum& beta) {  // beta ** step (a beta that requires grad takes a clone of step)
        if (!beta.IsTensor()) return PyNum(at::pow(beta.Value(), step));
        return PyNum(at::pow(beta.tensor(), beta.tensor().requires_grad() ? step.clone() : step));
      };
      PyNum biasCorrection1 = 1 - betaPow(o.beta1), biasCorrection2 = 1 - betaPow(o.beta2);
      PyNum stepSizeNeg = -(o.lr / biasCorrection1);
      at::Tensor scale = biasCorrection2.tensor().sqrt().mul(stepSizeNeg.tensor());  // bias_correction2_sqrt * step_size_neg
      at::Tensor epsTerm = (PyNum(o.eps) / stepSizeNeg).tensor();                    // eps / step_size_neg
      at::Tensor denom;
      if (o.amsgrad) {
        at::Tensor previousMax = maxExpAvgSq.clone();
        maxExpAvgSq.copy_(at::maximum(previousMax, expAvgSq));
        denom = (maxExpAvgSq.sqrt() / scale).add_(epsTerm);
      } else {
        denom = (expAvgSq.sqrt() / scale).add_(epsTerm);
      }
      param.addcdiv_(expAvg.clone(), denom);
      continue;
    }
    // capturable=True never gets here on CPU (CheckCapturable): the non-capturable branch, in Python floats.
    double step = st.steps[i].item<double>();
    PyNum biasCorrection1 = 1 - o.beta1.Pow(step);
    PyNum biasCorrection2 = 1 - o.beta2.Pow(step);
    PyNum stepSize = o.lr / biasCorrection1;
    PyNum biasCorrection2Sqrt = biasCorrection2.Pow(0.5);
    at::Tensor denom;
    if (o.amsgrad) {
      at::maximum_out(maxExpAvgSq, maxExpAvgSq, expAvgSq);
      denom = (maxExpAvgSq.sqrt() / biasCorrection2Sqrt).add_(o.eps);
    } else {
      denom = (expAvgSq.sqrt() / biasCorrection2Sqrt).add_(o.eps);
    }
    param.addcdiv_(expAvg, denom, (-stepSize).Scalar());
  }
}

// Python's _view_as_real over the complex params of a foreach group.
void ViewAsReal(std::vector<at::Tensor>& params, std::initializer_list<std::vector<at::Tensor>*> others) {
  for (size_t i = 0; i < params.size(); ++i) {
    if (!params[i].is_complex()) continue;
    params[i] = at::view_as_real(params[i]);
    for (auto* list : others) (*list)[i] = at::view_as_real((*list)[i]);
  }
}

std::vector<at::Scalar> Scalars(const std::vector<double>& values) { return {values.begin(), values.end()}; }

void MultiTensorAdam(OptimStep& s, const AdamOptions& o, AdamState& st) {
  if (s.params.empty()) return;
  if (o.lr.IsTensor() && !o.capturable) ThrowError("lr as a Tensor is not supported for capturable=False and foreach=True");
  if (o.beta1.IsTensor() && !o.capturable) ThrowError("beta1 as a Tensor is not supported for capturable=False and foreach=True");
  if (o.beta2.IsTensor() && !o.capturable) ThrowError("beta2 as a Tensor is not supported for capturable=False and foreach=True");
  if (o.capturable) CheckCapturable(s, true);
  if (s.gradScale || s.foundInf) ThrowError("Expected grad_scale and found_inf to be None");
  // capturable is refused on CPU above, so every hyperparameter here is a float
  const double lr = o.lr.Value(), beta1 = o.beta1.Value(), beta2 = o.beta2.Value();
  for (const auto& idx : GroupByDeviceAndDtype(s.params)) {
    std::vector<at::Tensor> params = Pick(s.params, idx), grads = Pick(s.grads, idx), expAvgs = Pick(st.expAvgs, idx),
                            expAvgSqs = Pick(st.expAvgSqs, idx), steps = Pick(st.steps, idx);
    std::vector<at::Tensor> maxExpAvgSqs = o.amsgrad ? Pick(st.maxExpAvgSqs, idx) : std::vector<at::Tensor>{};
    if (o.amsgrad) ViewAsReal(params, {&grads, &expAvgs, &expAvgSqs, &maxExpAvgSqs});
    else ViewAsReal(params, {&grads, &expAvgs, &expAvgSqs});
    if (o.maximize) grads = at::_foreach_neg(grads);
    IncrementSteps(steps);
    if (o.weightDecay != 0) {
      if (o.decoupled) at::_foreach_mul_(params, 1 - lr * o.weightDecay);
      else if (o.maximize) at::_foreach_add_(grads, params, o.weightDecay);
      else grads = at::_foreach_add(grads, params, o.weightDecay);
    }
    at::_foreach_lerp_(expAvgs, grads, 1 - beta1);
    at::_foreach_mul_(expAvgSqs, beta2);
    at::_foreach_addcmul_(expAvgSqs, grads, grads, 1 - beta2);
    std::vector<double> stepSize, biasCorrection2Sqrt;
    for (const auto& step : steps) {
      double t = step.item<double>();
      double biasCorrection1 = 1 - std::pow(beta1, t), biasCorrection2 = 1 - std::pow(beta2, t);
      stepSize.push_back((lr / biasCorrection1) * -1);
      biasCorrection2Sqrt.push_back(std::pow(biasCorrection2, 0.5));
    }
    std::vector<at::Tensor> expAvgSqSqrt;
    if (o.amsgrad) {
      at::_foreach_maximum_(maxExpAvgSqs, expAvgSqs);
      expAvgSqSqrt = at::_foreach_sqrt(maxExpAvgSqs);
    } else {
      expAvgSqSqrt = at::_foreach_sqrt(expAvgSqs);
    }
    at::_foreach_div_(expAvgSqSqrt, Scalars(biasCorrection2Sqrt));
    at::_foreach_add_(expAvgSqSqrt, o.eps);
    at::_foreach_addcdiv_(params, expAvgs, expAvgSqSqrt, Scalars(stepSize));
  }
}

void FusedAdam(OptimStep& s, const AdamOptions& o, AdamState& st) {
  if (s.params.empty()) return;
  for (const auto& idx : GroupByDeviceAndDtype(s.params)) {
    std::vector<at::Tensor> params = Pick(s.params, idx), grads = Pick(s.grads, idx), expAvgs = Pick(st.expAvgs, idx),
                            expAvgSqs = Pick(st.expAvgSqs, idx), steps = Pick(st.steps, idx);
    std::vector<at::Tensor> maxExpAvgSqs = o.amsgrad ? Pick(st.maxExpAvgSqs, idx) : std::vector<at::Tensor>{};
    const c10::Device device = params[0].device();
    auto [gradScale, foundInf] = s.AmpOn(device);
    at::_foreach_add_(steps, 1);
    // a Tensor beta reaches the kernel's float arguments through item(), as Python's argument parser does
    const double beta1 = o.beta1.Value(), beta2 = o.beta2.Value();
    // Python hands a CPU tensor lr to the kernel as it is; a CUDA one is moved to the params' device.
    if (o.lr.IsTensor()) {
      at::Tensor lr = o.lr.tensor().is_cpu() ? o.lr.tensor() : o.lr.tensor().to(device, true);
      if (o.decoupled)
        at::_fused_adamw_(params, grads, expAvgs, expAvgSqs, maxExpAvgSqs, steps, lr, beta1, beta2, o.weightDecay, o.eps, o.amsgrad, o.maximize, gradScale, foundInf);
      else
        at::_fused_adam_(params, grads, expAvgs, expAvgSqs, maxExpAvgSqs, steps, lr, beta1, beta2, o.weightDecay, o.eps, o.amsgrad, o.maximize, gradScale, foundInf);
    } else if (o.decoupled) {
      at::_fused_adamw_(params, grads, expAvgs, expAvgSqs, maxExpAvgSqs, steps, o.lr.Value(), beta1, beta2, o.weightDecay, o.eps, o.amsgrad, o.maximize, gradScale, foundInf);
    } else {
      at::_fused_adam_(params, grads, expAvgs, expAvgSqs, maxExpAvgSqs, steps, o.lr.Value(), beta1, beta2, o.weightDecay, o.eps, o.amsgrad, o.maximize, gradScale, foundInf);
    }
    if (foundInf) at::_foreach_sub_(steps, std::vector<at::Tensor>(steps.size(), *foundInf));
  }
}

void Adam(OptimStep& s) {
  at::AutoGradMode gradMode(s.Bool("differentiable"));  // Python's _use_grad_for_differentiable
  RefuseSparse(s, "Adam does not support sparse gradients, please consider SparseAdam instead");
  auto [beta1, beta2] = PyNum::PairOption(s, "betas");
  PyNum weightDecay = PyNum::Option(s, "weightDecay");
  AdamOptions o{PyNum::Option(s, "lr"), beta1, beta2, s.Double("eps"), weightDecay.Value(), s.Bool("amsgrad"),
                s.Bool("maximize"), s.Bool("capturable"), s.Bool("decoupledWeightDecay"), s.Bool("differentiable"), weightDecay};
  const bool fused = s.Bool("fused");
  std::vector<at::Tensor> none(s.params.size());
  for (const char* key : {"step", "exp_avg", "exp_avg_sq"}) s.State(key);  // all created before references are taken
  if (o.amsgrad) s.State("max_exp_avg_sq");
  AdamState st{s.State("step"), s.State("exp_avg"), s.State("exp_avg_sq"), o.amsgrad ? s.State("max_exp_avg_sq") : none};
  InitAdamState(s, o, fused, st);
  if (fused) FusedAdam(s, o, st);
  else if (s.Bool("foreach")) MultiTensorAdam(s, o, st);
  else SingleTensorAdam(s, o, st);
}

TN_OPTIM_KERNEL("adam", Adam);

}  // namespace
}  // namespace tn
