// Argument checks run before libtorch for the operators whose kernels take some bad input down with
// the process (SIGFPE on an integer division, SIGSEGV on a read past a buffer) instead of raising an
// error: PyTorch 2.13 crashes on the same calls. Found by scripts/fuzz-ops.mjs; each check has a
// regression test in test/crash.test.ts. A check is looked up once per overload (when the op's
// family is built), so operators without one pay nothing per call.
#include <ATen/core/Tensor.h>
#include <ATen/core/function_schema.h>
#include <ATen/ops/any.h>
#include <ATen/ops/eq.h>
#include <ATen/ops/logical_and.h>
#include <ATen/ops/result_type.h>
#include <c10/core/GradMode.h>
#include <c10/util/irange.h>

#include <limits>
#include <sstream>
#include <string>
#include <unordered_map>

#include "napi_util.h"
#include "ops.h"

namespace tn {
namespace {

// Named access to a call's arguments (the boxed stack, in schema order).
class Arguments {
 public:
  Arguments(const c10::FunctionSchema& schema, const std::vector<c10::IValue>& stack) : schema_(schema), stack_(stack) {}

  const c10::IValue* Get(const char* name) const {
    auto i = schema_.argumentIndexWithName(name);
    return i && *i < stack_.size() && !stack_[*i].isNone() ? &stack_[*i] : nullptr;
  }
  // The tensor argument `name`, undefined when absent or None.
  at::Tensor Tensor(const char* name) const {
    const c10::IValue* v = Get(name);
    return v && v->isTensor() ? v->toTensor() : at::Tensor();
  }

