// Muon (torch/optim/_muon.py): _single_tensor_muon, the only path Python has (foreach raises). The
// momentum (Nesterov by default) update of each 2-D parameter is orthogonalised by Newton-Schulz
// iterations in bfloat16, then applied with decoupled weight decay and a learning rate scaled by shape.
#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "optim.h"
#include "optim_num.h"

namespace tn {
namespace {

struct MuonOptions {
  PyNum lr;  // Python's _to_scalar(lr): a float, or the 0-dim tensor given
  double weightDecay, momentum, a, b, c, eps;
  int64_t nsSteps;
  bool nesterov;
  std::string adjustLrFn;  // "" for None
};

// _zeropower_via_newtonschulz: grad.bfloat16() (grad itself when it is bfloat16 already, as in Python),
// transposed when tall, scaled to spectral norm <= 1, then ns_steps quintic iterations.
at::Tensor ZeropowerViaNewtonSchulz(const at::Tensor& grad, const MuonOptions& o) {
  if (o.nsSteps >= 100) ThrowError("Number of steps must be less than 100 for computational efficiency");
  if (grad.dim() != 2) ThrowError("Input tensor gradient must be a 2D matrix");
  at::Tensor ortho = grad.to(at::kBFloat16);
  const bool tall = grad.size(0) > grad.size(1);
  if (tall) ortho = ortho.t();
  ortho.div_(at::linalg_vector_norm(ortho, 2).clamp(o.eps));  // Tensor.norm(): the Frobenius norm
  for (int64_t k = 0; k < o.nsSteps; ++k) {
    at::Tensor gram = at::matmul(ortho, ortho.t());
    at::Tensor gramUpdate = at::addmm(gram, gram, gram, o.b, o.c);
    ortho = at::addmm(ortho, gramUpdate, ortho, o.a);
  }
  return tall ? ortho.t() : ortho;
}

// _adjust_lr's ratio: Python floats throughout (A / B is true division); the lr times it, as Python rounds.
double AdjustedRatio(const std::string& fn, const at::Tensor& param) {
  const double rows = static_cast<double>(param.size(0)), cols = static_cast<double>(param.size(1));
  if (fn.empty() || fn == "original") return std::sqrt(std::max(1.0, rows / cols));
  if (fn == "match_rms_adamw") return 0.2 * std::sqrt(std::max(rows, cols));
  return 1.0;
}

void Muon(OptimStep& s) {
  MuonOptions o{PyNum::Option(s, "lr"), s.Double("weightDecay"), s.Double("momentum"), s.Double("nsA"), s.Double("nsB"), s.Double("nsC"),
                s.Double("eps"), s.Int("nsSteps"), s.Bool("nesterov"), s.IsNull("adjustLrFn") ? std::string() : s.String("adjustLrFn")};
  for (size_t i = 0; i < s.params.size(); ++i) {
    if (s.params[i].is_complex()) ThrowError("Muon does not support complex parameters");
    if (s.grads[i].is_sparse()) ThrowError("Muon does not support sparse gradients");
  }
  if (s.gradScale || s.foundInf) ThrowError("Grad scaling should occur outside of optimizer.step()");
  std::vector<at::Tensor>& bufs = s.State("momentum_buffer");
  for (size_t i = 0; i < s.params.size(); ++i)
    if (!bufs[i].defined()) bufs[i] = at::zeros_like(s.grads[i], at::MemoryFormat::Preserve);
  for (size_t i = 0; i < s.params.size(); ++i) {
    const at::Tensor& grad = s.grads[i];
    if (grad.dim() != 2) ThrowError("Param gradient must be a 2D matrix");
    bufs[i].lerp_(grad, 1 - o.momentum);
    at::Tensor update = ZeropowerViaNewtonSchulz(o.nesterov ? grad.lerp(bufs[i], o.momentum) : bufs[i], o);
    (1 - o.lr * o.weightDecay).MulInto(s.params[i]);
    s.params[i].add_(update, (-(o.lr * AdjustedRatio(o.adjustLrFn, s.params[i]))).Scalar());
  }
}

TN_OPTIM_KERNEL("muon", Muon);

}  // namespace
}  // namespace tn
