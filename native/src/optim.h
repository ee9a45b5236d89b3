// torch.optim's update rules: one native call per parameter group and step (optimStep). Each
// optimizer is a kernel, the C++ twin of torch/optim/<name>.py's _single_tensor_<name>,
// _multi_tensor_<name> (foreach) and _fused_<name> functions, with the same ATen calls in the same
// order, so trajectories are bit-identical to Python's. The TS class (lib/optim/<name>.ts) owns the
// param groups and the state dict; the kernel reads the group's options and the per-parameter state.
#pragma once
#include <ATen/core/Tensor.h>
#include <ATen/core/grad_mode.h>  // at::AutoGradMode: kernels run a differentiable step with autograd on

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "napi_util.h"

namespace tn {

// One step of one parameter group: the parameters that have a grad (Python's params_with_grad, in
// group order), their grads, their state lists and the group's options.
class OptimStep {
 public:
  explicit OptimStep(Napi::Object group) : group_(group) {}

  std::vector<at::Tensor> params;
  std::vector<at::Tensor> grads;
  // AMP (GradScaler): the grads' scale and the found-inf flag, for kernels that take them (fused).
  std::optional<at::Tensor> gradScale, foundInf;
  // Both on `device` (Python's grad_scale_dict / found_inf_dict: one copy per device group).
  struct AmpOnDevice {
    std::optional<at::Tensor> gradScale, foundInf;
  };
  AmpOnDevice AmpOn(c10::Device device) const {
    AmpOnDevice on;
    if (gradScale) on.gradScale = gradScale->to(device, /*non_blocking=*/true);
    if (foundInf) on.foundInf = foundInf->to(device, /*non_blocking=*/true);
    return on;
  }

  // The per-parameter state under PyTorch's key ('exp_avg', 'step', 'momentum_buffer'), one entry per
  // param; an undefined tensor where the parameter has no such state yet: the kernel creates it (as
  // Python's _init_group does) and the new tensors go back to JS.
  std::vector<at::Tensor>& State(const std::string& key);
  bool HasState(const std::string& key) const;

  // The group's options, by their camelCase key (weightDecay); TypeError when missing or mistyped.
  double Double(const char* key) const;
  bool Bool(const char* key) const;
  int64_t Int(const char* key) const;
  std::string String(const char* key) const;
  // An option that may be null (Python None).
  std::optional<double> OptDouble(const char* key) const;
  bool IsNull(const char* key) const;
  // A pair such as betas or etas: [a, b].
  std::pair<double, double> Pair(const char* key) const;
  // An option that may be a number or a 1-element Tensor (Python's lr: float | Tensor).
  double Scalar(const char* key) const;
  // The same option kept as given: the tensor when it is one (squeezed to 0-dim, Python's _to_scalar), else undefined.
  at::Tensor TensorOption(const char* key) const;
  // A pair option whose entries may be Tensors (Adam's betas): each tensor entry squeezed to 0-dim, number entries undefined.
  std::pair<at::Tensor, at::Tensor> TensorPair(const char* key) const;
  double PairNumber(const char* key, int index) const;  // one entry of a pair, which must be a number

  // The state lists in the order they were first used (for optim.cc).
  std::vector<std::pair<std::string, std::vector<at::Tensor>>> states;

 private:
  Napi::Value Get(const char* key) const;
  std::pair<Napi::Value, Napi::Value> Entries2(const char* key, const char* must) const;
  Napi::Object group_;
};

// Python's Optimizer._group_tensors_by_device_and_dtype: the param indices of each (device, dtype)
// group, groups in first-seen order, indices ascending (foreach and fused kernels need one of each).
std::vector<std::vector<size_t>> GroupByDeviceAndDtype(const std::vector<at::Tensor>& params);
// Picks the entries of `list` at `indices`.
std::vector<at::Tensor> Pick(const std::vector<at::Tensor>& list, const std::vector<size_t>& indices);

// Python's _get_scalar_dtype: float64 when the default dtype is float64, else float32 (fused: float32).
c10::ScalarType OptimScalarDtype(bool fused = false);

// Python's _device_dtype_check_for_fused: fused kernels take floating point params only (its message names the dtype as Python prints it).
inline void FusedDtypeCheck(const at::Tensor& p) {
  if (p.is_floating_point() && (p.is_cpu() || p.is_cuda() || p.is_mps() || p.is_xpu())) return;
  static const std::pair<c10::ScalarType, const char*> kNames[] = {
      {c10::ScalarType::ComplexHalf, "complex32"}, {c10::ScalarType::ComplexFloat, "complex64"}, {c10::ScalarType::ComplexDouble, "complex128"}, {c10::ScalarType::Bool, "bool"},
      {c10::ScalarType::Byte, "uint8"},           {c10::ScalarType::Char, "int8"},               {c10::ScalarType::Short, "int16"},              {c10::ScalarType::Int, "int32"},
      {c10::ScalarType::Long, "int64"}};
  std::string dtype = c10::toString(p.scalar_type());
  for (const auto& [type, name] : kNames)
    if (type == p.scalar_type()) dtype = name;
  ThrowError("`fused=True` requires all the params to be floating point Tensors of supported devices: ['mps', 'cuda', 'xpu', 'hpu', 'cpu', 'mtia', 'privateuseone'] but torch." +
             dtype + " and " + c10::DeviceTypeName(p.device().type(), true));
}

using OptimKernel = void (*)(OptimStep& step);
// Kernels register themselves by name at load (TN_OPTIM_KERNEL); the table is never written after.
struct OptimKernelRegistrar {
  OptimKernelRegistrar(const char* name, OptimKernel kernel);
};
#define TN_OPTIM_KERNEL(name, fn) static const ::tn::OptimKernelRegistrar tn_optim_kernel_##fn(name, fn)

}  // namespace tn