 private:
  const c10::FunctionSchema& schema_;
  const std::vector<c10::IValue>& stack_;
};

// Only dense CPU tensors run the kernels that crash (CUDA divides without trapping; meta has no data).
bool IsDenseCpu(const at::Tensor& t) { return t.defined() && t.device().is_cpu() && t.layout() == c10::kStrided; }

std::string Join(c10::IntArrayRef xs) {
  std::ostringstream os;
  os << xs;
  return os.str();
}

// ---- integer division with rounding_mode='trunc': INT_MIN / -1 traps (x86 idiv) ----
// floor_divide, remainder, fmod and rounding_mode='floor' guard against it in their kernels.

bool IsTrunc(const Arguments& a) {
  const c10::IValue* mode = a.Get("rounding_mode");
  return mode && mode->isString() && mode->toStringRef() == "trunc";
}

void CheckTruncDivision(const Arguments& a) {
  if (!IsTrunc(a)) return;
  at::Tensor self = a.Tensor("self");
  const c10::IValue* other = a.Get("other");
  if (!IsDenseCpu(self) || !other) return;
  at::Tensor divisor = other->isTensor() ? other->toTensor() : at::Tensor();
  if (other->isTensor() && !IsDenseCpu(divisor)) return;
  if (!other->isTensor() && !other->isScalar()) return;
  // The kernel computes in the promoted dtype; only 32- and 64-bit ints trap (narrower ones divide as int).
  c10::ScalarType common = other->isTensor() ? at::result_type(self, divisor) : at::result_type(self, other->toScalar());
  if (common != c10::kInt && common != c10::kLong) return;
  if (!other->isTensor() && (!other->toScalar().isIntegral(false) || other->toScalar().toLong() != -1)) return;
  c10::AutoGradMode noGrad(false);
  int64_t min = common == c10::kLong ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int32_t>::min();
  at::Tensor dividendIsMin = at::eq(self.to(common), min);
  bool overflows;
  if (other->isTensor()) {
    at::Tensor divisorIsMinusOne = at::eq(divisor.to(common), -1);
    overflows = at::any(divisorIsMinusOne).item<bool>() && at::any(at::logical_and(dividendIsMin, divisorIsMinusOne)).item<bool>();
  } else {
    overflows = at::any(dividendIsMin).item<bool>();
  }
  if (overflows)
    ThrowRange("the result of " + std::to_string(min) + " / -1 overflows " + (common == c10::kLong ? "int64" : "int32") +
               " (integer division with rounding_mode='trunc')");
}

// ---- fused weight norm: divides by, and indexes g and norm with, the size of the norm dimension ----

// The fused kernels run for dim 0 and the last dim; M rows (dim 0) or N columns (last dim) of v, one
// g (and norm) value each: a zero count divides by zero, a short g or norm is read past its end.
void CheckWeightNormSizes(const at::Tensor& v, int64_t dim, std::initializer_list<std::pair<const char*, at::Tensor>> perSlice) {
  if (!IsDenseCpu(v) || v.dim() == 0 || (dim != 0 && dim != v.dim() - 1)) return;
  int64_t slices = v.size(dim);
  if (slices == 0)
    ThrowError("v has size 0 in the norm dimension " + std::to_string(dim) + " (v of shape " + Join(v.sizes()) + ")");
  for (const auto& [name, t] : perSlice)
    if (t.defined() && t.numel() < slices)
      ThrowError(std::string("expected ") + name + " to have " + std::to_string(slices) + " elements (one per slice of v along dim " +
                 std::to_string(dim) + "), but got " + name + " of shape " + Join(t.sizes()));
}

int64_t IntArgument(const Arguments& a, const char* name, int64_t fallback) {
  const c10::IValue* v = a.Get(name);
  return v && v->isInt() ? v->toInt() : fallback;
}

void CheckWeightNorm(const Arguments& a) {
  CheckWeightNormSizes(a.Tensor("v"), IntArgument(a, "dim", 0), {{"g", a.Tensor("g")}});
}

void CheckWeightNormBackward(const Arguments& a) {
  at::Tensor v = a.Tensor("saved_v"), gradW = a.Tensor("grad_w");
  CheckWeightNormSizes(v, IntArgument(a, "dim", 0), {{"saved_g", a.Tensor("saved_g")}, {"saved_norms", a.Tensor("saved_norms")}});
  if (IsDenseCpu(v) && gradW.defined() && gradW.numel() < v.numel())
    ThrowError("expected grad_w to have the shape of saved_v " + Join(v.sizes()) + ", but got " + Join(gradW.sizes()));
}

// ---- strided views: the view must lie inside self's storage ----

void CheckStridedView(const Arguments& a) {
  at::Tensor self = a.Tensor("self");
  const c10::IValue* sizeArg = a.Get("size");
  const c10::IValue* strideArg = a.Get("stride");
  if (!IsDenseCpu(self) || !self.has_storage() || !sizeArg || !strideArg) return;
  std::vector<int64_t> sizes = sizeArg->toIntVector(), strides = strideArg->toIntVector();
  const c10::IValue* offsetArg = a.Get("storage_offset");
  int64_t offset = offsetArg && offsetArg->isInt() ? offsetArg->toInt() : self.storage_offset();
  if (sizes.size() != strides.size())
    ThrowError("mismatch in length of strides and shape: size " + Join(sizes) + ", stride " + Join(strides));
  if (offset < 0) ThrowRange("negative storage offset " + std::to_string(offset));
  for (int64_t s : sizes)
    if (s < 0) ThrowRange("negative size in " + Join(sizes));
  for (int64_t s : sizes)
    if (s == 0) return;  // an empty view reads nothing
  // Lowest and highest element offsets, exactly (128-bit: huge strides must not wrap around).
  __int128 lo = offset, hi = offset;
  for (size_t i = 0; i < sizes.size(); ++i) {
    __int128 reach = static_cast<__int128>(sizes[i] - 1) * strides[i];
    (reach < 0 ? lo : hi) += reach;
  }
  __int128 itemsize = static_cast<__int128>(self.element_size());
  __int128 available = static_cast<__int128>(self.storage().nbytes());
  if (lo < 0 || (hi + 1) * itemsize > available) {
    std::string need = hi + 1 > std::numeric_limits<int64_t>::max() / 16 ? "more than 2^63" : std::to_string(static_cast<int64_t>((hi + 1) * itemsize));
    ThrowError("sizes " + Join(sizes) + ", strides " + Join(strides) + ", storage offset " + std::to_string(offset) + ", and itemsize " +
               std::to_string(self.element_size()) + " requiring a storage size of " + need +
               (lo < 0 ? " (and reaching before its start)" : "") + " are out of bounds for storage of size " +
               std::to_string(self.storage().nbytes()));
  }
}

// ---- internal helpers that take dims already wrapped (the public functions wrap them first) ----

// _fft_r2c / _fft_c2r / _fft_c2c index self's sizes with each dim as given: -1 reads before the array.
void CheckFftDims(const Arguments& a) {
  at::Tensor self = a.Tensor("self");
  const c10::IValue* dims = a.Get("dim");
  if (!self.defined() || !dims || !dims->isIntList()) return;
  int64_t n = self.dim();
  for (int64_t d : dims->toIntVector())
    if (d < 0 || d >= n)
      ThrowRange("Dimension out of range (expected to be in range of [0, " + std::to_string(n - 1) + "], but got " + std::to_string(d) +
                 "); this internal op takes dims that are already wrapped");
}

// _remove_batch_dim inserts batch_size at position out_dim of self's sizes, unchecked.
void CheckRemoveBatchDim(const Arguments& a) {
  at::Tensor self = a.Tensor("self");
  int64_t outDim = IntArgument(a, "out_dim", 0);
  if (self.defined() && (outDim < 0 || outDim > self.dim()))
    ThrowRange("out_dim out of range (expected to be in range of [0, " + std::to_string(self.dim()) + "], but got " + std::to_string(outDim) + ")");
}

// _stack reads its first tensor unchecked.
void CheckStackNotEmpty(const Arguments& a) {
  const c10::IValue* tensors = a.Get("tensors");
  if (tensors && tensors->isList() && tensors->toListRef().empty()) ThrowError("stack expects a non-empty TensorList");
}

// _foreach_* ops walk their first list and index the others with the same positions (_foreach_copy
// does not check the lengths): every Tensor[] argument, out= included, must be as long as the first.
void CheckForeachLists(const c10::FunctionSchema& schema, const std::vector<c10::IValue>& stack) {
  size_t first = 0;
  bool seen = false;
  for (size_t i = 0; i < schema.arguments().size() && i < stack.size(); ++i) {
    if (!stack[i].isTensorList()) continue;
    size_t n = stack[i].toListRef().size();
    if (!seen) {
      first = n;
      seen = true;
    } else if (n != first) {
      ThrowError("Tensor lists must have the same number of tensors, got " + std::to_string(first) + " and " + std::to_string(n));
    }
  }
}

// ---- backward kernels called directly: they trust autograd to pass consistent shapes ----

// Batch norm backward: divides by the channel count and reads C values from the per-channel tensors it uses.
void CheckBatchNormBackward(const Arguments& a) {
  at::Tensor input = a.Tensor("input"), gradOut = a.Tensor("grad_out");
  if (!IsDenseCpu(input) || input.dim() < 2) return;
  int64_t channels = input.size(1);
  if (channels == 0) ThrowError("expected input to have at least one channel, but got input of shape " + Join(input.sizes()));
  if (gradOut.defined() && gradOut.numel() != input.numel())
    ThrowError("expected grad_out to have the shape of input " + Join(input.sizes()) + ", but got " + Join(gradOut.sizes()));
  // Training reads the saved batch statistics, evaluation the running ones (saved ones are empty then).
  const c10::IValue* train = a.Get("train") ? a.Get("train") : a.Get("update");
  bool training = train && train->isBool() && train->toBool();
  std::vector<const char*> perChannel = {"weight"};
  if (training) perChannel.insert(perChannel.end(), {"save_mean", "save_invstd", "save_var"});
  else perChannel.insert(perChannel.end(), {"running_mean", "running_var"});
  for (const char* name : perChannel) {
    at::Tensor t = a.Tensor(name);
    if (t.defined() && t.numel() < channels)
      ThrowError(std::string("expected ") + name + " to have " + std::to_string(channels) + " elements (one per channel), but got " + name + " of shape " +
                 Join(t.sizes()));
  }
}

// reflection_padNd_backward / replication_padNd_backward: `padding` holds 2N values, and grad_output
// has the padded shape of input (last N dims grown by their two pads; pads listed from the last dim).
void CheckPadBackward(const Arguments& a, int64_t spatialDims) {
  at::Tensor gradOutput = a.Tensor("grad_output"), input = a.Tensor("self");
  const c10::IValue* paddingArg = a.Get("padding");
  if (!paddingArg || !paddingArg->isIntList()) return;
  std::vector<int64_t> padding = paddingArg->toIntVector();
  if (static_cast<int64_t>(padding.size()) != 2 * spatialDims)
    ThrowError("padding size is expected to be " + std::to_string(2 * spatialDims) + ", but got " + std::to_string(padding.size()));
  if (!IsDenseCpu(gradOutput) || !IsDenseCpu(input)) return;
  if (input.dim() < spatialDims + 1) ThrowError("expected input with at least " + std::to_string(spatialDims + 1) + " dims, but got " + Join(input.sizes()));
  std::vector<int64_t> expected = input.sizes().vec();
  for (int64_t i = 0; i < spatialDims; ++i) expected[expected.size() - 1 - i] += padding[2 * i] + padding[2 * i + 1];
  if (gradOutput.sizes() != c10::IntArrayRef(expected))
    ThrowError("expected grad_output of shape " + Join(expected) + " (input " + Join(input.sizes()) + " padded by " + Join(padding) + "), but got " +
               Join(gradOutput.sizes()));
}
template <int64_t N>
void CheckPadBackwardNd(const Arguments& a) {
  CheckPadBackward(a, N);
}

// Batch norm forward: reads C values from each per-channel tensor, and the running statistics in
// evaluation mode (torch.batch_norm checks that; native_batch_norm and _native_batch_norm_legit do not).
void CheckBatchNormForward(const Arguments& a) {
  at::Tensor input = a.Tensor("input");
  if (!IsDenseCpu(input) || input.dim() < 2) return;
  int64_t channels = input.size(1);
  const c10::IValue* train = a.Get("training");
  bool training = train && train->isBool() && train->toBool();
  at::Tensor runningMean = a.Tensor("running_mean"), runningVar = a.Tensor("running_var");
  if (!training && !runningMean.defined()) ThrowError("running_mean must be defined in evaluation mode");
  if (!training && !runningVar.defined()) ThrowError("running_var must be defined in evaluation mode");
  for (const char* name : {"weight", "bias", "running_mean", "running_var"}) {
    at::Tensor t = a.Tensor(name);
    if (t.defined() && t.numel() < channels)
      ThrowError(std::string("expected ") + name + " to have " + std::to_string(channels) + " elements (one per channel), but got " + name + " of shape " +
                 Join(t.sizes()));
  }
}

// The differentiable GRU / LSTM cell backwards split the gates into `gates` chunks along dim 1 and
// take all of them: fewer chunks (a narrow or 1-d gate tensor) index past the list.
template <int64_t kGates>
void CheckCellGates(const Arguments& a) {
  at::Tensor input = a.Tensor("input_gates"), hidden = a.Tensor("hidden_gates");
  if (!input.defined() || !hidden.defined()) return;
  bool ok = input.dim() == 2 && input.sizes() == hidden.sizes() && input.size(1) >= kGates && input.size(1) % kGates == 0;
  if (!ok)
    ThrowError("expected input_gates and hidden_gates of the same shape [batch, " + std::to_string(kGates) + " * hidden_size], but got " +
               Join(input.sizes()) + " and " + Join(hidden.sizes()));
}

// quantized_lstm_cell reads hx[0] and hx[1] unchecked.
void CheckTwoHiddenStates(const Arguments& a) {
  const c10::IValue* hx = a.Get("hx");
  if (hx && hx->isList() && hx->toListRef().size() != 2) ThrowError("quantized_lstm_cell expects two hidden states");
}

struct CheckEntry {
  OpCheck check;
  const char* requiredArgument;  // the check applies to the overloads that have it (nullptr: all)
};

template <void (*F)(const Arguments&)>
void Run(const c10::FunctionSchema& schema, const std::vector<c10::IValue>& stack) {
  F(Arguments(schema, stack));
}

// Keyed by operator name; every overload that has the required argument gets the check.
const std::unordered_map<std::string, CheckEntry>& Checks() {
  static const auto* table = new std::unordered_map<std::string, CheckEntry>{
      {"aten::div", {Run<CheckTruncDivision>, "rounding_mode"}},
      {"aten::div_", {Run<CheckTruncDivision>, "rounding_mode"}},
      {"aten::divide", {Run<CheckTruncDivision>, "rounding_mode"}},
      {"aten::divide_", {Run<CheckTruncDivision>, "rounding_mode"}},
      {"aten::_weight_norm", {Run<CheckWeightNorm>, nullptr}},
      {"aten::_weight_norm_interface", {Run<CheckWeightNorm>, nullptr}},
      {"aten::_weight_norm_interface_backward", {Run<CheckWeightNormBackward>, nullptr}},
      {"aten::_reshape_alias", {Run<CheckStridedView>, nullptr}},
      {"aten::as_strided", {Run<CheckStridedView>, nullptr}},
      {"aten::as_strided_", {Run<CheckStridedView>, nullptr}},
      {"aten::_fft_r2c", {Run<CheckFftDims>, nullptr}},
      {"aten::_fft_c2r", {Run<CheckFftDims>, nullptr}},
      {"aten::_fft_c2c", {Run<CheckFftDims>, nullptr}},
      {"aten::_remove_batch_dim", {Run<CheckRemoveBatchDim>, nullptr}},
      {"aten::_stack", {Run<CheckStackNotEmpty>, nullptr}},
      {"aten::native_batch_norm_backward", {Run<CheckBatchNormBackward>, nullptr}},
      {"aten::batch_norm_backward", {Run<CheckBatchNormBackward>, nullptr}},
      {"aten::reflection_pad1d_backward", {Run<CheckPadBackwardNd<1>>, nullptr}},
      {"aten::reflection_pad2d_backward", {Run<CheckPadBackwardNd<2>>, nullptr}},
      {"aten::reflection_pad3d_backward", {Run<CheckPadBackwardNd<3>>, nullptr}},
      {"aten::replication_pad1d_backward", {Run<CheckPadBackwardNd<1>>, nullptr}},
      {"aten::replication_pad2d_backward", {Run<CheckPadBackwardNd<2>>, nullptr}},
      {"aten::replication_pad3d_backward", {Run<CheckPadBackwardNd<3>>, nullptr}},
      {"aten::quantized_lstm_cell", {Run<CheckTwoHiddenStates>, nullptr}},
      {"aten::native_batch_norm", {Run<CheckBatchNormForward>, nullptr}},
      {"aten::_native_batch_norm_legit", {Run<CheckBatchNormForward>, nullptr}},
      {"aten::_native_batch_norm_legit_no_training", {Run<CheckBatchNormForward>, nullptr}},
      {"aten::_thnn_differentiable_gru_cell_backward", {Run<CheckCellGates<3>>, nullptr}},
      {"aten::_thnn_differentiable_lstm_cell_backward", {Run<CheckCellGates<4>>, nullptr}},
  };
  return *table;
}

}  // namespace

OpCheck FindOpCheck(const c10::FunctionSchema& schema) {
  if (schema.name().rfind("aten::_foreach_", 0) == 0) return CheckForeachLists;
  auto it = Checks().find(schema.name());
  if (it == Checks().end()) return nullptr;
  const CheckEntry& e = it->second;
  if (e.requiredArgument && !schema.argumentIndexWithName(e.requiredArgument)) return nullptr;
  return e.check;
}

}  // namespace tn
