// SparseAdam (torch/optim/sparse_adam.py + torch/optim/_functional.py sparse_adam): Adam masked to the
// entries a sparse gradient touches. Python keeps `step` as an int in the state; the TS class counts
// it and hands the counts in as the group's `stepCounts`.
#include <ATen/ATen.h>

#include <cmath>

#include "optim.h"
#include "optim_more.h"

namespace tn {
namespace {

void SparseAdam(OptimStep& s) {
  double lr = s.Scalar("lr"), eps = s.Double("eps");
  auto [beta1, beta2] = s.Pair("betas");
  bool maximize = s.Bool("maximize");
  std::vector<at::Tensor>& expAvgs = s.State("exp_avg");
  std::vector<at::Tensor>& expAvgSqs = s.State("exp_avg_sq");
  std::vector<double> stepCounts(s.params.size());
  for (size_t i = 0; i < s.params.size(); ++i) {
    if (!s.grads[i].is_sparse()) ThrowError("SparseAdam does not support dense gradients, please consider Adam instead");
    stepCounts[i] = s.Double(("stepCount" + std::to_string(i)).c_str());
    if (expAvgs[i].defined()) continue;
    expAvgs[i] = at::zeros_like(s.params[i], at::MemoryFormat::Preserve);
    expAvgSqs[i] = at::zeros_like(s.params[i], at::MemoryFormat::Preserve);
  }
  for (size_t i = 0; i < s.params.size(); ++i) {
    at::Tensor grad = maximize ? s.grads[i].neg() : s.grads[i];
    grad = grad.coalesce();  // the update is non-linear so indices must be unique
    at::Tensor indices = grad._indices(), values = grad._values();
    if (values.numel() == 0) continue;
    at::Tensor& expAvg = expAvgs[i];
    at::Tensor& expAvgSq = expAvgSqs[i];
    // Python's make_sparse: grad.new(indices, values, size), or an empty sparse tensor for 0-dim input.
    auto makeSparse = [&](const at::Tensor& v) {
      if (indices.dim() == 0 || v.dim() == 0) return at::empty({0}, grad.options()).resize_as_(grad);
      return at::sparse_coo_tensor(indices, v, grad.sizes());
    };
    at::Tensor oldExpAvgValues = expAvg.sparse_mask(grad)._values();
    at::Tensor expAvgUpdateValues = values.sub(oldExpAvgValues).mul_(1 - beta1);
    expAvg.add_(makeSparse(expAvgUpdateValues));
    at::Tensor oldExpAvgSqValues = expAvgSq.sparse_mask(grad)._values();
    at::Tensor expAvgSqUpdateValues = values.pow(2).sub_(oldExpAvgSqValues).mul_(1 - beta2);
    expAvgSq.add_(makeSparse(expAvgSqUpdateValues));
    at::Tensor numer = expAvgUpdateValues.add_(oldExpAvgValues);
    expAvgSqUpdateValues.add_(oldExpAvgSqValues);
    at::Tensor denom = expAvgSqUpdateValues.sqrt_().add_(eps);
    double step = stepCounts[i];
    double biasCorrection1 = 1 - std::pow(beta1, step);
    double biasCorrection2 = 1 - std::pow(beta2, step);
    double stepSize = lr * std::sqrt(biasCorrection2) / biasCorrection1;
    s.params[i].add_(makeSparse(numer.div_(denom).mul(-stepSize)));
  }
}

TN_OPTIM_KERNEL("sparse_adam", SparseAdam);

}  // namespace
}  // namespace tn
