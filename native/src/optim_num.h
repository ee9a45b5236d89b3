// PyNum: a hyperparameter as torch/optim/*.py computes with it: a Python float (double arithmetic), or
// the 0-dim tensor the user gave as lr (arithmetic through ATen ops, as Tensor.__mul__/__rsub__/...),
// so `lr / bias_correction1` or `1 - lr * weight_decay` round exactly as in Python in both cases.
#pragma once
#include <ATen/ATen.h>

#include <cmath>
#include <utility>
#include <vector>

#include "optim.h"

namespace tn {

class PyNum {
 public:
  PyNum(double v) : value_(v) {}  // NOLINT(google-explicit-constructor): a float is a PyNum
  explicit PyNum(at::Tensor t) : tensor_(std::move(t)) {}
  // An option that may be a number or a Tensor (lr).
  static PyNum Option(const OptimStep& s, const char* key) {
    at::Tensor t = s.TensorOption(key);
    return t.defined() ? PyNum(t) : PyNum(s.Double(key));
  }

  // A pair option whose entries may be numbers or tensors, one of each too (Adam's betas: Python's _to_scalar
  // of each; it checks "both floats or both Tensors" on the constructor's options only, not a group's).
  static std::pair<PyNum, PyNum> PairOption(const OptimStep& s, const char* key) {
    auto [a, b] = s.TensorPair(key);
    return {a.defined() ? PyNum(a) : PyNum(s.PairNumber(key, 0)), b.defined() ? PyNum(b) : PyNum(s.PairNumber(key, 1))};
  }

  bool IsTensor() const { return tensor_.defined(); }
  const at::Tensor& tensor() const { return tensor_; }
  // Python's _get_value / float(x).
  double Value() const { return IsTensor() ? tensor_.item<double>() : value_; }
  // What Python's argument parser makes of it where an op takes a Scalar (a tensor goes through item()).
  at::Scalar Scalar() const { return IsTensor() ? tensor_.item() : at::Scalar(value_); }

  friend PyNum operator+(const PyNum& a, const PyNum& b) {
    if (!a.IsTensor() && !b.IsTensor()) return a.value_ + b.value_;
    if (!a.IsTensor()) return PyNum(b.tensor_.add(a.value_));  // __radd__
    return PyNum(b.IsTensor() ? a.tensor_.add(b.tensor_) : a.tensor_.add(b.value_));
  }
  friend PyNum operator-(const PyNum& a, const PyNum& b) {
    if (!a.IsTensor() && !b.IsTensor()) return a.value_ - b.value_;
    if (!a.IsTensor()) return PyNum(at::rsub(b.tensor_, a.value_));  // __rsub__
    return PyNum(b.IsTensor() ? a.tensor_.sub(b.tensor_) : a.tensor_.sub(b.value_));
  }
  friend PyNum operator*(const PyNum& a, const PyNum& b) {
    if (!a.IsTensor() && !b.IsTensor()) return a.value_ * b.value_;
    if (!a.IsTensor()) return PyNum(b.tensor_.mul(a.value_));  // __rmul__
    return PyNum(b.IsTensor() ? a.tensor_.mul(b.tensor_) : a.tensor_.mul(b.value_));
  }
  friend PyNum operator/(const PyNum& a, const PyNum& b) {
    if (!a.IsTensor() && !b.IsTensor()) return a.value_ / b.value_;
    if (!a.IsTensor()) return PyNum(b.tensor_.reciprocal().mul(a.value_));  // __rtruediv__
    return PyNum(b.IsTensor() ? a.tensor_.div(b.tensor_) : a.tensor_.div(b.value_));
  }
  // x ** e (Tensor.__pow__ with a float exponent).
  PyNum Pow(double e) const { return IsTensor() ? PyNum(at::pow(tensor_, e)) : PyNum(std::pow(value_, e)); }
  // t / x, t * x, t.lerp_(end, x): an ATen op with x as a Scalar or as the tensor.
  friend at::Tensor operator/(const at::Tensor& t, const PyNum& x) { return x.IsTensor() ? t.div(x.tensor_) : t.div(x.value_); }
  void MulInto(at::Tensor& t) const {
    if (IsTensor()) t.mul_(tensor_);
    else t.mul_(value_);
  }
  void LerpInto(at::Tensor& t, const at::Tensor& end) const {
    if (IsTensor()) t.lerp_(end, tensor_);
    else t.lerp_(end, value_);
  }
  PyNum operator-() const { return IsTensor() ? PyNum(tensor_.neg()) : PyNum(-value_); }

 private:
  double value_ = 0;
  at::Tensor tensor_;
};

// The foreach weight decay and moment updates that torch/optim/nadam.py and radam.py both write out:
// decoupled decay scales the params by 1 - lr * weight_decay, else the decay joins the grads (in place
// when they are already maximize's negated copy); then exp_avg lerps and exp_avg_sq accumulates.
inline void ForeachDecayAndMoments(std::vector<at::Tensor>& params, std::vector<at::Tensor>& grads, std::vector<at::Tensor>& expAvgs,
                                   std::vector<at::Tensor>& expAvgSqs, const PyNum& lr, double weightDecay, bool decoupled, bool maximize,
                                   double beta1, double beta2) {
  if (weightDecay != 0) {
    if (decoupled) {
      PyNum factor = 1 - lr * weightDecay;
      if (factor.IsTensor()) at::_foreach_mul_(params, factor.tensor());
      else at::_foreach_mul_(params, factor.Value());
    } else if (maximize) {
      at::_foreach_add_(grads, params, weightDecay);
    } else {
      grads = at::_foreach_add(grads, params, weightDecay);
    }
  }
  at::_foreach_lerp_(expAvgs, grads, 1 - beta1);
  at::_foreach_mul_(expAvgSqs, beta2);
  at::_foreach_addcmul_(expAvgSqs, grads, grads, 1 - beta2);
}

// The capturable check of the single-tensor and foreach paths: on CPU Python raises this AssertionError.
inline void CheckCapturable(const OptimStep& s, bool foreachList, const char* what = "params and state_steps") {
  if (s.params.empty()) return;
  const char* devices = foreachList ? "['cuda', 'xpu', 'hpu', 'privateuseone']" : "['cuda', 'xpu', 'hpu', 'privateuseone', 'xla']";
  for (const auto& p : s.params) {
    auto type = p.device().type();
    if (type != c10::DeviceType::CUDA && type != c10::DeviceType::XPU && type != c10::DeviceType::HPU && type != c10::DeviceType::PrivateUse1)
      ThrowError(std::string("If capturable=True, ") + what + " must be on supported devices: " + devices + ".");
  }
}

// Python's _init_group refusal of sparse gradients, with its message.
inline void RefuseSparse(const OptimStep& s, const char* message) {
  for (const auto& g : s.grads)
    if (g.is_sparse()) ThrowError(message);
}

// Python's state["step"] = torch.tensor(0.0, dtype=_get_scalar_dtype()) (fused or capturable: on the param's device).
inline at::Tensor NewStep(const at::Tensor& param, bool fused, bool capturable, double value = 0.0) {
  auto options = at::TensorOptions().dtype(OptimScalarDtype(fused));
  return at::full({}, value, (fused || capturable) ? options.device(param.device()) : options);
}

// Python's foreach step increment on CPU: torch._foreach_add_(steps, torch.tensor(1.0), alpha=1.0).
inline void IncrementSteps(std::vector<at::Tensor>& steps) {
  if (steps[0].is_cpu()) at::_foreach_add_(steps, at::scalar_tensor(1.0), 1.0);
  else at::_foreach_add_(steps, 1);
}

}  // namespace tn
