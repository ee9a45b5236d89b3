// RAdam (torch/optim/radam.py): _single_tensor_radam and _multi_tensor_radam (foreach); no fused kernel.
#include <ATen/ATen.h>

#include "optim.h"
#include "optim_num.h"

namespace tn {
namespace {

struct RAdamOptions {
  PyNum lr;
  double beta1, beta2, eps, weightDecay;
  bool decoupled, maximize, capturable;
  bool differentiable = false;
};

struct RAdamState {
  std::vector<at::Tensor>& steps;
  std::vector<at::Tensor>& expAvgs;
  std::vector<at::Tensor>& expAvgSqs;
};

// The rectification term: ((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t)) ** 0.5.
double Rect(double rhoT, double rhoInf) {
  return std::pow((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT), 0.5);
}

// t.mul(x) for x a float or a tensor (Tensor.__mul__).
at::Tensor Times(const at::Tensor& t, const PyNum& x) { return x.IsTensor() ? t.mul(x.tensor()) : t.mul(x.Value()); }

void DecayWeights(at::Tensor& param, const PyNum& factor) {
  if (factor.IsTensor()) param.mul_(factor.tensor());
  else param.mul_(factor.Value());
}

void SingleTensorRAdam(OptimStep& s, const RAdamOptions& o, RAdamState& st) {
  if (o.capturable) CheckCapturable(s, false);
  for (size_t i = 0; i < s.params.size(); ++i) {
    at::Tensor param = s.params[i];
    at::Tensor grad = o.maximize ? s.grads[i].neg() : s.grads[i];
    at::Tensor expAvg = st.expAvgs[i], expAvgSq = st.expAvgSqs[i];
    if (param.is_complex()) {
      param = at::view_as_real(param);
      grad = at::view_as_real(grad);
      expAvg = at::view_as_real(expAvg);
      expAvgSq = at::view_as_real(expAvgSq);
    }
    st.steps[i].add_(1);
    double step = st.steps[i].item<double>();
    if (o.weightDecay != 0) {
      if (o.decoupled) DecayWeights(param, 1 - o.lr * o.weightDecay);
      else grad = grad.add(param, o.weightDecay);
    }
    expAvg.lerp_(grad, 1 - o.beta1);
    expAvgSq.mul_(o.beta2).addcmul_(grad, grad, 1 - o.beta2);
    double biasCorrection1 = 1 - std::pow(o.beta1, step);
    double biasCorrection2 = 1 - std::pow(o.beta2, step);
    at::Tensor biasCorrectedExpAvg = expAvg.div(biasCorrection1);
    double rhoInf = 2 / (1 - o.beta2) - 1;
    double rhoT = rhoInf - 2 * step * std::pow(o.beta2, step) / biasCorrection2;
    if (rhoT > 5.0) {
      // (bias_correction2 ** 0.5) / exp_avg_sq_sqrt: a float over a tensor is Tensor.__rtruediv__, reciprocal() * x.
      at::Tensor expAvgSqSqrt = o.differentiable ? expAvgSq.sqrt().add(o.eps) : expAvgSq.sqrt().add_(o.eps);
      at::Tensor adaptiveLr = expAvgSqSqrt.reciprocal().mul(std::pow(biasCorrection2, 0.5));
      param.add_(Times(biasCorrectedExpAvg, o.lr).mul(adaptiveLr).mul(Rect(rhoT, rhoInf)), -1.0);
    } else {
      param.add_(Times(biasCorrectedExpAvg, o.lr), -1.0);
    }
  }
}

// Python's list of floats, or of 0-dim tensors when lr is a Tensor: the ScalarList or TensorList overload.
void ForeachDiv(std::vector<at::Tensor>& self, const std::vector<PyNum>& by) {
  if (by.empty() || !by[0].IsTensor()) {
    std::vector<at::Scalar> scalars;
    for (const auto& x : by) scalars.push_back(x.Scalar());
    at::_foreach_div_(self, scalars);
  } else {
    std::vector<at::Tensor> tensors;
    for (const auto& x : by) tensors.push_back(x.tensor());
    at::_foreach_div_(self, tensors);
  }
}
void ForeachAdd(std::vector<at::Tensor>& self, const std::vector<PyNum>& add) {
  if (add.empty() || !add[0].IsTensor()) {
    std::vector<at::Scalar> scalars;
    for (const auto& x : add) scalars.push_back(x.Scalar());
    at::_foreach_add_(self, scalars);
  } else {
    std::vector<at::Tensor> tensors;
    for (const auto& x : add) tensors.push_back(x.tensor());
    at::_foreach_add_(self, tensors);
  }
}

void MultiTensorRAdam(OptimStep& s, const RAdamOptions& o, RAdamState& st) {
  if (s.params.empty()) return;
  if (o.capturable) CheckCapturable(s, true);
  for (const auto& idx : GroupByDeviceAndDtype(s.params)) {
    std::vector<at::Tensor> params = Pick(s.params, idx), grads = Pick(s.grads, idx), expAvgs = Pick(st.expAvgs, idx),
                            expAvgSqs = Pick(st.expAvgSqs, idx), steps = Pick(st.steps, idx);
    IncrementSteps(steps);
    for (size_t j = 0; j < params.size(); ++j) {  // Python's _view_as_real
      if (!params[j].is_complex()) continue;
      params[j] = at::view_as_real(params[j]);
      grads[j] = at::view_as_real(grads[j]);
      expAvgs[j] = at::view_as_real(expAvgs[j]);
      expAvgSqs[j] = at::view_as_real(expAvgSqs[j]);
    }
    if (o.maximize) grads = at::_foreach_neg(grads);
    const double rhoInf = 2 / (1 - o.beta2) - 1;
    std::vector<double> stepValues, rhoTs;
    for (const auto& step : steps) {
      double t = step.item<double>();
      stepValues.push_back(t);
      rhoTs.push_back(rhoInf - 2 * t * std::pow(o.beta2, t) / (1 - std::pow(o.beta2, t)));
    }
    ForeachDecayAndMoments(params, grads, expAvgs, expAvgSqs, o.lr, o.weightDecay, o.decoupled, o.maximize, o.beta1, o.beta2);
    std::vector<PyNum> unrectStepSize, biasCorrection2;
    for (size_t j = 0; j < steps.size(); ++j) {
      double rect = rhoTs[j] > 5 ? Rect(rhoTs[j], rhoInf) : 0;
      double unrectified = rect > 0 ? 0 : 1.0;
      double biasCorrection1 = 1 - std::pow(o.beta1, stepValues[j]);
      unrectStepSize.push_back((o.lr * unrectified / biasCorrection1) * -1.0);
      biasCorrection2.push_back(PyNum(std::pow(1 - std::pow(o.beta2, stepValues[j]), 0.5)) * (o.lr * rect / biasCorrection1) * -1.0);
    }
    std::vector<at::Tensor> buffer = at::_foreach_sqrt(expAvgSqs);
    at::_foreach_add_(buffer, o.eps);
    ForeachDiv(buffer, biasCorrection2);
    at::_foreach_reciprocal_(buffer);
    ForeachAdd(buffer, unrectStepSize);
    at::_foreach_addcmul_(params, expAvgs, buffer);
  }
}

void RAdam(OptimStep& s) {
  at::AutoGradMode gradMode(s.Bool("differentiable"));  // Python's _use_grad_for_differentiable
  RefuseSparse(s, "RAdam does not support sparse gradients");
  auto [beta1, beta2] = s.Pair("betas");
  RAdamOptions o{PyNum::Option(s, "lr"), beta1, beta2, s.Double("eps"), s.Double("weightDecay"),
                 s.Bool("decoupledWeightDecay"), s.Bool("maximize"), s.Bool("capturable"), s.Bool("differentiable")};
  for (const char* key : {"step", "exp_avg", "exp_avg_sq"}) s.State(key);  // all created before references are taken
  RAdamState st{s.State("step"), s.State("exp_avg"), s.State("exp_avg_sq")};
  for (size_t i = 0; i < s.params.size(); ++i) {  // Python's _init_group
    if (st.steps[i].defined()) continue;
    st.steps[i] = NewStep(s.params[i], false, o.capturable);
    st.expAvgs[i] = at::zeros_like(s.params[i], at::MemoryFormat::Preserve);
    st.expAvgSqs[i] = at::zeros_like(s.params[i], at::MemoryFormat::Preserve);
  }
  if (s.Bool("foreach")) MultiTensorRAdam(s, o, st);
  else SingleTensorRAdam(s, o, st);
}

TN_OPTIM_KERNEL("radam", RAdam);

}  // namespace
}  // namespace tn
