// NAdam (torch/optim/nadam.py): _single_tensor_nadam and _multi_tensor_nadam (foreach); no fused kernel.
// Its state has mu_product, a 0-dim tensor of the scalar dtype (float32 unless the default dtype is float64).
#include <ATen/ATen.h>

#include "optim.h"
#include "optim_num.h"

namespace tn {
namespace {

struct NAdamOptions {
  PyNum lr;
  double beta1, beta2, eps, weightDecay, momentumDecay;
  bool decoupled, maximize, capturable;
  bool differentiable = false;
};

struct NAdamState {
  std::vector<at::Tensor>& steps;
  std::vector<at::Tensor>& muProducts;
  std::vector<at::Tensor>& expAvgs;
  std::vector<at::Tensor>& expAvgSqs;
};

// mu_t of the momentum schedule: beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay)).
double Mu(const NAdamOptions& o, double t) { return o.beta1 * (1.0 - 0.5 * std::pow(0.96, t * o.momentumDecay)); }

constexpr const char* kCapturableWhat = "params, mu_products and state_steps";

void SingleTensorNAdam(OptimStep& s, const NAdamOptions& o, NAdamState& st) {
  if (o.capturable) CheckCapturable(s, false, kCapturableWhat);
  for (size_t i = 0; i < s.params.size(); ++i) {
    at::Tensor param = s.params[i];
    at::Tensor grad = o.maximize ? s.grads[i].neg() : s.grads[i];
    at::Tensor expAvg = st.expAvgs[i], expAvgSq = st.expAvgSqs[i], muProduct = st.muProducts[i];
    if (param.is_complex()) {
      param = at::view_as_real(param);
      grad = at::view_as_real(grad);
      expAvg = at::view_as_real(expAvg);
      expAvgSq = at::view_as_real(expAvgSq);
    }
    st.steps[i].add_(1);
    double step = st.steps[i].item<double>();
    double biasCorrection2 = 1 - std::pow(o.beta2, step);
    if (o.weightDecay != 0) {
      if (o.decoupled) {
        PyNum factor = 1 - o.lr * o.weightDecay;
        if (factor.IsTensor()) param.mul_(factor.tensor());
        else param.mul_(factor.Value());
      } else {
        grad = grad.add(param, o.weightDecay);
      }
    }
    double mu = Mu(o, step), muNext = Mu(o, step + 1);
    muProduct.mul_(mu);
    expAvg.lerp_(grad, 1 - o.beta1);
    expAvgSq.mul_(o.beta2).addcmul_(grad, grad, 1 - o.beta2);
    at::Tensor denom = expAvgSq.div(biasCorrection2).sqrt();
    if (o.differentiable) {  // Python's `differentiable or capturable` branch: mu_product stays a tensor, no .item()
      denom = denom.add(o.eps);
      PyNum muProductNext = PyNum(muProduct) * muNext;
      grad = grad.mul((-o.lr * (1.0 - mu) / (1.0 - PyNum(muProduct))).tensor());
      expAvg = expAvg.mul((-o.lr * muNext / (1.0 - muProductNext)).tensor());
      param.addcdiv_(grad, denom);
      param.addcdiv_(expAvg, denom);
      continue;
    }
    double muProductValue = muProduct.item<double>();
    double muProductNext = muProductValue * muNext;
    denom.add_(o.eps);
    param.addcdiv_(grad, denom, (-o.lr * (1.0 - mu) / (1.0 - muProductValue)).Scalar());
    param.addcdiv_(expAvg, denom, ((-o.lr * muNext) / (1.0 - muProductNext)).Scalar());
  }
}

void MultiTensorNAdam(OptimStep& s, const NAdamOptions& o, NAdamState& st) {
  if (s.params.empty()) return;
  if (o.capturable) CheckCapturable(s, true, "params, mu_products, and state_steps");
  for (const auto& idx : GroupByDeviceAndDtype(s.params)) {
    std::vector<at::Tensor> params = Pick(s.params, idx), grads = Pick(s.grads, idx), expAvgs = Pick(st.expAvgs, idx),
                            expAvgSqs = Pick(st.expAvgSqs, idx), muProducts = Pick(st.muProducts, idx), steps = Pick(st.steps, idx);
    for (size_t j = 0; j < params.size(); ++j) {  // Python's _view_as_real
      if (!params[j].is_complex()) continue;
      params[j] = at::view_as_real(params[j]);
      grads[j] = at::view_as_real(grads[j]);
      expAvgs[j] = at::view_as_real(expAvgs[j]);
      expAvgSqs[j] = at::view_as_real(expAvgSqs[j]);
    }
    if (o.maximize) grads = at::_foreach_neg(grads);
    IncrementSteps(steps);
    ForeachDecayAndMoments(params, grads, expAvgs, expAvgSqs, o.lr, o.weightDecay, o.decoupled, o.maximize, o.beta1, o.beta2);
    std::vector<at::Tensor> expAvgSqSqrt = at::_foreach_sqrt(expAvgSqs);
    std::vector<at::Scalar> biasCorrectionSqrt, mus, muNexts;
    std::vector<double> muValues, muNextValues;
    for (const auto& step : steps) {
      double t = step.item<double>();
      biasCorrectionSqrt.emplace_back(std::pow(1 - std::pow(o.beta2, t), 0.5));
      muValues.push_back(Mu(o, t));
      muNextValues.push_back(Mu(o, t + 1));
    }
    mus.assign(muValues.begin(), muValues.end());
    at::_foreach_mul_(muProducts, mus);
    at::_foreach_div_(expAvgSqSqrt, biasCorrectionSqrt);
    at::_foreach_add_(expAvgSqSqrt, o.eps);
    const double lr = o.lr.Value();
    std::vector<at::Scalar> stepSizeGrads, stepSizeExpAvg;
    for (size_t j = 0; j < steps.size(); ++j) {
      double muProduct = muProducts[j].item<double>();
      stepSizeGrads.emplace_back((lr * (1.0 - muValues[j]) / (1.0 - muProduct)) * -1);
      stepSizeExpAvg.emplace_back((lr * muNextValues[j] / (1.0 - muProduct * muNextValues[j])) * -1);
    }
    at::_foreach_addcdiv_(params, grads, expAvgSqSqrt, stepSizeGrads);
    at::_foreach_addcdiv_(params, expAvgs, expAvgSqSqrt, stepSizeExpAvg);
  }
}

void NAdam(OptimStep& s) {
  at::AutoGradMode gradMode(s.Bool("differentiable"));  // Python's _use_grad_for_differentiable
  RefuseSparse(s, "NAdam does not support sparse gradients");
  auto [beta1, beta2] = s.Pair("betas");
  NAdamOptions o{PyNum::Option(s, "lr"), beta1, beta2, s.Double("eps"), s.Double("weightDecay"), s.Double("momentumDecay"),
                 s.Bool("decoupledWeightDecay"), s.Bool("maximize"), s.Bool("capturable"), s.Bool("differentiable")};
  for (const char* key : {"step", "mu_product", "exp_avg", "exp_avg_sq"}) s.State(key);  // all created before references are taken
  NAdamState st{s.State("step"), s.State("mu_product"), s.State("exp_avg"), s.State("exp_avg_sq")};
  for (size_t i = 0; i < s.params.size(); ++i) {  // Python's _init_group
    if (st.steps[i].defined()) continue;
    st.steps[i] = NewStep(s.params[i], false, o.capturable);
    st.muProducts[i] = NewStep(s.params[i], false, o.capturable, 1.0);
    st.expAvgs[i] = at::zeros_like(s.params[i], at::MemoryFormat::Preserve);
    st.expAvgSqs[i] = at::zeros_like(s.params[i], at::MemoryFormat::Preserve);
  }
  if (s.Bool("foreach")) MultiTensorNAdam(s, o, st);
  else SingleTensorNAdam(s, o, st);
}

TN_OPTIM_KERNEL("nadam", NAdam);

}  // namespace
}  // namespace tn
