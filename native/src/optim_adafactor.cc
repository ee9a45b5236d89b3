// Adafactor (torch/optim/_adafactor.py): _single_tensor_adafactor and _multi_tensor_adafactor
// (foreach). Matrices keep a factored second moment (row_var [..., m, 1], col_var [..., 1, n]),
// vectors a full one (variance).
#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>

#include "optim.h"
#include "optim_more.h"

namespace tn {
namespace {

struct AdafactorOptions {
  double lr, beta2Decay, d, weightDecay, eps2;
  std::optional<double> eps1;
  bool maximize;
};

// torch.finfo(dtype).eps
double FinfoEps(c10::ScalarType dtype) {
  switch (dtype) {
    case at::kDouble: return std::numeric_limits<double>::epsilon();
    case at::kFloat: return std::numeric_limits<float>::epsilon();
    case at::kHalf: return 0.0009765625;
    case at::kBFloat16: return 0.0078125;
    default: ThrowType("Adafactor: parameters must be floating point");
  }
}

// param.norm(2).item(): torch.linalg.vector_norm over all elements.
double Norm2(const at::Tensor& t) { return at::linalg_vector_norm(t, 2).item<double>(); }
// torch.norm(grad, dim=dim, keepdim=True): torch.linalg.vector_norm(grad, 2, [dim], True).
at::Tensor NormAlong(const at::Tensor& t, int64_t dim) { return at::linalg_vector_norm(t, 2, at::IntArrayRef{dim}, true); }

void SingleTensorAdafactor(OptimStep& s, std::vector<at::Tensor>& rowVars, std::vector<at::Tensor>& colVars, std::vector<at::Tensor>& variances,
                           std::vector<at::Tensor>& steps, AdafactorOptions o) {
  for (size_t i = 0; i < s.params.size(); ++i) {
    at::Tensor& param = s.params[i];
    at::Tensor grad = o.maximize ? s.grads[i].neg() : s.grads[i];
    if (!o.eps1) o.eps1 = FinfoEps(param.scalar_type());  // Python sets it once, from the first parameter
    steps[i].add_(1);
    double stepFloat = steps[i].item<double>();
    double oneMinusBeta2T = std::pow(stepFloat, o.beta2Decay);
    double rhoT = std::min(o.lr, 1 / std::pow(stepFloat, 0.5));
    double alpha = std::max(o.eps2, Norm2(param) / std::pow(static_cast<double>(param.numel()), 0.5)) * rhoT;
    if (o.weightDecay != 0) param.mul_(1 - o.lr * o.weightDecay);
    at::Tensor varEstimate;
    if (grad.dim() > 1) {
      at::Tensor rowMean = NormAlong(grad, -1).square_().div_(grad.size(-1));
      rowVars[i].lerp_(rowMean, oneMinusBeta2T);
      at::Tensor colMean = NormAlong(grad, -2).square_().div_(grad.size(-2));
      colVars[i].lerp_(colMean, oneMinusBeta2T);
      varEstimate = at::matmul(rowVars[i], colVars[i]);
      varEstimate.div_(rowVars[i].mean(-2, true).clamp_(*o.eps1));
    } else {
      at::Tensor gradSquared = grad * grad;
      variances[i].lerp_(gradSquared, oneMinusBeta2T);
      varEstimate = variances[i].clone();
    }
    at::Tensor update = varEstimate.clamp_(*o.eps1 * *o.eps1).rsqrt_();
    update.mul_(grad);
    double denom = std::max(1.0, Norm2(update) / (std::pow(static_cast<double>(update.numel()), 0.5) * o.d));
    param.add_(update, -alpha / denom);
  }
}

void MultiTensorAdafactor(OptimStep& s, std::vector<at::Tensor>& allRowVars, std::vector<at::Tensor>& allColVars,
                          std::vector<at::Tensor>& allVariances, std::vector<at::Tensor>& allSteps, AdafactorOptions o) {
  // _group_tensors_by_device_dtype_and_is_multidim: each (device, dtype) group split into matrices
  // and vectors, the split groups in first-seen order.
  std::vector<std::pair<bool, std::vector<size_t>>> groups;
  for (const auto& idx : GroupByDeviceAndDtype(s.params)) {
    size_t first = groups.size();
    for (size_t i : idx) {
      bool multidim = s.grads[i].dim() > 1;
      auto g = std::find_if(groups.begin() + first, groups.end(), [&](const auto& e) { return e.first == multidim; });
      if (g == groups.end()) groups.push_back({multidim, {i}});
      else g->second.push_back(i);
    }
  }
  for (const auto& [isMultidim, idx] : groups) {
    std::vector<at::Tensor> params = Pick(s.params, idx), grads = Pick(s.grads, idx), steps = Pick(allSteps, idx);
    if (!o.eps1) o.eps1 = FinfoEps(params[0].scalar_type());
    if (o.maximize) grads = at::_foreach_neg(grads);
    IncrementSteps(steps);
    std::vector<at::Scalar> oneMinusBeta2Ts;
    std::vector<double> rhoTs, alphas;
    for (const auto& st : steps) {
      double v = st.item<double>();
      oneMinusBeta2Ts.emplace_back(std::pow(v, o.beta2Decay));
      rhoTs.push_back(std::min(o.lr, 1 / std::pow(v, 0.5)));
    }
    for (size_t j = 0; j < params.size(); ++j)
      alphas.push_back(std::max(o.eps2, Norm2(params[j]) / std::pow(static_cast<double>(params[j].numel()), 0.5)) * rhoTs[j]);
    if (o.weightDecay != 0) at::_foreach_mul_(params, 1 - o.lr * o.weightDecay);
    std::vector<at::Tensor> varEstimates;
    if (isMultidim) {
      std::vector<at::Tensor> rowVars = Pick(allRowVars, idx), colVars = Pick(allColVars, idx);
      std::vector<at::Tensor> rowMeans, colMeans, rowVarMeans;
      std::vector<at::Scalar> rowSizes, colSizes;
      for (const auto& g : grads) {
        rowMeans.push_back(NormAlong(g, -1));
        rowSizes.emplace_back(g.size(-1));
      }
      at::_foreach_mul_(rowMeans, rowMeans);
      at::_foreach_div_(rowMeans, rowSizes);
      at::_foreach_lerp_(rowVars, rowMeans, oneMinusBeta2Ts);
      rowMeans.clear();
      for (const auto& g : grads) {
        colMeans.push_back(NormAlong(g, -2));
        colSizes.emplace_back(g.size(-2));
      }
      at::_foreach_mul_(colMeans, colMeans);
      at::_foreach_div_(colMeans, colSizes);
      at::_foreach_lerp_(colVars, colMeans, oneMinusBeta2Ts);
      colMeans.clear();
      for (size_t j = 0; j < rowVars.size(); ++j) varEstimates.push_back(at::matmul(rowVars[j], colVars[j]));
      for (const auto& r : rowVars) rowVarMeans.push_back(r.mean(-2, true));
      at::_foreach_clamp_min_(rowVarMeans, *o.eps1);
      at::_foreach_div_(varEstimates, rowVarMeans);
    } else {
      std::vector<at::Tensor> variances = Pick(allVariances, idx);
      std::vector<at::Tensor> gradsSquared = at::_foreach_mul(grads, grads);
      at::_foreach_lerp_(variances, gradsSquared, oneMinusBeta2Ts);
      for (const auto& v : variances) varEstimates.push_back(v.clone());
    }
    at::_foreach_clamp_min_(varEstimates, *o.eps1 * *o.eps1);
    at::_foreach_rsqrt_(varEstimates);
    at::_foreach_mul_(varEstimates, grads);
    std::vector<at::Tensor>& updates = varEstimates;
    std::vector<at::Scalar> scaled;
    for (size_t j = 0; j < updates.size(); ++j)
      scaled.emplace_back(-alphas[j] / std::max(1.0, Norm2(updates[j]) / (std::pow(static_cast<double>(updates[j].numel()), 0.5) * o.d)));
    at::_foreach_mul_(updates, scaled);
    at::_foreach_add_(params, updates);
  }
}

void Adafactor(OptimStep& s) {
  AdafactorOptions o{s.Scalar("lr"), s.Double("beta2Decay"), s.Double("d"), s.Double("weightDecay"), s.Double("eps2"), s.OptDouble("eps1"),
                     s.Bool("maximize")};
  for (size_t i = 0; i < s.params.size(); ++i) {
    if (s.params[i].is_complex()) ThrowError("Adafactor does not support complex parameters");
    if (s.grads[i].is_sparse()) ThrowError("Adafactor does not support sparse gradients");
  }
  if (s.gradScale || s.foundInf) ThrowError("Grad scaling should occur outside of optimizer.step()");
  std::vector<at::Tensor>& steps = s.State("step");
  std::vector<at::Tensor>& rowVars = s.State("row_var");
  std::vector<at::Tensor>& colVars = s.State("col_var");
  std::vector<at::Tensor>& variances = s.State("variance");
  for (size_t i = 0; i < s.params.size(); ++i) {
    if (steps[i].defined()) continue;
    const at::Tensor& g = s.grads[i];
    steps[i] = at::scalar_tensor(0.0, at::TensorOptions().dtype(OptimScalarDtype()));
    if (g.dim() > 1) {
      std::vector<int64_t> rowShape = g.sizes().vec(), colShape = g.sizes().vec();
      rowShape.back() = 1;
      colShape[colShape.size() - 2] = 1;
      rowVars[i] = g.new_zeros(rowShape);
      colVars[i] = g.new_zeros(colShape);
    } else {
      variances[i] = at::zeros_like(g, at::MemoryFormat::Preserve);
    }
  }
  if (s.Bool("foreach")) MultiTensorAdafactor(s, rowVars, colVars, variances, steps, o);
  else SingleTensorAdafactor(s, rowVars, colVars, variances, steps, o);
}

TN_OPTIM_KERNEL("adafactor", Adafactor);

}  // namespace
}  // namespace tn
