// Argument checks run before libtorch for the operators whose kernels take some bad input down with
// the process (SIGFPE on an integer division, SIGSEGV on a read past a buffer) instead of raising an
// error: PyTorch 2.13 crashes on the same calls. Found by scripts/fuzz-ops.mjs; each check has a
// regression test in test/crash.test.ts. A check is looked up once per overload (when the op's
// family is built), so operators without one pay nothing per call.
#include <ATen/Context.h>
#include <ATen/core/Tensor.h>
#include <ATen/core/function_schema.h>
#include <ATen/Dispatch.h>
#include <ATen/ExpandUtils.h>
#include <ATen/ops/any.h>
#include <ATen/ops/max.h>
#include <ATen/ops/min.h>
#include <ATen/ops/eq.h>
#include <ATen/ops/logical_and.h>
#include <ATen/ops/result_type.h>
#include <c10/core/GradMode.h>
#include <c10/util/accumulate.h>
#include <c10/util/irange.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "dtypes.h"
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
  bool Has(const char* name) const { return schema_.argumentIndexWithName(name).has_value(); }
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

// libtorch's maybe_wrap_dim message, for dims outside [lo, hi].
[[noreturn]] void ThrowDimOutOfRange(int64_t dim, int64_t lo, int64_t hi) {
  ThrowRange("Dimension out of range (expected to be in range of [" + std::to_string(lo) + ", " + std::to_string(hi) + "], but got " + std::to_string(dim) + ")");
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
  // The kernel converts a scalar divisor to the common dtype: int32 wraps (2**63 - 1 becomes -1).
  if (!other->isTensor() && !other->toScalar().isIntegral(false)) return;
  if (!other->isTensor() && (common == c10::kInt ? static_cast<int32_t>(other->toScalar().toLong()) : other->toScalar().toLong()) != -1) return;
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
  std::vector<int64_t> seen = dims->toIntVector();
  for (int64_t d : seen)
    if (d < 0 || d >= n)
      ThrowRange("Dimension out of range (expected to be in range of [0, " + std::to_string(n - 1) + "], but got " + std::to_string(d) +
                 "); this internal op takes dims that are already wrapped");
  std::sort(seen.begin(), seen.end());
  if (std::adjacent_find(seen.begin(), seen.end()) != seen.end()) ThrowError("FFT dims must be unique, but got " + Join(dims->toIntVector()));
}

// _remove_batch_dim inserts batch_size at position out_dim of self's sizes, unchecked.
void CheckRemoveBatchDim(const Arguments& a) {
  at::Tensor self = a.Tensor("self");
  int64_t outDim = IntArgument(a, "out_dim", 0);
  if (self.defined() && (outDim < 0 || outDim > self.dim()))
    ThrowRange("out_dim out of range (expected to be in range of [0, " + std::to_string(self.dim()) + "], but got " + std::to_string(outDim) + ")");
}

// _stack reads its first tensor unchecked, and its serial CPU kernel (taken for dim < rank) copies
// each input as if it were contiguous with the first one's shape: torch.stack checks the shapes first;
// a transposed input overruns the result buffer in PyTorch 2.13 too.
void CheckStackInputs(const Arguments& a) {
  const c10::IValue* tensors = a.Get("tensors");
  if (!tensors || !tensors->isList()) return;
  std::vector<at::Tensor> list;
  for (const c10::IValue& v : tensors->toListRef())
    if (v.isTensor() && v.toTensor().defined()) list.push_back(v.toTensor());
  if (tensors->toListRef().empty()) ThrowError("stack expects a non-empty TensorList");
  if (list.empty()) return;
  for (size_t i = 1; i < list.size(); ++i)
    if (list[i].sizes() != list[0].sizes())
      ThrowError("stack expects each tensor to be equal size, but got " + Join(list[0].sizes()) + " at entry 0 and " + Join(list[i].sizes()) +
                 " at entry " + std::to_string(i));
  int64_t dim = IntArgument(a, "dim", 0), rank = list[0].dim();
  if (dim < -(rank + 1) || dim > rank)
    ThrowDimOutOfRange(dim, -(rank + 1), rank);
  for (size_t i = 0; i < list.size(); ++i)
    if (IsDenseCpu(list[i]) && !list[i].is_contiguous())
      ThrowError("_stack expects contiguous tensors (its CPU kernel reads them as such), but entry " + std::to_string(i) + " has strides " +
                 Join(list[i].strides()) + "; torch.stack takes any layout");
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

// The fused CPU optimizer kernels walk each parameter's numel through the data pointers of the same
// position in every other list (the step counters aside), unchecked: a shorter or expanded tensor is
// read or written past its end. Empty lists are optional state (no momentum, no amsgrad).
void CheckFusedOptimizerLists(const c10::FunctionSchema& schema, const std::vector<c10::IValue>& stack) {
  const auto& args = schema.arguments();
  if (args.empty() || stack.empty() || !stack[0].isTensorList()) return;
  const c10::List<at::Tensor> params = stack[0].toTensorList();
  for (size_t a = 0; a < args.size() && a < stack.size(); ++a) {
    const std::string& name = args[a].name();
    if (!stack[a].isTensorList() || name == "state_steps" || name == "out") continue;
    const c10::List<at::Tensor> list = stack[a].toTensorList();
    if (a > 0 && list.size() == 0) continue;
    if (list.size() != params.size())
      ThrowError("expected " + name + " to hold " + std::to_string(params.size()) + " tensors, one per parameter, but got " + std::to_string(list.size()));
    for (size_t i = 0; i < list.size(); ++i) {
      const at::Tensor t = list.get(i), p = params.get(i);
      if (!IsDenseCpu(t) || !IsDenseCpu(p)) continue;
      if (t.numel() != p.numel() || !t.is_non_overlapping_and_dense())
        ThrowError("expected " + name + "[" + std::to_string(i) + "] to hold the " + std::to_string(p.numel()) + " elements of " + args[0].name() + "[" +
                   std::to_string(i) + "] in dense memory (the fused kernel reads it flat), but got shape " + Join(t.sizes()) + " and strides " +
                   Join(t.strides()));
    }
  }
}

// ---- backward kernels called directly: they trust autograd to pass consistent shapes ----

// Reads C values from each of these per-channel tensors, where given.
void CheckPerChannelLengths(const Arguments& a, int64_t channels, c10::ArrayRef<const char*> names) {
  for (const char* name : names) {
    at::Tensor t = a.Tensor(name);
    if (t.defined() && t.numel() < channels)
      ThrowError(std::string("expected ") + name + " to have " + std::to_string(channels) + " elements (one per channel), but got " + name + " of shape " +
                 Join(t.sizes()));
  }
}

// Batch norm backward: divides by the channel count and reads C values from the per-channel tensors it uses.
void CheckBatchNormBackward(const Arguments& a) {
  at::Tensor input = a.Tensor("input"), gradOut = a.Tensor("grad_out");
  if (!gradOut.defined()) gradOut = a.Tensor("grad_output");  // _batch_norm_impl_index_backward's name
  if (!IsDenseCpu(input)) return;
  // The kernels index sizes()[1] unchecked and divide by the channel count and by the batch size
  // (PyTorch's own autograd never passes an empty input: _batch_norm_impl_index_backward answers it).
  if (input.dim() < 2) ThrowError("expected input with at least 2 dims (N, C, ...), but got input of shape " + Join(input.sizes()));
  int64_t channels = input.size(1);
  if (channels == 0) ThrowError("expected input to have at least one channel, but got input of shape " + Join(input.sizes()));
  if (input.numel() == 0) ThrowError("expected a non-empty input, but got input of shape " + Join(input.sizes()));
  if (gradOut.defined() && gradOut.sizes() != input.sizes())
    ThrowError("expected grad_out to have the shape of input " + Join(input.sizes()) + ", but got " + Join(gradOut.sizes()));
  // Training reads the saved batch statistics, evaluation the running ones (saved ones are empty then).
  const c10::IValue* train = a.Get("train") ? a.Get("train") : a.Get("update");
  bool training = train && train->isBool() && train->toBool();
  // Named arrays, not a range-for over a conditional between two initializer_lists: built as C++20,
  // GCC 12 ended their backing arrays before the loop read them, and the check let everything through.
  static constexpr const char* kSaved[] = {"save_mean", "save_invstd", "save_var", "save_var_transform"};
  static constexpr const char* kRunning[] = {"running_mean", "running_var"};
  c10::ArrayRef<const char*> statistics = training ? c10::ArrayRef<const char*>(kSaved) : c10::ArrayRef<const char*>(kRunning);
  std::vector<const char*> perChannel = {"weight"};
  perChannel.insert(perChannel.end(), statistics.begin(), statistics.end());
  // The CPU kernel reads the saved statistics in training mode and the running ones in evaluation
  // mode, passed or not (batch_norm_backward takes numel() of its saved ones first, too).
  if (train)
    for (const char* name : statistics)
      if (a.Has(name) && !a.Tensor(name).defined())
        ThrowError(std::string(name) + " must be defined in " + (training ? "training" : "evaluation") + " mode");
  CheckPerChannelLengths(a, channels, perChannel);
}

// Layer norm backward: the CPU kernel reads M * N values of grad_out and M of mean and rstd (M rows of
// N = prod(normalized_shape) elements in input), checking none of those counts.
void CheckLayerNormBackward(const Arguments& a) {
  at::Tensor input = a.Tensor("input"), gradOut = a.Tensor("grad_out");
  const c10::IValue* shape = a.Get("normalized_shape");
  if (!IsDenseCpu(input) || !shape || !shape->isIntList()) return;
  std::vector<int64_t> normalized = shape->toIntVector();
  const int64_t axis = input.dim() - static_cast<int64_t>(normalized.size());
  // libtorch refuses a normalized_shape that is not input's trailing shape itself.
  if (normalized.empty() || axis < 0 || !std::equal(normalized.begin(), normalized.end(), input.sizes().begin() + axis)) return;
  const int64_t rows = c10::multiply_integers(input.sizes().begin(), input.sizes().begin() + axis);
  const int64_t cols = c10::multiply_integers(normalized);
  if (rows == 0 || cols == 0) return;  // the kernel does not run
  if (gradOut.defined() && gradOut.numel() != input.numel())
    ThrowError("expected grad_out to have the " + std::to_string(input.numel()) + " elements of input " + Join(input.sizes()) + ", but got grad_out of shape " + Join(gradOut.sizes()));
  for (const char* name : {"mean", "rstd"}) {
    at::Tensor t = a.Tensor(name);
    if (t.defined() && t.numel() != rows)
      ThrowError(std::string("expected ") + name + " to have " + std::to_string(rows) + " elements (one per normalized row of input " + Join(input.sizes()) + "), but got " + name + " of shape " + Join(t.sizes()));
  }
}

// triu/tril into `out`: the CPU kernel walks every batch of out's matrices as b * out.stride(-3), so out's
// batch dims must form one run behind dim -3 (a channels_last out: wrong values, or writes past it).
// An out of other sizes is resized, hence contiguous; `self` is made contiguous by the kernel itself.
void CheckTriangularOutLayout(const at::Tensor& out, c10::IntArrayRef written, const char* name) {
  if (!IsDenseCpu(out) || out.dim() < 4 || c10::multiply_integers(written) == 0 || out.sizes() != written) return;
  int64_t expected = out.stride(-3);
  for (int64_t i = out.dim() - 3; i >= 0; --i) {
    if (out.size(i) != 1 && out.stride(i) != expected)
      ThrowError(std::string(name) + "'s batch dimensions must be laid out one after the other, as a contiguous " + name +
                 "'s are (the kernel steps through them by " + name + ".stride(-3)), but got " + name + " of shape " +
                 Join(out.sizes()) + " and strides " + Join(out.strides()) + "; use a contiguous " + name);
    expected *= out.size(i);
  }
}

void CheckTriangularOut(const Arguments& a) {
  at::Tensor self = a.Tensor("self");
  if (IsDenseCpu(self)) CheckTriangularOutLayout(a.Tensor("out"), self.sizes(), "out");
}

// lu_unpack writes L (*, m, k) and U (*, k, n) of LU (*, m, n) with tril/triu into the caller's tensors
// (k = min(m, n)); one that is LU itself is updated in place, which the kernel handles (seed 219).
void CheckLuUnpackOutsAgainst(c10::IntArrayRef luSizes, const at::Tensor& lu, const at::Tensor& L, const at::Tensor& U) {
  if (luSizes.size() < 2) return;
  std::vector<int64_t> sizes = luSizes.vec();
  const int64_t m = sizes.end()[-2], n = sizes.end()[-1], k = std::min(m, n);
  sizes.end()[-1] = k;
  if (L.defined() && !L.is_same(lu)) CheckTriangularOutLayout(L, sizes, "L");
  sizes.end()[-2] = k;
  sizes.end()[-1] = n;
  if (U.defined() && !U.is_same(lu)) CheckTriangularOutLayout(U, sizes, "U");
}

void CheckLuUnpackOut(const Arguments& a) {
  const c10::IValue* unpackData = a.Get("unpack_data");
  if (unpackData && unpackData->isBool() && !unpackData->toBool()) return;  // L and U are left empty
  at::Tensor lu = a.Tensor("LU_data");
  if (IsDenseCpu(lu)) CheckLuUnpackOutsAgainst(lu.sizes(), lu, a.Tensor("L"), a.Tensor("U"));
}

// linalg_lu factors A into L when m > n, else into U (A's sizes), then unpacks that one into the other.
void CheckLinalgLuOut(const Arguments& a) {
  at::Tensor A = a.Tensor("A"), L = a.Tensor("L"), U = a.Tensor("U");
  if (!IsDenseCpu(A) || A.dim() < 2) return;
  CheckLuUnpackOutsAgainst(A.sizes(), A.size(-2) > A.size(-1) ? L : U, L, U);
}

// Batch norm forward: reads C values from each per-channel tensor, and the running statistics in
// evaluation mode (torch.batch_norm checks that; native_batch_norm and _native_batch_norm_legit do not).
constexpr const char* kForwardPerChannel[] = {"weight", "bias", "running_mean", "running_var"};

void CheckBatchNormForward(const Arguments& a) {
  at::Tensor input = a.Tensor("input");
  if (!IsDenseCpu(input) || input.dim() < 2) return;
  const c10::IValue* train = a.Get("training");
  bool training = train && train->isBool() && train->toBool();
  if (!training && !a.Tensor("running_mean").defined()) ThrowError("running_mean must be defined in evaluation mode");
  if (!training && !a.Tensor("running_var").defined()) ThrowError("running_var must be defined in evaluation mode");
  CheckPerChannelLengths(a, input.size(1), kForwardPerChannel);
}

// batch_norm_update_stats takes batch statistics, so either running statistic may be absent.
void CheckBatchNormUpdateStats(const Arguments& a) {
  at::Tensor input = a.Tensor("input");
  if (IsDenseCpu(input) && input.dim() >= 2) CheckPerChannelLengths(a, input.size(1), kForwardPerChannel);
}

// onednn::linear_prepack_fp16 and qlinear_prepack describe the weight to oneDNN by a default format
// tag, which exists for at most 6 dims: a weight of 7 or more dims reads past it (SIGSEGV).
void CheckOneDnnWeightDims(const Arguments& a) {
  at::Tensor weight = a.Tensor("weight");
  if (IsDenseCpu(weight) && weight.dim() > 6)
    ThrowError("oneDNN takes a weight of at most 6 dimensions (a linear weight is [out_features, in_features]), but got shape " + Join(weight.sizes()));
}

// MKL's size in bytes of a packed B matrix (CblasBMatrix = 162), as mkl::_mkl_reorder_linear_weight made it;
// weak: a libtorch without MKL has neither this nor the op.
extern "C" __attribute__((weak)) size_t cblas_sgemm_pack_get_size(int identifier, int m, int n, int k);

// mkl::_mkl_linear trusts its packed weight: with batch_size input rows and an MKLDNN MKL_W it
// runs cblas_sgemm_compute on that tensor's bytes as MKL's packed [N, K] matrix and reads K values per input
// row, checking neither: an input with another last dim, or a weight smaller than the packed buffer, reads
// past them (SIGSEGV, also in PyTorch 2.13).
void CheckMklLinear(const Arguments& a) {
  at::Tensor self = a.Tensor("X"), packed = a.Tensor("MKL_W"), origin = a.Tensor("ORI_W");
  if (!self.defined() || !packed.defined() || !origin.defined() || !packed.is_mkldnn() || self.dim() == 0 || self.size(-1) == 0) return;
  if (self.numel() / self.size(-1) != IntArgument(a, "batch_size", -1)) return;  // the unpacked path: at::linear
  if (origin.dim() != 2 || origin.size(1) != self.size(-1))
    ThrowError("ORI_W must be [out_features, in_features] with in_features the input's last size " +
               std::to_string(self.size(-1)) + ", got shape " + Join(origin.sizes()));
  if (packed.scalar_type() != at::kFloat) ThrowError("MKL_W must be a float32 weight packed by mkl::_mkl_reorder_linear_weight");
  int64_t rows = self.numel() / self.size(-1), n = origin.size(0), k = origin.size(1);
  if (!cblas_sgemm_pack_get_size || rows > INT32_MAX || n > INT32_MAX || k > INT32_MAX) return;
  size_t need = cblas_sgemm_pack_get_size(162, static_cast<int>(rows), static_cast<int>(n), static_cast<int>(k));
  if (static_cast<size_t>(packed.numel()) * sizeof(float) < need)
    ThrowError("MKL_W holds " + std::to_string(packed.numel()) + " floats, but MKL's packed weight for " +
               std::to_string(rows) + " rows and a weight of shape " + Join(origin.sizes()) + " takes " + std::to_string((need + 3) / 4) +
               " (pack it with mkl::_mkl_reorder_linear_weight(weight, " + std::to_string(rows) + "))");
}

// mkldnn::_reorder_convolution_weight and _reorder_convolution_transpose_weight divide by each stride:
// 0 traps (x86 idiv).
void CheckPositiveStride(const Arguments& a) {
  const c10::IValue* stride = a.Get("stride");
  if (!stride || !stride->isIntList()) return;
  for (int64_t s : stride->toIntVector())
    if (s <= 0) ThrowRange("non-positive stride is not supported, got stride " + Join(stride->toIntVector()));
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

// The elements of t's storage from its offset on: what a kernel reading t's data pointer flat may touch.
int64_t ElementsFromOffset(const at::Tensor& t) {
  return static_cast<int64_t>(t.storage().nbytes() / t.itemsize()) - t.storage_offset();
}

// _dyn_quant_matmul_4bit's own check takes in_features modulo block_size: 0 traps (x86 idiv) whatever
// in_features is; _dyn_quant_pack_4bit_weight divides in_features by it, which traps unless both are 0.
void CheckDynQuantBlockSize(const Arguments& a) {
  const c10::IValue* blockSize = a.Get("block_size");
  int64_t inFeatures = IntArgument(a, "in_features", 0);
  if (blockSize && blockSize->isInt() && blockSize->toInt() == 0 && (inFeatures != 0 || a.Has("inp")))
    ThrowError("Group size should be multiple of 32, in_features [" + std::to_string(inFeatures) + "]. Provided 0");
}

// Its kernels read inp's data pointer as rows x in_features floats, whatever inp's shape, and the packed
// weights as out_features x ceil(in_features / 2) bytes, sized with 32-bit products.
void CheckDynQuantMatmul(const Arguments& a) {
  CheckDynQuantBlockSize(a);
  at::Tensor inp = a.Tensor("inp");
  if (!IsDenseCpu(inp) || inp.dim() == 0 || inp.size(0) == 0) return;
  int64_t rows = inp.size(0), k = IntArgument(a, "in_features", 0), n = IntArgument(a, "out_features", 0);
  auto fail = [&](const std::string& why) {
    ThrowError("in_features " + std::to_string(k) + " and out_features " + std::to_string(n) + " do not fit inp of shape " + Join(inp.sizes()) + ": " + why);
  };
  if (k < 0) fail("in_features must be non-negative");
  if (k > 0 && rows > ElementsFromOffset(inp) / k) fail("the kernel reads " + std::to_string(rows) + " rows of in_features values from inp's storage");
  if (n > 0 && k % 2 != 0) fail("in_features must be even (two 4-bit weights a byte)");
  constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
  if (n > 0 && k > 0 && n > kInt32Max * 2 / k) fail("out_features * in_features / 2 must fit in int32");
}

// choose_qparams_optimized reads `numel` floats from the input's data pointer, whatever its strides
// (an expanded input is read past its storage), and with n_bins < 0 its greedy search steps away from
// its bound forever.
void CheckChooseQparamsOptimized(const Arguments& a) {
  at::Tensor input = a.Tensor("input");
  const c10::IValue* numel = a.Get("numel");
  const c10::IValue* nBins = a.Get("n_bins");
  if (nBins && nBins->isInt() && nBins->toInt() < 0) ThrowError("n_bins must be non-negative, got " + std::to_string(nBins->toInt()));
  if (!IsDenseCpu(input) || !input.has_storage() || !numel || !numel->isInt() || numel->toInt() <= 0) return;
  int64_t available = ElementsFromOffset(input);
  if (numel->toInt() <= input.numel() && numel->toInt() > available)
    ThrowError("numel " + std::to_string(numel->toInt()) + " reaches past the input's storage (" + std::to_string(available) +
               " available from its offset): pass a contiguous input");
}

// _fused_moving_avg_obs_fq_helper's per-row path indexes with ch_axis below -self.dim() unwrapped
// (ch_axis < self.dim() is all it checks), and for a self that is not 2-d builds its permutation with
// res[ch_axis] = 0, unwrapped: a negative ch_axis writes before the dims (heap corruption past 6 dims,
// also in PyTorch 2.13; fuzz seed 237). Its per-tensor path updates element 0 of the running statistics unchecked.
void CheckFusedObsFakeQuantAxis(const Arguments& a) {
  at::Tensor self = a.Tensor("self");
  const c10::IValue* perRow = a.Get("per_row_fake_quant");
  const c10::IValue* axis = a.Get("ch_axis");
  if (!perRow || !perRow->isBool() || !perRow->toBool()) {
    for (const char* name : {"running_min", "running_max"}) {
      at::Tensor t = a.Tensor(name);
      if (t.defined() && t.numel() == 0)
        ThrowError(std::string("expected ") + name + " to have one element (per-tensor fake quantization updates it), but got shape " + Join(t.sizes()));
    }
    return;
  }
  if (!self.defined() || !axis || !axis->isInt()) return;
  int64_t rank = std::max<int64_t>(self.dim(), 1);
  if (axis->toInt() < -rank)
    ThrowDimOutOfRange(axis->toInt(), -rank, rank - 1);
  if (axis->toInt() < 0 && self.dim() != 2)
    ThrowError("per-row fake quantization of a " + std::to_string(self.dim()) + "-d self needs ch_axis from 0 to " + std::to_string(self.dim() - 1) +
               ", got " + std::to_string(axis->toInt()) + " (the kernel indexes its permutation with ch_axis as given)");
}

// native_group_norm's C++ meta function divides by group before checking it (Python's meta
// registration raises ZeroDivisionError there instead); the CPU kernel's own message, for every device.
void CheckGroupCount(const Arguments& a) {
  const c10::IValue* group = a.Get("group");
  if (group && group->isInt() && group->toInt() <= 0) ThrowError("Expected num groups to be greater than 0, got " + std::to_string(group->toInt()));
}

// quantized::linear_dynamic_fp16_unpacked_weight packs `weight` on the spot: a meta weight (no data)
// with a 0-d X reads a null buffer. Its CPU kernel wants every tensor on X's device.
void CheckSameDeviceAsX(const Arguments& a) {
  at::Tensor x = a.Tensor("X");
  if (!IsDenseCpu(x)) return;
  for (const char* name : {"weight", "bias"}) {
    at::Tensor t = a.Tensor(name);
    if (t.defined() && t.device() != x.device())
      ThrowError(std::string("Expected all tensors to be on the same device, but got ") + name + " on " + t.device().str() + ", X on " + x.device().str());
  }
}

// The quantized convolution prepacks divide by groups, truncated to 32 bits (fbgemm's conv parameters:
// SIGFPE for 0, and for 2**40, which truncates to 0); a convolution has at least one group.
void CheckPositiveGroups(const Arguments& a) {
  int64_t groups = IntArgument(a, "groups", 1);
  if (groups <= 0) ThrowError("non-positive groups is not supported, got groups " + std::to_string(groups));
  if (groups > std::numeric_limits<int32_t>::max()) ThrowRange("groups must fit in 32 bits (at most 2147483647), got groups " + std::to_string(groups));
}

// The quantized convolution prepacks (fbgemm's conv parameters) truncate stride to 32 bits and divide
// by it: 0, or 2**32 truncated to 0, is a SIGFPE; larger values are refused as another stride.
void CheckPrepackStride(const Arguments& a) {
  const c10::IValue* stride = a.Get("stride");
  if (!stride || !stride->isIntList()) return;
  for (int64_t s : stride->toIntVector()) {
    if (s == 0) ThrowError("a quantized convolution's stride must not be 0, got stride " + Join(stride->toIntVector()));
    if (s > std::numeric_limits<int32_t>::max() || s < std::numeric_limits<int32_t>::min())
      ThrowRange("stride must fit in 32 bits (at most 2147483647), got stride " + Join(stride->toIntVector()));
  }
}

void CheckConvPrepack(const Arguments& a) {
  CheckPositiveGroups(a);
  CheckPrepackStride(a);
}

// The transposed quantized convolution prepacks (x86 engine) truncate dilation to 32 bits and divide by
// it: 2**32 becomes 0 (SIGFPE). Larger values are refused, as the truncation makes them another dilation.
void CheckTransposedPrepackDilation(const Arguments& a) {
  const c10::IValue* dilation = a.Get("dilation");
  if (!dilation || !dilation->isIntList()) return;
  for (int64_t d : dilation->toIntVector())
    if (d > std::numeric_limits<int32_t>::max())
      ThrowRange("dilation must fit in 32 bits (at most 2147483647), got dilation " + Join(dilation->toIntVector()));
}

void CheckTransposedPrepack(const Arguments& a) {
  CheckPositiveGroups(a);
  CheckTransposedPrepackDilation(a);
}

// _quantized::wrapped_fbgemm_linear_fp16_weight's meta function (run when any argument is meta) reads
// the last size of X unchecked.
void CheckLinearInputNotScalar(const Arguments& a) {
  at::Tensor x = a.Tensor("X");
  if (x.defined() && x.dim() == 0) ThrowError("expected X to have at least one dimension, but got a zero-dimensional tensor");
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

// ---- more internal and backward kernels that trust their callers' shapes (fuzz-ops, libtorch 2.13) ----

std::optional<std::vector<int64_t>> IntListArgument(const Arguments& a, const char* name) {
  const c10::IValue* v = a.Get(name);
  if (!v || !v->isIntList()) return std::nullopt;
  return v->toIntVector();
}

// Kernels that read list[0..n-1] unchecked: each named int list, when given, must have exactly n values.
void CheckListLength(const Arguments& a, const char* name, size_t n) {
  auto xs = IntListArgument(a, name);
  if (xs && xs->size() != n)
    ThrowError(std::string("expected ") + name + " to have " + std::to_string(n) + " elements, but got " + Join(*xs));
}

// The quantized adaptive average pools read output_size[0..N-1] unchecked (the float ones raise first):
// a shorter list is read past its end and the output sized from that.
template <size_t N>
void CheckAdaptiveAvgPoolOutputSize(const Arguments& a) {
  auto size = IntListArgument(a, "output_size");
  if (size && size->size() != N)
    ThrowError("output_size must be " + std::to_string(N) + " elements long, but got " + Join(*size));  // begins as the float pools' message
}

// _slow_conv2d_backward reads kernel_size, stride and padding [0] and [1] before its shape check.
void CheckSlowConv2dBackward(const Arguments& a) {
  for (const char* name : {"kernel_size", "stride", "padding"}) CheckListLength(a, name, 2);
}

// _nnpack_spatial_convolution computes the output size from input, weight, padding and stride dims unchecked.
void CheckNnpackConvolution(const Arguments& a) {
  for (const char* name : {"padding", "stride"}) CheckListLength(a, name, 2);
  // The output size divides by each stride.
  if (auto stride = IntListArgument(a, "stride"))
    for (int64_t s : *stride)
      if (s <= 0) ThrowError("non-positive stride is not supported, but got stride " + Join(*stride));
  if (auto padding = IntListArgument(a, "padding"))
    for (int64_t p : *padding)
      if (p < 0) ThrowError("negative padding is not supported, but got padding " + Join(*padding));
  for (const char* name : {"input", "weight"}) {
    at::Tensor t = a.Tensor(name);
    if (t.defined() && t.dim() != 4)
      ThrowError(std::string("expected a 4-D ") + name + ", but got " + name + " of shape " + Join(t.sizes()));
  }
}

// fractional_max_pool{2,3}d_backward's meta function reads output_size[0..N-1], and the kernel reads
// indices at grad_output's positions.
template <size_t N>
void CheckFractionalMaxPoolBackward(const Arguments& a) {
  CheckListLength(a, "output_size", N);
  at::Tensor gradOutput = a.Tensor("grad_output"), indices = a.Tensor("indices");
  if (gradOutput.defined() && indices.defined() && gradOutput.sizes() != indices.sizes())
    ThrowError(std::string("expected indices of the shape of grad_output ") + Join(gradOutput.sizes()) + ", but got " + Join(indices.sizes()));
}

// The adaptive pools' backward kernels (N spatial dims) trust every size: self and grad_output are
// (batch,) channels, spatial... alike in rank and leading sizes, as the forward made them (a wider
// grad_output is read past self's planes); start and end indices divide by the output sizes (the
// forward's check: no empty non-batch dimension); the max pools' indices are positions inside one of
// self's planes, one per grad_output element (scattered to unchecked).
std::optional<std::pair<int64_t, int64_t>> IntegerRange(const at::Tensor& t);

template <int64_t N>
void CheckAdaptivePoolBackward(const Arguments& a) {
  at::Tensor gradOutput = a.Tensor("grad_output"), self = a.Tensor("self"), indices = a.Tensor("indices");
  if (!gradOutput.defined() || !self.defined()) return;
  if ((self.dim() != N + 1 && self.dim() != N + 2) || gradOutput.dim() != self.dim())
    ThrowError("expected " + std::to_string(N + 1) + "D or " + std::to_string(N + 2) + "D self and grad_output of the same rank, but got self of shape " +
               Join(self.sizes()) + " and grad_output of shape " + Join(gradOutput.sizes()));
  int64_t leading = self.dim() - N;
  if (gradOutput.sizes().slice(0, leading) != self.sizes().slice(0, leading))
    ThrowError(std::string("expected grad_output to have the batch and channel sizes of self ") + Join(self.sizes()) + ", but got " +
               Join(gradOutput.sizes()));
  for (const auto& [name, t] : {std::pair<const char*, const at::Tensor&>{"self", self}, {"grad_output", gradOutput}})
    for (int64_t i = self.dim() - N - 1; i < t.dim(); ++i)
      if (t.size(i) == 0)
        ThrowError(std::string("expected ") + name + " to have non-zero size for non-batch dimensions, but " + name + " has sizes " +
                   Join(t.sizes()) + " with dimension " + std::to_string(i) + " being empty");
  if (!indices.defined()) return;
  if (indices.sizes() != gradOutput.sizes())
    ThrowError(std::string("expected indices of the shape of grad_output ") + Join(gradOutput.sizes()) + ", but got " + Join(indices.sizes()));
  int64_t plane = c10::multiply_integers(self.sizes().slice(leading));
  if (auto range = IntegerRange(indices); range && (range->first < 0 || range->second >= plane))
    ThrowRange("indices must be positions in one of self's planes, in [0, " + std::to_string(plane) + "), but got values from " +
               std::to_string(range->first) + " to " + std::to_string(range->second));
}

// _batch_norm_impl_index_backward sums an empty input over dims {0, 2, 3, ...}, written into a vector
// of input.dim() - 1 entries: a 1-d input writes past it. Non-empty input goes to native_batch_norm_backward.
void CheckBatchNormImplIndexBackward(const Arguments& a) {
  at::Tensor input = a.Tensor("input");
  if (input.defined() && input.dim() < 2)
    ThrowError("expected input with at least 2 dims (N, C, ...), but got input of shape " + Join(input.sizes()));
  if (input.defined() && input.numel() > 0) CheckBatchNormBackward(a);
}

// _cummax_helper / _cummin_helper write values and indices with self's shape along a wrapped dim
// (cummax / cummin resize them first).
void CheckCumHelper(const Arguments& a) {
  at::Tensor self = a.Tensor("self"), values = a.Tensor("values"), indices = a.Tensor("indices");
  if (!self.defined()) return;
  int64_t dim = IntArgument(a, "dim", 0), rank = std::max<int64_t>(self.dim(), 1);
  if (dim < -rank || dim >= rank)
    ThrowDimOutOfRange(dim, -rank, rank - 1);
  for (const auto& [name, t] : {std::pair<const char*, const at::Tensor&>{"values", values}, {"indices", indices}})
    if (t.defined() && t.sizes() != self.sizes())
      ThrowError(std::string("expected ") + name + " to have the shape of self " + Join(self.sizes()) + ", but got " + Join(t.sizes()));
}

// _transform_bias_rescale_qkv: qkv is [B, T, 3 * D] with D divisible by num_heads (D % num_heads
// divides by zero for 0 heads), qkv_bias holds 3 * D values.
void CheckTransformBiasRescaleQkv(const Arguments& a) {
  at::Tensor qkv = a.Tensor("qkv"), bias = a.Tensor("qkv_bias");
  int64_t heads = IntArgument(a, "num_heads", 1);
  if (heads <= 0) ThrowError(std::string("expected num_heads to be positive, but got ") + std::to_string(heads));
  if (!qkv.defined() || qkv.is_nested()) return;
  if (qkv.dim() != 3) ThrowError(std::string("expected qkv of shape [B, T, 3 * D], but got ") + Join(qkv.sizes()));
  int64_t width = qkv.size(2);
  if (width % 3 != 0) ThrowError(std::string("third dimension must be a multiple of 3, but got qkv of shape ") + Join(qkv.sizes()));
  if ((width / 3) % heads != 0)
    ThrowError(std::string("embedding dim ") + std::to_string(width / 3) + " must divide into num_heads " + std::to_string(heads));
  if (bias.defined() && bias.numel() != width)
    ThrowError(std::string("expected qkv_bias to have ") + std::to_string(width) + " elements (3 * D), but got qkv_bias of shape " +
               Join(bias.sizes()));
}

// _cdist_backward: x1 [..., r1, c] and x2 [..., r2, c] with the same c; grad and cdist hold one value
// per pair, batch dims broadcast.
void CheckCdistBackward(const Arguments& a) {
  at::Tensor grad = a.Has("grad") ? a.Tensor("grad") : a.Tensor("grad_output");  // renamed in 2.14
  at::Tensor x1 = a.Tensor("x1"), x2 = a.Tensor("x2"), cdist = a.Tensor("cdist");
  if (!x1.defined() || !x2.defined()) return;
  if (x1.dim() < 2 || x2.dim() < 2)
    ThrowError("cdist only supports at least 2D tensors, X1 got: " + std::to_string(x1.dim()) + "D, X2 got: " + std::to_string(x2.dim()) + "D");
  if (x1.size(-1) != x2.size(-1))
    ThrowError("X1 and X2 must have the same number of columns. X1: " + std::to_string(x1.size(-1)) + " X2: " + std::to_string(x2.size(-1)));
  const c10::IValue* p = a.Get("p");
  if (p && p->isDouble() && !(p->toDouble() >= 0)) ThrowError("cdist only supports non-negative p values");
  std::vector<int64_t> expected = at::infer_size(x1.sizes().slice(0, x1.dim() - 2), x2.sizes().slice(0, x2.dim() - 2));
  expected.insert(expected.end(), {x1.size(-2), x2.size(-2)});
  int64_t pairs = c10::multiply_integers(expected);
  for (const auto& [name, t] : {std::pair<const char*, const at::Tensor&>{"grad", grad}, {"cdist", cdist}})
    if (t.defined() && t.numel() != pairs)
      ThrowError(std::string("expected ") + name + " of shape " + Join(expected) + ", but got " + Join(t.sizes()));
}

// _pdist_backward: self is a 2-D, non-empty [n, m]; grad and pdist hold n * (n - 1) / 2 values
// (the kernel's grain size divides by n * n).
void CheckPdistBackward(const Arguments& a) {
  at::Tensor grad = a.Tensor("grad"), self = a.Tensor("self"), pdist = a.Tensor("pdist");
  if (!self.defined()) return;
  if (self.dim() != 2) ThrowError("pdist only supports 2D tensors, got: " + std::to_string(self.dim()) + "D");
  const c10::IValue* p = a.Get("p");
  if (p && p->isDouble() && !(p->toDouble() >= 0)) ThrowError("pdist only supports non-negative p values");
  int64_t n = self.size(0);
  if (n == 0) ThrowError("expected self with at least one row, but got self of shape " + Join(self.sizes()));
  int64_t pairs = n * (n - 1) / 2;
  for (const auto& [name, t] : {std::pair<const char*, const at::Tensor&>{"grad", grad}, {"pdist", pdist}})
    if (t.defined() && (t.dim() != 1 || t.numel() != pairs))
      ThrowError(std::string("expected ") + name + " of shape [" + std::to_string(pairs) + "] (one value per pair of rows of self " +
                 Join(self.sizes()) + "), but got " + Join(t.sizes()));
}

// _cholesky_solve_helper: self [*, n, k] and A [*, n, n] with the same batch dims (cholesky_solve
// broadcasts and checks them first); LAPACK reads with those sizes.
void CheckCholeskySolveHelper(const Arguments& a) {
  at::Tensor self = a.Tensor("self"), factor = a.Tensor("A");
  if (!self.defined() || !factor.defined()) return;
  if (self.dim() < 2 || factor.dim() < 2)
    ThrowError("expected self and A with at least 2 dims, but got " + Join(self.sizes()) + " and " + Join(factor.sizes()));
  if (factor.size(-1) != factor.size(-2))
    ThrowError("A must be batches of square matrices, but they are " + std::to_string(factor.size(-2)) + " by " +
               std::to_string(factor.size(-1)) + " matrices");
  if (self.size(-2) != factor.size(-1) || self.sizes().slice(0, self.dim() - 2) != factor.sizes().slice(0, factor.dim() - 2))
    ThrowError("Incompatible matrix sizes for _cholesky_solve_helper: each A matrix is " + std::to_string(factor.size(-1)) + " by " +
               std::to_string(factor.size(-1)) + " but each b matrix is " + std::to_string(self.size(-2)) + " by " + std::to_string(self.size(-1)) +
               " (and the batch dims must match: " + Join(self.sizes()) + " and " + Join(factor.sizes()) + ")");
}

// The minimum and maximum of a dense CPU integer tensor with elements; nullopt for other tensors,
// which the kernels check or do not read.
std::optional<std::pair<int64_t, int64_t>> IntegerRange(const at::Tensor& t) {
  if (!IsDenseCpu(t) || t.numel() == 0 || !c10::isIntegralType(t.scalar_type(), false)) return std::nullopt;
  c10::AutoGradMode noGrad(false);
  return std::pair{at::min(t).item<int64_t>(), at::max(t).item<int64_t>()};
}

// _convert_indices_from_coo_to_csr writes out[i] for i up to each index, into size + 1 entries.
void CheckCooToCsr(const Arguments& a) {
  at::Tensor self = a.Tensor("self");
  int64_t size = IntArgument(a, "size", 0);
  if (size < 0) ThrowRange("size must be non-negative, but got " + std::to_string(size));
  if (auto range = IntegerRange(self); range && (range->first < 0 || range->second > size))
    ThrowRange("indices must be in [0, size], with size " + std::to_string(size) + ", but got values from " +
               std::to_string(range->first) + " to " + std::to_string(range->second));
}

// _convert_indices_from_csr_to_coo fills out[crow[i] .. crow[i + 1]) per row of each batch, in nnz =
// col_indices.size(-1) entries: crow_indices must be non-decreasing within [0, nnz], with col's batch dims.
void CheckCsrToCoo(const Arguments& a) {
  at::Tensor crow = a.Tensor("crow_indices"), col = a.Tensor("col_indices");
  if (!IsDenseCpu(crow) || !col.defined() || crow.dim() == 0 || col.dim() == 0) return;
  if (crow.dim() != col.dim() || crow.sizes().slice(0, crow.dim() - 1) != col.sizes().slice(0, col.dim() - 1))
    ThrowError("expected crow_indices and col_indices with the same batch dims, but got " + Join(crow.sizes()) + " and " + Join(col.sizes()));
  int64_t rows = crow.size(-1) - 1, nnz = col.size(-1);
  const auto range = rows > 0 && nnz > 0 ? IntegerRange(crow) : std::nullopt;
  if (!range) return;
  if (range->first < 0 || range->second > nnz)
    ThrowRange("crow_indices must be in [0, nnz] with nnz = col_indices.size(-1) = " + std::to_string(nnz) + ", but got values from " +
               std::to_string(range->first) + " to " + std::to_string(range->second));
  c10::AutoGradMode noGrad(false);
  if (!crow.narrow(-1, 1, rows).ge(crow.narrow(-1, 0, rows)).all().item<bool>())
    ThrowError("crow_indices must be non-decreasing along its last dim");
}

// _new_zeros_with_same_feature_meta copies self's first self_num_batch_dims sizes.
void CheckNewZerosWithSameFeatureMeta(const Arguments& a) {
  at::Tensor self = a.Tensor("self");
  int64_t batchDims = IntArgument(a, "self_num_batch_dims", 0);
  if (self.defined() && (batchDims < 0 || batchDims > self.dim()))
    ThrowRange("self_num_batch_dims must be in [0, " + std::to_string(self.dim()) + "] (self's dims), but got " +
               std::to_string(batchDims));
}

// mkldnn::_reorder_mkldnn_rnn_layer_weight reads input_size[0] and [1] and views the weights as
// [4 * hidden_size, feature_size] and [4 * hidden_size, hidden_size] (LSTM gates) unchecked.
void CheckReorderMkldnnRnnLayerWeight(const Arguments& a) {
  auto inputSize = IntListArgument(a, "input_size");
  if (inputSize && inputSize->size() != 3)
    ThrowError(std::string("expected input_size [time, batch, feature] (3 elements), but got ") + Join(*inputSize));
  if (inputSize)
    for (int64_t s : *inputSize)
      if (s <= 0) ThrowError(std::string("expected positive sizes in input_size, but got ") + Join(*inputSize));
  int64_t hidden = IntArgument(a, "hidden_size", 0);
  if (hidden <= 0) ThrowError(std::string("expected hidden_size to be positive, but got ") + std::to_string(hidden));
  at::Tensor w0 = a.Tensor("weight0"), w1 = a.Tensor("weight1");
  if (!w0.defined() || !w1.defined()) return;
  if (w0.dim() != 2 || w0.size(0) != 4 * hidden || w0.size(1) == 0 || !w0.is_contiguous())
    ThrowError(std::string("expected a contiguous weight0 of shape [4 * hidden_size, feature_size] with hidden_size ") + std::to_string(hidden) +
               ", but got " + Join(w0.sizes()));
  if (w1.dim() != 2 || w1.size(0) != 4 * hidden || w1.size(1) != hidden || !w1.is_contiguous())
    ThrowError(std::string("expected a contiguous weight1 of shape [") + std::to_string(4 * hidden) + ", " + std::to_string(hidden) + "], but got " +
               Join(w1.sizes()));
}

// random_(from, to=None) on a floating tensor: libtorch's update_from computes from + 1, which for
// INT64_MAX wraps to INT64_MIN, then loops forever shifting its negative absolute value. PyTorch's
// own check (from < 2^digits of the dtype) would reject every such from; raise it before the loop.
void CheckRandomFrom(const Arguments& a) {
  at::Tensor self = a.Tensor("self");
  const c10::IValue* from = a.Get("from");
  if (!self.defined() || !from || !from->isInt() || a.Get("to") || !c10::isFloatingType(self.scalar_type())) return;
  if (from->toInt() != std::numeric_limits<int64_t>::max()) return;
  int digits = 0;
  AT_DISPATCH_FLOATING_TYPES_AND2(c10::kHalf, c10::kBFloat16, self.scalar_type(), "random_", [&] { digits = std::numeric_limits<scalar_t>::digits; });
  int64_t toInc = digits >= 63 ? std::numeric_limits<int64_t>::max() : int64_t{1} << digits;
  ThrowError("random_ expects 'from' casted to dtype to be less than or equal to 'to_inc' casted to dtype, but got from=" +
             std::to_string(from->toInt()) + " > to_inc=" + std::to_string(toInc));
}

// _logcumsumexp.out writes self's dtype into out's buffer (logcumsumexp.out checks the dtype first):
// a narrower out is written past its end.
void CheckOutDtypeOfSelf(const Arguments& a) {
  at::Tensor self = a.Tensor("self"), out = a.Tensor("out");
  if (self.defined() && out.defined() && out.scalar_type() != self.scalar_type())
    ThrowError(std::string("expected scalar_type ") + c10::toString(self.scalar_type()) + " but found " + c10::toString(out.scalar_type()) +
               " (out must have self's dtype)");
}

// ---- sparse, mkldnn and quantized tensors where a kernel expects strided ones ----

// The functional copy (and _foreach_copy, which calls it per tensor) clones self, reading its storage's
// size unchecked: sparse and mkldnn tensors have none. copy_ handles them.
void ThrowIfNoStorage(const at::Tensor& self, const std::string& what) {
  if (self.defined() && !self.has_storage())
    ThrowError(what + " must be a tensor with storage (the functional copy clones it), but got a torch." + LayoutName(self.layout()) +
               " tensor; copy_ takes it");
}

void CheckCopySelf(const Arguments& a) { ThrowIfNoStorage(a.Tensor("self"), "self"); }

void CheckForeachCopy(const c10::FunctionSchema& schema, const std::vector<c10::IValue>& stack) {
  CheckForeachLists(schema, stack);
  const c10::IValue* self = Arguments(schema, stack).Get("self");
  if (!self || !self->isTensorList()) return;
  size_t i = 0;
  for (const at::Tensor& t : self->toTensorList()) ThrowIfNoStorage(t, "self[" + std::to_string(i++) + "]");
}

// The quantized cat kernel reads its first input unchecked, and an empty list dispatches on out alone.
void CheckCatInputs(const Arguments& a) {
  const c10::IValue* tensors = a.Get("tensors");
  if (tensors && tensors->isList() && tensors->toListRef().empty()) ThrowError("expected a non-empty list of Tensors");
}

// A quantized tensor with the negative bit recurses without end on its next op (the negation fallback
// clones it; the quantized clone dispatches back to the fallback): _neg_view_copy is such an op.
void CheckNegViewSelf(const Arguments& a) {
  at::Tensor self = a.Tensor("self");
  if (self.defined() && self.is_quantized())
    ThrowError(std::string("quantized tensors cannot take the negative bit (got a torch.") + DTypeName(self.scalar_type()) +
               " tensor): libtorch 2.13 recurses without end resolving it");
}

// view(dtype) of a quantized tensor keeps the quantized dispatch keys on a plain TensorImpl: its next
// clone (view_copy's own, or any later op's) reads a quantizer that is not there.
void CheckViewDtypeSelf(const Arguments& a) {
  at::Tensor self = a.Tensor("self");
  if (self.defined() && self.is_quantized())
    ThrowError(std::string("view(dtype) is not supported for quantized tensors (got a torch.") + DTypeName(self.scalar_type()) +
               " tensor): its result cannot be read; int_repr() gives the stored integers");
}

// The in-place index and scatter ops check that self and their other tensors do not overlap before
// anything else, reading each one's storage: an mkldnn tensor has none (an mkldnn self is rejected later).
void CheckNoMkldnnOperand(const Arguments& a) {
  at::Tensor self = a.Tensor("self");
  if (!self.defined() || self.is_mkldnn()) return;
  for (const char* name : {"index", "source", "src"}) {
    at::Tensor t = a.Tensor(name);
    if (t.defined() && t.is_mkldnn()) ThrowError(std::string("unsupported tensor layout: Mkldnn (argument '") + name + "')");
  }
}

// cummaxmin_backward scatters grad into zeros like input with scatter_add_, inside libtorch (past the entry check
// above): an MKLDNN grad is read as strided memory (SIGSEGV, also in PyTorch 2.13; fuzz seed 259).
void CheckCummaxminBackward(const Arguments& a) {
  at::Tensor grad = a.Tensor("grad"), input = a.Tensor("input");
  if (grad.defined() && grad.is_mkldnn() && input.defined() && input.numel() > 0)
    ThrowError("unsupported tensor layout: Mkldnn (argument 'grad'); pass grad.toDense()");
}

// _chunk_cat pads each input's sizes at dim, which the scalar wrap lets through as 0 or -1 for 0-d ones.
void CheckChunkCatInputs(const Arguments& a) {
  const c10::IValue* tensors = a.Get("tensors");
  if (!tensors || !tensors->isTensorList()) return;
  size_t i = 0;
  for (const at::Tensor& t : tensors->toTensorList()) {
    if (t.defined() && t.dim() == 0)
      ThrowError("expects tensors of at least one dimension, but got a zero-dimensional tensor at position " + std::to_string(i));
    ++i;
  }
}

// The oneDNN path of the exact GELU backward (float32 or bfloat16, contiguous self) hands grad_output to
// oneDNN with self's shape: a broadcast grad_output is read out of bounds. The other paths broadcast.
// Next to an mkldnn tensor, oneDNN views the strided one through its strides: with all of them 0 (one
// element broadcast) it divides by zero or reads past it.
void CheckGeluBackwardShapes(const Arguments& a) {
  at::Tensor grad = a.Tensor("grad_output"), self = a.Tensor("self");
  if (!grad.defined() || !self.defined()) return;
  if (grad.is_mkldnn() != self.is_mkldnn()) {
    const char* name = grad.is_mkldnn() ? "self" : "grad_output";
    const at::Tensor& dense = grad.is_mkldnn() ? self : grad;
    bool broadcastScalar = dense.layout() == c10::kStrided && dense.numel() > 1;
    for (int64_t d = 0; broadcastScalar && d < dense.dim(); ++d)
      if (dense.size(d) > 1 && dense.stride(d) != 0) broadcastScalar = false;
    if (broadcastScalar)
      ThrowError(std::string(name) + " is one element expanded to " + Join(dense.sizes()) +
                 " (all strides 0) next to an mkldnn tensor, which oneDNN cannot read; call contiguous() on it");
  }
  if (grad.sizes() == self.sizes()) return;
  const c10::IValue* approximate = a.Get("approximate");
  bool exact = !approximate || !approximate->isString() || approximate->toStringRef() == "none";
  bool oneDnnDtype = self.scalar_type() == c10::kFloat || self.scalar_type() == c10::kBFloat16 || self.is_mkldnn();
  if (exact && oneDnnDtype && self.device().is_cpu() && self.numel() > 1 && (self.is_mkldnn() || self.is_contiguous()) &&
      at::globalContext().userEnabledMkldnn())
    ThrowError("grad_output tensor shape must match self tensor shape. Got self.shape = " + Join(self.sizes()) +
               " grad_output.shape = " + Join(grad.sizes()));
}

// select on a strided nested tensor tests its loop against the unwrapped dim: a negative one writes
// ndims sizes into rows of ndims - 1 and skips the index check.
void CheckNestedSelectDim(const Arguments& a) {
  at::Tensor self = a.Tensor("self");
  if (!self.defined() || !self.is_nested() || self.layout() != c10::kStrided) return;
  int64_t dim = IntArgument(a, "dim", 0);
  if (dim < 0 && dim >= -(self.dim() - 1))
    ThrowError("negative dim " + std::to_string(dim) + " is not supported for nested tensors; use dim " + std::to_string(dim + self.dim()));
}

// mkldnn_rnn_layer builds a oneDNN LSTM whatever the mode (the others fail there, but GRU's weight
// shuffle first indexes three chunks of each weight), and views its tensors as dense, of the sizes
// it expects, without checking them.
void CheckMkldnnRnnMode(const Arguments& a) {
  int64_t mode = IntArgument(a, "mode", 2);
  if (mode != 2) ThrowError("only LSTM (mode 2) is supported, got mode " + std::to_string(mode));
}

void CheckMkldnnRnnLayer(const Arguments& a) {
  CheckMkldnnRnnMode(a);
  at::Tensor input = a.Tensor("input");
  if (!input.defined()) return;
  if (input.dim() != 3 || !input.is_contiguous())
    ThrowError("expected a contiguous 3-d input, but got shape " + Join(input.sizes()) + " and strides " + Join(input.strides()));
  const c10::IValue* batchFirst = a.Get("batch_first");
  int64_t batch = input.size(batchFirst && batchFirst->isBool() && batchFirst->toBool() ? 0 : 1), features = input.size(2);
  int64_t hidden = IntArgument(a, "hidden_size", 0);
  auto expectNumel = [&](const char* name, int64_t n, bool contiguous) {
    at::Tensor t = a.Tensor(name);
    if (t.defined() && (t.numel() != n || (contiguous && !t.is_contiguous())))
      ThrowError(std::string("expected ") + (contiguous ? "a contiguous " : "") + name + " of " + std::to_string(n) + " elements (hidden_size " +
                 std::to_string(hidden) + ", batch " + std::to_string(batch) + ", input features " + std::to_string(features) + "), but got shape " +
                 Join(t.sizes()));
  };
  expectNumel("hx_", batch * hidden, true);
  expectNumel("cx_", batch * hidden, true);
  expectNumel("weight0", 4 * hidden * features, true);
  expectNumel("weight1", 4 * hidden * hidden, true);
  const c10::IValue* hasBiases = a.Get("has_biases");
  if (hasBiases && hasBiases->isBool() && hasBiases->toBool()) {
    expectNumel("weight2", 4 * hidden, false);
    expectNumel("weight3", 4 * hidden, false);
  }
}

// ---- values the kernels trust ----

// Squaring for a negative n runs on abs(n), which INT64_MIN overflows: the loop never reaches 0.
void CheckMatrixPowerExponent(const Arguments& a) {
  if (IntArgument(a, "n", 0) == std::numeric_limits<int64_t>::min())
    ThrowRange("the exponent n must be greater than -9223372036854775808 (abs(n) must be representable as int64), but got -9223372036854775808");
}

// rrelu_with_noise in training writes self.numel() values flat through out's and noise's data pointers:
// out is not resized, and an expanded noise is written past its storage.
void CheckRreluWithNoise(const Arguments& a) {
  const c10::IValue* training = a.Get("training");
  at::Tensor self = a.Tensor("self"), noise = a.Tensor("noise"), out = a.Tensor("out");
  if (!training || !training->isBool() || !training->toBool() || !IsDenseCpu(self)) return;
  if (out.defined() && out.numel() < self.numel())
    ThrowError("out must have at least as many elements as self when training=True (out is not resized). Got self.shape = " + Join(self.sizes()) +
               " out.shape = " + Join(out.sizes()));
  if (IsDenseCpu(noise) && noise.has_storage() && self.numel() > ElementsFromOffset(noise))
    ThrowError("unsupported operation: more than one element of the written-to tensor 'noise' refers to a single memory location. "
               "Please clone() the tensor before performing the operation.");
}

// For a dense CPU integer tensor: a value outside [lo, hi] (its minimum if that is below lo, else its
// maximum), if any; nullopt for other tensors (IntegerRange).
std::optional<int64_t> ValueOutside(const at::Tensor& t, int64_t lo, int64_t hi) {
  const auto range = IntegerRange(t);
  if (range && range->first < lo) return range->first;
  if (range && range->second > hi) return range->second;
  return std::nullopt;
}

// range into an integer dtype steps by the step converted to that dtype: a fractional one (0.5, 1e-320)
// becomes 0, which the kernel divides by (SIGFPE) after checking the unconverted step for zero.
void CheckRangeStep(const Arguments& a) {
  const c10::IValue* step = a.Get("step");
  if (!step || !step->isScalar()) return;
  at::Tensor out = a.Tensor("out");
  const c10::IValue* dtype = a.Get("dtype");
  std::optional<c10::ScalarType> result;
  if (out.defined()) result = out.scalar_type();
  else if (dtype && dtype->isInt()) result = static_cast<c10::ScalarType>(dtype->toInt());
  if (!result || !c10::isIntegralType(*result, true) || step->toScalar().isIntegral(true)) return;
  const double value = step->toScalar().toDouble();
  if (value != 0 && std::abs(value) < 1) {
    std::ostringstream os;
    os << "step must be nonzero: step " << value << " is 0 in the result's dtype " << DTypeName(*result);
    ThrowRange(os.str());
  }
}

// arange and range into int64 count their elements in int64, (end - start + step - sign(step)) / step
// and (end - start) / step: with step -1 that is the span itself, and a span that wraps to INT64_MIN
// divided by -1 traps (x86 idiv). Other dtypes count in double.
void CheckInt64RangeSpan(const Arguments& a) {
  const c10::IValue *start = a.Get("start"), *end = a.Get("end"), *step = a.Get("step");
  if (!start || !end || !step || !start->isScalar() || !end->isScalar() || !step->isScalar()) return;
  const c10::Scalar first = start->toScalar(), last = end->toScalar(), by = step->toScalar();
  at::Tensor out = a.Tensor("out");
  const c10::IValue* dtype = a.Get("dtype");
  bool int64Result;
  if (out.defined()) int64Result = out.scalar_type() == c10::kLong;
  else if (dtype && dtype->isInt()) int64Result = static_cast<c10::ScalarType>(dtype->toInt()) == c10::kLong;
  else int64Result = first.isIntegral(false) && last.isIntegral(false) && by.isIntegral(false);  // inferred: int64
  if (!int64Result) return;
  auto asInt64 = [](const c10::Scalar& v) -> std::optional<int64_t> {
    if (v.isIntegral(false)) return v.toLong();
    if (!v.isFloatingPoint()) return std::nullopt;
    const double d = v.toDouble();
    return d >= -0x1p63 && d < 0x1p63 ? std::optional<int64_t>(static_cast<int64_t>(d)) : std::nullopt;
  };
  const auto from = asInt64(first), to = asInt64(last), stride = asInt64(by);
  if (!from || !to || stride != -1) return;
  if (static_cast<int64_t>(static_cast<uint64_t>(*to) - static_cast<uint64_t>(*from)) == std::numeric_limits<int64_t>::min())
    ThrowRange("invalid size, possible overflow?: (end - start) / step overflows int64 for start " + std::to_string(*from) + ", end " +
               std::to_string(*to) + " and step -1");
}

void CheckRange(const Arguments& a) {
  CheckRangeStep(a);
  CheckInt64RangeSpan(a);
}

// segment_reduce reads data rows at offsets[i] .. offsets[i+1] and at the running sum of lengths, unchecked
// for offsets (even with unsafe=False) and for lengths with unsafe=True: past data's end, or at -2**63.
void CheckSegmentBounds(const Arguments& a) {
  at::Tensor data = a.Tensor("data");
  if (!IsDenseCpu(data) || data.dim() == 0) return;
  const int64_t axis = IntArgument(a, "axis", 0);
  if (axis < -data.dim() || axis >= data.dim()) return;  // the kernel's own dim check answers
  const int64_t rows = data.size(axis < 0 ? axis + data.dim() : axis);
  c10::AutoGradMode noGrad(false);
  at::Tensor offsets = a.Tensor("offsets"), lengths = a.Tensor("lengths");
  if (auto bad = ValueOutside(offsets, 0, rows))
    ThrowRange("offsets must lie in [0, " + std::to_string(rows) + "] (data.size(axis)), but got an offset of " + std::to_string(*bad));
  if (auto range = lengths.defined() && lengths.dim() > 0 ? IntegerRange(lengths) : std::nullopt) {
    if (range->first < 0) ThrowRange("lengths contains negative value!");
    // Summed in int64 (int32 lengths could wrap); the kernel adds them up one row of segments at a time.
    const int64_t most = at::max(lengths.to(c10::kLong).sum(-1)).item<int64_t>();
    if (most > rows)
      ThrowRange("the lengths of a row of segments must sum to at most data.size(axis) = " + std::to_string(rows) + ", but sum to " + std::to_string(most));
  }
}

// lcm divides self by gcd(self, other) as computed in the dtype: for self = INT_MIN, whose abs()
// overflows, that gcd can come out as -1 (with 255, not with 3), and INT_MIN / -1 traps (x86 idiv).
template <typename T>
T KernelGcd(T a, T b) {  // aten's calc_gcd, with its abs() wrapping as the kernel's does
  using U = std::make_unsigned_t<T>;
  a = a < 0 ? static_cast<T>(U(0) - static_cast<U>(a)) : a;
  b = b < 0 ? static_cast<T>(U(0) - static_cast<U>(b)) : b;
  while (a != 0) {
    T c = a;
    a = a == -1 ? 0 : b % a;  // INT_MIN % -1 would trap here; it is 0
    b = c;
  }
  return b;
}

template <typename T>
void CheckLcmPairs(const at::Tensor& self, const at::Tensor& other) {
  at::Tensor pick = at::eq(self, std::numeric_limits<T>::min());
  if (!at::any(pick).item<bool>()) return;
  at::Tensor others = other.masked_select(pick).contiguous();
  const T* b = others.data_ptr<T>();
  for (int64_t i = 0; i < others.numel(); ++i)
    if (KernelGcd<T>(std::numeric_limits<T>::min(), b[i]) == -1)
      ThrowRange("the result of lcm(" + std::to_string(std::numeric_limits<T>::min()) + ", " + std::to_string(b[i]) + ") overflows " +
                 (sizeof(T) == 8 ? "int64" : "int32"));
}

void CheckLcmOverflow(const Arguments& a) {
  at::Tensor self = a.Tensor("self"), other = a.Tensor("other");
  if (!IsDenseCpu(self) || !IsDenseCpu(other)) return;
  const c10::ScalarType common = at::result_type(self, other);
  if (common != c10::kInt && common != c10::kLong) return;  // narrower ints divide as int
  c10::AutoGradMode noGrad(false);
  const std::vector<int64_t> shape = at::infer_size(self.sizes(), other.sizes());  // the kernel's view of the pair
  const at::Tensor lhs = self.to(common).expand(shape), rhs = other.to(common).expand(shape);
  if (common == c10::kLong) CheckLcmPairs<int64_t>(lhs, rhs);
  else CheckLcmPairs<int32_t>(lhs, rhs);
}

// lstm with projections (hidden and cell states of different widths) takes one cell state per hidden
// state's layer unchecked: fewer cell states are read past the list.
void CheckLstmStates(const Arguments& a) {
  const c10::IValue* hx = a.Get("hx");
  if (!hx || !hx->isTensorList()) return;
  c10::List<at::Tensor> states = hx->toTensorList();
  if (states.size() != 2) return;  // the kernel's own check answers
  const at::Tensor h = states.get(0), c = states.get(1);
  if (!h.defined() || !c.defined() || h.dim() < 3 || c.dim() < 3 || h.size(2) == c.size(2)) return;
  if (c.size(0) < h.size(0))
    ThrowError("expected as many cell states as hidden states along dim 0 (one per layer and direction), but got hx[0] of shape " +
               Join(h.sizes()) + " and hx[1] of shape " + Join(c.sizes()));
}

// _convolution_double_backward views ggb as [1, C, 1, ...] with gO's number of dimensions, setting
// the size of dim 1 unchecked: a 0-d gO is written past (SIGSEGV).
void CheckConvDoubleBackwardBias(const Arguments& a) {
  at::Tensor ggb = a.Tensor("ggb"), gO = a.Tensor("gO");
  if (ggb.defined() && gO.defined() && gO.dim() < 2)
    ThrowRange("expected gO to have at least 2 dimensions (batch, channels, ...) when ggb is given, but got shape " + Join(gO.sizes()));
}

// max_pool1d's output size wraps for a kernel of 2**32 or more (PyTorch 2.13 returns one pooled value
// for a 1-element input instead of its "Invalid computed output size: 0") and the kernel then loops
// over the whole kernel: 2**40 is hours. The size computed in 128 bits, as pooling_output_shape does.
void CheckMaxPool1dOutputSize(const Arguments& a) {
  at::Tensor self = a.Tensor("self");
  const c10::IValue *kernel = a.Get("kernel_size"), *stride = a.Get("stride"), *padding = a.Get("padding"), *dilation = a.Get("dilation");
  // Only a shape the kernel's own check accepts (2-D or 3-D, empty only in the batch dim): the others get its message.
  if (!self.defined() || self.dim() < 2 || self.dim() > 3 || self.size(-1) == 0 || self.size(-2) == 0 || !kernel ||
      !kernel->isIntList() || kernel->toIntVector().size() != 1)
    return;
  auto single = [](const c10::IValue* v, int64_t fallback) -> std::optional<int64_t> {
    if (!v || !v->isIntList() || v->toIntVector().empty()) return fallback;
    return v->toIntVector().size() == 1 ? std::optional<int64_t>(v->toIntVector()[0]) : std::nullopt;
  };
  const int64_t k = kernel->toIntVector()[0];
  const auto s = single(stride, k), p = single(padding, 0), d = single(dilation, 1);
  if (!s || !p || !d || k <= 0 || *s <= 0 || *p < 0 || *d <= 0) return;  // the kernel's own checks answer
  const c10::IValue* ceil = a.Get("ceil_mode");
  const bool ceilMode = ceil && ceil->isBool() && ceil->toBool();
  using Wide = __int128;
  const Wide length = self.size(-1), span = length + 2 * Wide(*p) - Wide(*d) * (k - 1) - 1 + (ceilMode ? *s - 1 : 0);
  Wide out = (span >= 0 ? span / *s : -((-span + *s - 1) / *s)) + 1;  // division rounding down
  if (ceilMode && (out - 1) * *s >= length + *p) --out;
  if (out <= 0)
    ThrowRange("Invalid computed output size: " + std::to_string(static_cast<long long>(std::max<Wide>(out, INT64_MIN))) + " (input length " +
               std::to_string(self.size(-1)) + ", kernel_size " + std::to_string(k) + ")");
}

// _scaled_dot_product_attention_math with enable_gqa divides the query's heads by the key's and the
// value's (dim -3) before anything checks them: 0 heads trap (x86 idiv).
void CheckGqaHeads(const Arguments& a) {
  const c10::IValue* gqa = a.Get("enable_gqa");
  if (!gqa || !gqa->isBool() || !gqa->toBool()) return;
  for (const char* name : {"key", "value"}) {
    at::Tensor t = a.Tensor(name);
    if (t.defined() && t.dim() >= 3 && t.size(-3) == 0)
      ThrowRange(std::string("Number of heads in key and value must divide the number of heads in query, but ") + name + " has 0 heads (shape " +
                 Join(t.sizes()) + ")");
  }
}

// The CPU flash attention kernel splits its work by the query's positions and the key's and value's
// heads and positions, dividing by each: one of them 0 is a SIGFPE (value heads 0: a SIGSEGV). The
// backward divides by the key's and value's heads only.
void CheckFlashAttentionCpuSizes(const Arguments& a, bool backward) {
  at::Tensor q = a.Tensor("query"), k = a.Tensor("key"), v = a.Tensor("value");
  if (!q.defined() || !k.defined() || !v.defined() || q.dim() != 4 || k.dim() != 4 || v.dim() != 4) return;  // the kernel's own checks answer
  const bool empty = k.size(1) == 0 || v.size(1) == 0 || (!backward && (q.size(2) == 0 || k.size(2) == 0 || v.size(2) == 0));
  if (empty)
    ThrowRange(std::string("the CPU flash attention kernel needs ") + (backward ? "" : "a query with one position or more and ") +
               "a key and value with one head " + (backward ? "" : "and one position ") + "or more, got query " + Join(q.sizes()) + ", key " +
               Join(k.sizes()) + " and value " + Join(v.sizes()));
}
void CheckFlashAttentionCpu(const Arguments& a) { CheckFlashAttentionCpuSizes(a, false); }
void CheckFlashAttentionCpuBackward(const Arguments& a) { CheckFlashAttentionCpuSizes(a, true); }

// _nested_sum_backward (a sum over the last dimension) copies each value of grad over one row of
// self's last dimension, trusting grad to hold one value per row: otherwise it reads past grad or
// writes past its result (heap corruption). It reads grad's values as one contiguous run.
void CheckNestedSumBackward(const Arguments& a) {
  at::Tensor grad = a.Tensor("grad"), self = a.Tensor("self");
  if (!grad.defined() || !self.defined() || !self.is_nested() || self.layout() != c10::kStrided) return;
  if (!grad.is_nested() || grad.layout() != c10::kStrided || !grad.is_contiguous())
    ThrowError("expected grad to be a contiguous nested tensor, like the sum over the last dimension of self");
  // each component's sizes, one row per component
  auto rowsOf = [](const at::Tensor& t) {
    const at::Tensor sizes = t._nested_tensor_size().contiguous();
    std::vector<std::vector<int64_t>> rows(static_cast<size_t>(sizes.size(0)));
    const int64_t* p = sizes.const_data_ptr<int64_t>();
    for (auto& r : rows) r.assign(p, p + sizes.size(1)), p += sizes.size(1);
    return rows;
  };
  const auto gs = rowsOf(grad), ss = rowsOf(self);
  bool fits = gs.size() == ss.size();
  for (size_t i = 0; fits && i < ss.size(); ++i) {
    if (ss[i].empty()) return;  // scalar components: the kernel refuses them
    fits = c10::multiply_integers(ss[i].begin(), ss[i].end() - 1) == c10::multiply_integers(gs[i]);
  }
  if (!fits) {
    auto show = [](const std::vector<std::vector<int64_t>>& rows) {
      std::string out;
      for (const auto& r : rows) out += (out.empty() ? "" : ", ") + Join(r);
      return "[" + out + "]";
    };
    ThrowError("expected grad to hold one value for each row of self's last dimension, but got grad of sizes " + show(gs) + " for self of sizes " + show(ss));
  }
}

// _spdiags sums the lengths of the diagonals to size its result: an offset past the matrix has a
// negative length, which another offset's covers up (heap corruption: [-5, -1] for 3 x 3).
void CheckSpdiagsOffsets(const Arguments& a) {
  at::Tensor offsets = a.Tensor("offsets");
  const c10::IValue* shape = a.Get("shape");
  if (!shape || !shape->isIntList()) return;
  const std::vector<int64_t> mn = shape->toIntVector();
  if (mn.size() != 2 || mn[0] < 0 || mn[1] < 0) return;  // the kernel's own checks answer
  c10::AutoGradMode noGrad(false);
  if (auto bad = ValueOutside(offsets, -mn[0], mn[1]))
    ThrowRange("offsets must lie in [" + std::to_string(-mn[0]) + ", " + std::to_string(mn[1]) + "] for shape " + Join(mn) + ", but got " +
               std::to_string(*bad));
}

// ---- CTC: the CPU kernels index log_probs with each target label, and the backward trusts every size ----

// CTC lengths: int[] or, in the .Tensor overloads, an integer tensor; nullopt when neither.
std::optional<std::vector<int64_t>> CtcLengths(const Arguments& a, const char* name) {
  const c10::IValue* v = a.Get(name);
  if (v && v->isIntList()) return v->toIntVector();
  if (!v || !v->isTensor() || !IsDenseCpu(v->toTensor()) || !c10::isIntegralType(v->toTensor().scalar_type(), false)) return std::nullopt;
  at::Tensor t = v->toTensor().to(c10::kLong).contiguous();
  return std::vector<int64_t>(t.data_ptr<int64_t>(), t.data_ptr<int64_t>() + t.numel());
}

// The labels in use (targets[b, :length b] of padded 2-d targets, the first sum of the lengths of the
// concatenated 1-d ones) must be classes of log_probs; padding past a length may hold anything.
void CheckCtcTargetClasses(const at::Tensor& targets, const std::vector<int64_t>& lengths, int64_t classes) {
  if (!IsDenseCpu(targets) || !c10::isIntegralType(targets.scalar_type(), false) || targets.numel() == 0) return;
  at::Tensor labels = targets.to(c10::kLong).contiguous();
  const int64_t* data = labels.data_ptr<int64_t>();
  auto check = [&](int64_t from, int64_t count) {
    for (int64_t i = from; i < from + count; ++i)
      if (data[i] < 0 || data[i] >= classes)
        ThrowRange("targets must be class indices in [0, " + std::to_string(classes) + "), got " + std::to_string(data[i]));
  };
  if (labels.dim() == 2) {
    const int64_t rows = std::min<int64_t>(labels.size(0), static_cast<int64_t>(lengths.size())), width = labels.size(1);
    for (int64_t b = 0; b < rows; ++b) check(b * width, std::clamp<int64_t>(lengths[b], 0, width));
  } else {
    int64_t used = 0;
    for (int64_t n : lengths) used += std::clamp<int64_t>(n, 0, labels.numel());
    check(0, std::min<int64_t>(used, labels.numel()));
  }
}

// ctc_loss and _ctc_loss check every size themselves (before reading targets), but not the labels.
void CheckCtcLoss(const Arguments& a) {
  at::Tensor logProbs = a.Tensor("log_probs");
  auto lengths = CtcLengths(a, "target_lengths");
  if (!IsDenseCpu(logProbs) || logProbs.dim() < 2 || !lengths) return;
  CheckCtcTargetClasses(a.Tensor("targets"), *lengths, logProbs.size(-1));
}

// _ctc_loss_backward reads every length, label, loss and forward variable where the forward's shapes
// would put them, unchecked: the forward's checks, and the sizes of what the forward returned.
void CheckCtcLossBackward(const Arguments& a) {
  at::Tensor logProbs = a.Tensor("log_probs"), targets = a.Tensor("targets"), logAlpha = a.Tensor("log_alpha");
  auto inputLengths = CtcLengths(a, "input_lengths"), targetLengths = CtcLengths(a, "target_lengths");
  if (!IsDenseCpu(logProbs) || !targets.defined() || !inputLengths || !targetLengths) return;
  // Before the kernel's own checks of these two, which come after reads that need them.
  if (logProbs.dim() != 3) ThrowRange("expected log_probs of 3 dimensions (input length, batch, classes), but got shape " + Join(logProbs.sizes()));
  if (targets.scalar_type() != c10::kLong && targets.scalar_type() != c10::kInt)
    ThrowType(std::string("Expected tensor for argument #2 'targets' to have scalar type Long or Int; but got ") + DTypeName(targets.scalar_type()));
  const int64_t steps = logProbs.size(0), batch = logProbs.size(1), classes = logProbs.size(2);
  const std::string batchText = "batch_size (" + std::to_string(batch) + ")";
  for (const auto& [name, values] : {std::pair<const char*, const std::vector<int64_t>&>{"input_lengths", *inputLengths}, {"target_lengths", *targetLengths}})
    if (static_cast<int64_t>(values.size()) != batch)
      ThrowRange(std::string("expected ") + name + " to have " + batchText + " values, but got " + std::to_string(values.size()));
  int64_t maxTarget = 0, totalTarget = 0, maxInput = 0;
  for (int64_t b = 0; b < batch; ++b) {
    const int64_t in = (*inputLengths)[b], tg = (*targetLengths)[b];
    if (in < 0 || in > steps) ThrowRange("Expected input_lengths to have value at most " + std::to_string(steps) + " (and not negative), but got value " + std::to_string(in));
    if (tg < 0) ThrowRange("Expected target_lengths to have non-negative values, but got value " + std::to_string(tg));
    if (targets.dim() == 2 && tg > targets.size(1))
      ThrowRange("Expected tensor to have size at least " + std::to_string(tg) + " at dimension 1, but got size " + std::to_string(targets.size(1)) + " for argument #2 'targets'");
    maxInput = std::max(maxInput, in);
    maxTarget = std::max(maxTarget, tg);
    totalTarget += tg;
  }
  if (targets.dim() == 2 && targets.size(0) < batch)
    ThrowRange("expected targets to have " + batchText + " rows, but got shape " + Join(targets.sizes()));
  if (targets.dim() != 2 && targets.numel() < totalTarget)
    ThrowRange("expected the concatenated targets to hold the sum of target_lengths (" + std::to_string(totalTarget) + ") labels, but got shape " + Join(targets.sizes()));
  for (const char* name : {"grad", "neg_log_likelihood"}) {
    at::Tensor t = a.Tensor(name);
    if (t.defined() && t.numel() < batch) ThrowRange(std::string("expected ") + name + " to have one value per batch element (" + batchText + "), but got shape " + Join(t.sizes()));
  }
  if (logAlpha.defined() && logAlpha.dim() == 3 && (logAlpha.size(0) < batch || logAlpha.size(1) < maxInput || logAlpha.size(2) < 2 * maxTarget + 1))
    ThrowRange("expected log_alpha of shape at least [" + std::to_string(batch) + ", " + std::to_string(maxInput) + ", " + std::to_string(2 * maxTarget + 1) +
               "] (batch, input length, 2 * target length + 1, as _ctc_loss returns it), but got " + Join(logAlpha.sizes()));
  const int64_t blank = IntArgument(a, "blank", 0);
  if (blank < 0 || blank >= classes) ThrowRange("blank must be in label range");
  CheckCtcTargetClasses(targets, *targetLengths, classes);
}

// The first index outside [0, numWeights) (padding_idx itself skipped where `skipPadding`), if any.
std::optional<int64_t> IndexOutOfRange(const at::Tensor& indices, int64_t numWeights, std::optional<int64_t> skipPadding) {
  if (!IsDenseCpu(indices) || indices.numel() == 0 || !c10::isIntegralType(indices.scalar_type(), false)) return std::nullopt;
  at::Tensor bad = at::logical_or(indices.lt(0), indices.ge(numWeights));
  if (skipPadding) bad = at::logical_and(bad, indices.ne(*skipPadding));
  if (!at::any(bad).item<bool>()) return std::nullopt;
  return indices.masked_select(bad)[0].item<int64_t>();
}

// embedding's dense backward counts index frequencies in an array of num_weights for scale_grad_by_freq,
// every index included, unchecked.
void CheckEmbeddingBackwardIndices(const Arguments& a) {
  const c10::IValue* scale = a.Get("scale_grad_by_freq");
  const c10::IValue* sparse = a.Get("sparse");
  if (!scale || !scale->isBool() || !scale->toBool() || (sparse && sparse->isBool() && sparse->toBool())) return;
  int64_t numWeights = IntArgument(a, "num_weights", 0);
  if (auto idx = IndexOutOfRange(a.Tensor("indices"), numWeights, std::nullopt))
    ThrowError("Expected idx >= 0 && idx < num_weights (" + std::to_string(numWeights) + ") when scale_grad_by_freq=True, but found idx to be " +
               std::to_string(*idx));
}

// embedding_bag's backward kernels index the gradient rows with every index but padding_idx, unchecked.
void CheckEmbeddingBagBackwardIndices(const Arguments& a) {
  int64_t numWeights = IntArgument(a, "num_weights", 0);
  if (auto idx = IndexOutOfRange(a.Tensor("indices"), numWeights, IntArgument(a, "padding_idx", -1)))
    ThrowError("Expected idx >= 0 && idx < num_weights (" + std::to_string(numWeights) + "), but found idx to be " + std::to_string(*idx));
}

// The log-softmax backward kernel takes its shape from grad_output and reads output with it, dividing by
// the sizes from dim on (zero ones trap): _softmax_backward_data checks the sizes, this one does not.
void CheckLogSoftmaxBackwardSizes(const Arguments& a) {
  at::Tensor grad = a.Tensor("grad_output"), output = a.Tensor("output");
  if (!grad.defined() || !output.defined() || output.numel() == 0 || grad.numel() == output.numel()) return;
  ThrowError("Expected tensor for argument #1 'grad_output' to have as many elements as tensor for argument #2 'output'; but " + Join(grad.sizes()) +
             " does not match " + Join(output.sizes()) + " (while checking arguments for log_softmax_backward)");
}

// x.set_(source): Python's method checks the dtypes (python_variable_methods.cpp); the kernel would reinterpret
// the bytes and grow the source's storage to the new element size.
void CheckSetSourceDtype(const Arguments& a) {
  at::Tensor self = a.Tensor("self"), source = a.Tensor("source");
  if (a.Has("storage_offset") || !self.defined() || !source.defined() || self.scalar_type() == source.scalar_type()) return;
  ThrowError(std::string("Could not set tensor of type ") + std::string(source.dtype().name()) + " to a tensor of type " + std::string(self.dtype().name()));
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
      {"aten::set_", {Run<CheckSetSourceDtype>, "source"}},
      {"aten::div_", {Run<CheckTruncDivision>, "rounding_mode"}},
      {"aten::divide", {Run<CheckTruncDivision>, "rounding_mode"}},
      {"aten::divide_", {Run<CheckTruncDivision>, "rounding_mode"}},
      {"aten::_weight_norm", {Run<CheckWeightNorm>, nullptr}},
      {"aten::_weight_norm_interface", {Run<CheckWeightNorm>, nullptr}},
      {"aten::_weight_norm_interface_backward", {Run<CheckWeightNormBackward>, nullptr}},
      {"aten::_reshape_alias", {Run<CheckStridedView>, nullptr}},
      {"aten::_reshape_alias_copy", {Run<CheckStridedView>, nullptr}},
      {"aten::as_strided", {Run<CheckStridedView>, nullptr}},
      {"aten::as_strided_", {Run<CheckStridedView>, nullptr}},
      {"aten::_fft_r2c", {Run<CheckFftDims>, nullptr}},
      {"aten::_fft_c2r", {Run<CheckFftDims>, nullptr}},
      {"aten::_fft_c2c", {Run<CheckFftDims>, nullptr}},
      {"aten::_remove_batch_dim", {Run<CheckRemoveBatchDim>, nullptr}},
      {"aten::_stack", {Run<CheckStackInputs>, nullptr}},
      {"aten::native_batch_norm_backward", {Run<CheckBatchNormBackward>, nullptr}},
      {"aten::native_layer_norm_backward", {Run<CheckLayerNormBackward>, nullptr}},
      {"aten::triu", {Run<CheckTriangularOut>, nullptr}},
      {"aten::tril", {Run<CheckTriangularOut>, nullptr}},
      {"aten::lu_unpack", {Run<CheckLuUnpackOut>, "L"}},
      {"aten::linalg_lu", {Run<CheckLinalgLuOut>, "L"}},
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
      {"aten::_native_batch_norm_legit_functional", {Run<CheckBatchNormForward>, nullptr}},
      // No `training` argument: evaluation mode for no_update, and running statistics the schema requires for with_update.
      {"aten::_batch_norm_no_update", {Run<CheckBatchNormForward>, nullptr}},
      {"aten::_batch_norm_with_update", {Run<CheckBatchNormForward>, nullptr}},
      {"aten::_batch_norm_with_update_functional", {Run<CheckBatchNormForward>, nullptr}},
      {"aten::_dyn_quant_matmul_4bit", {Run<CheckDynQuantMatmul>, nullptr}},
      {"aten::_dyn_quant_pack_4bit_weight", {Run<CheckDynQuantBlockSize>, nullptr}},
      {"aten::choose_qparams_optimized", {Run<CheckChooseQparamsOptimized>, nullptr}},
      {"aten::_fused_moving_avg_obs_fq_helper", {Run<CheckFusedObsFakeQuantAxis>, nullptr}},
      {"aten::_fused_moving_avg_obs_fq_helper_functional", {Run<CheckFusedObsFakeQuantAxis>, nullptr}},
      {"aten::fused_moving_avg_obs_fake_quant", {Run<CheckFusedObsFakeQuantAxis>, nullptr}},
      {"quantized::linear_dynamic_fp16_unpacked_weight", {Run<CheckSameDeviceAsX>, nullptr}},
      {"_quantized::wrapped_fbgemm_linear_fp16_weight", {Run<CheckLinearInputNotScalar>, nullptr}},
      {"mkl::_mkl_linear", {Run<CheckMklLinear>, nullptr}},
      {"onednn::linear_prepack_fp16", {Run<CheckOneDnnWeightDims>, nullptr}},
      {"onednn::qlinear_prepack", {Run<CheckOneDnnWeightDims>, nullptr}},
      {"quantized::conv1d_prepack", {Run<CheckConvPrepack>, nullptr}},
      {"quantized::conv2d_prepack", {Run<CheckConvPrepack>, nullptr}},
      {"quantized::conv3d_prepack", {Run<CheckConvPrepack>, nullptr}},
      {"quantized::conv_prepack", {Run<CheckConvPrepack>, nullptr}},
      {"quantized::conv_transpose1d_prepack", {Run<CheckTransposedPrepack>, nullptr}},
      {"quantized::conv_transpose2d_prepack", {Run<CheckTransposedPrepack>, nullptr}},
      {"quantized::conv_transpose3d_prepack", {Run<CheckTransposedPrepack>, nullptr}},
      {"_quantized::conv2d_prepack", {Run<CheckConvPrepack>, nullptr}},
      {"_quantized::conv3d_prepack", {Run<CheckConvPrepack>, nullptr}},
      {"_quantized::conv_transpose1d_prepack", {Run<CheckTransposedPrepack>, nullptr}},
      {"_quantized::conv_transpose2d_prepack", {Run<CheckTransposedPrepack>, nullptr}},
      {"_quantized::conv_transpose3d_prepack", {Run<CheckTransposedPrepack>, nullptr}},
      {"aten::native_group_norm", {Run<CheckGroupCount>, nullptr}},
      {"aten::batch_norm_update_stats", {Run<CheckBatchNormUpdateStats>, nullptr}},
      {"mkldnn::_reorder_convolution_transpose_weight", {Run<CheckPositiveStride>, nullptr}},
      {"mkldnn::_reorder_convolution_weight", {Run<CheckPositiveStride>, nullptr}},
      {"aten::_thnn_differentiable_gru_cell_backward", {Run<CheckCellGates<3>>, nullptr}},
      {"aten::_thnn_differentiable_lstm_cell_backward", {Run<CheckCellGates<4>>, nullptr}},
      {"aten::_slow_conv2d_backward", {Run<CheckSlowConv2dBackward>, nullptr}},
      {"aten::_nnpack_spatial_convolution", {Run<CheckNnpackConvolution>, nullptr}},
      {"aten::fractional_max_pool2d_backward", {Run<CheckFractionalMaxPoolBackward<2>>, nullptr}},
      {"aten::fractional_max_pool3d_backward", {Run<CheckFractionalMaxPoolBackward<3>>, nullptr}},
      {"aten::_adaptive_avg_pool2d_backward", {Run<CheckAdaptivePoolBackward<2>>, nullptr}},
      {"aten::_adaptive_avg_pool3d_backward", {Run<CheckAdaptivePoolBackward<3>>, nullptr}},
      {"aten::adaptive_avg_pool3d_backward", {Run<CheckAdaptivePoolBackward<3>>, nullptr}},
      {"aten::adaptive_max_pool2d_backward", {Run<CheckAdaptivePoolBackward<2>>, nullptr}},
      {"aten::adaptive_max_pool3d_backward", {Run<CheckAdaptivePoolBackward<3>>, nullptr}},
      {"aten::_batch_norm_impl_index_backward", {Run<CheckBatchNormImplIndexBackward>, nullptr}},
      {"aten::_cummax_helper", {Run<CheckCumHelper>, nullptr}},
      {"aten::_cummin_helper", {Run<CheckCumHelper>, nullptr}},
      {"aten::_transform_bias_rescale_qkv", {Run<CheckTransformBiasRescaleQkv>, nullptr}},
      {"aten::_cdist_backward", {Run<CheckCdistBackward>, nullptr}},
      {"aten::_pdist_backward", {Run<CheckPdistBackward>, nullptr}},
      {"aten::_cholesky_solve_helper", {Run<CheckCholeskySolveHelper>, nullptr}},
      {"aten::_convert_indices_from_coo_to_csr", {Run<CheckCooToCsr>, nullptr}},
      {"aten::_convert_indices_from_csr_to_coo", {Run<CheckCsrToCoo>, nullptr}},
      {"aten::_new_zeros_with_same_feature_meta", {Run<CheckNewZerosWithSameFeatureMeta>, nullptr}},
      {"mkldnn::_reorder_mkldnn_rnn_layer_weight", {Run<CheckReorderMkldnnRnnLayerWeight>, nullptr}},
      {"aten::random", {Run<CheckRandomFrom>, "from"}},
      {"aten::random_", {Run<CheckRandomFrom>, "from"}},
      {"aten::_logcumsumexp", {Run<CheckOutDtypeOfSelf>, "out"}},
      {"aten::copy", {Run<CheckCopySelf>, nullptr}},
      {"aten::cat", {Run<CheckCatInputs>, nullptr}},
      {"aten::concat", {Run<CheckCatInputs>, nullptr}},
      {"aten::concatenate", {Run<CheckCatInputs>, nullptr}},
      {"aten::_neg_view", {Run<CheckNegViewSelf>, nullptr}},
      {"aten::_neg_view_copy", {Run<CheckNegViewSelf>, nullptr}},
      {"aten::view", {Run<CheckViewDtypeSelf>, "dtype"}},
      {"aten::view_copy", {Run<CheckViewDtypeSelf>, "dtype"}},
      {"aten::index_copy_", {Run<CheckNoMkldnnOperand>, nullptr}},
      {"aten::index_add_", {Run<CheckNoMkldnnOperand>, nullptr}},
      {"aten::index_reduce_", {Run<CheckNoMkldnnOperand>, nullptr}},
      {"aten::scatter_", {Run<CheckNoMkldnnOperand>, nullptr}},
      {"aten::scatter_add_", {Run<CheckNoMkldnnOperand>, nullptr}},
      {"aten::cummaxmin_backward", {Run<CheckCummaxminBackward>, nullptr}},
      {"aten::scatter_reduce_", {Run<CheckNoMkldnnOperand>, nullptr}},
      {"aten::_chunk_cat", {Run<CheckChunkCatInputs>, nullptr}},
      {"aten::gelu_backward", {Run<CheckGeluBackwardShapes>, nullptr}},
      {"aten::select", {Run<CheckNestedSelectDim>, "index"}},
      {"aten::_nested_select_backward", {Run<CheckNestedSelectDim>, nullptr}},
      {"aten::mkldnn_rnn_layer", {Run<CheckMkldnnRnnLayer>, nullptr}},
      {"aten::mkldnn_rnn_layer_backward", {Run<CheckMkldnnRnnMode>, nullptr}},
      {"aten::linalg_matrix_power", {Run<CheckMatrixPowerExponent>, nullptr}},
      {"aten::range", {Run<CheckRange>, "step"}},
      {"aten::arange", {Run<CheckInt64RangeSpan>, "step"}},
      {"aten::lcm", {Run<CheckLcmOverflow>, nullptr}},
      {"aten::lcm_", {Run<CheckLcmOverflow>, nullptr}},
      {"aten::lstm", {Run<CheckLstmStates>, nullptr}},
      {"aten::ctc_loss", {Run<CheckCtcLoss>, nullptr}},
      {"aten::max_pool1d", {Run<CheckMaxPool1dOutputSize>, nullptr}},
      {"aten::_scaled_dot_product_attention_math", {Run<CheckGqaHeads>, "enable_gqa"}},
      {"aten::_spdiags", {Run<CheckSpdiagsOffsets>, nullptr}},
      {"aten::_scaled_dot_product_flash_attention_for_cpu", {Run<CheckFlashAttentionCpu>, nullptr}},
      {"aten::_scaled_dot_product_flash_attention_for_cpu_backward", {Run<CheckFlashAttentionCpuBackward>, nullptr}},
      {"aten::_nested_sum_backward", {Run<CheckNestedSumBackward>, nullptr}},
      {"aten::_convolution_double_backward", {Run<CheckConvDoubleBackwardBias>, nullptr}},
      {"aten::_ctc_loss", {Run<CheckCtcLoss>, nullptr}},
      {"aten::_ctc_loss_backward", {Run<CheckCtcLossBackward>, nullptr}},
      {"aten::segment_reduce", {Run<CheckSegmentBounds>, nullptr}},
      {"aten::_segment_reduce_backward", {Run<CheckSegmentBounds>, nullptr}},
      {"aten::matrix_power", {Run<CheckMatrixPowerExponent>, nullptr}},
      {"aten::rrelu_with_noise", {Run<CheckRreluWithNoise>, nullptr}},
      {"aten::rrelu_with_noise_", {Run<CheckRreluWithNoise>, nullptr}},
      {"aten::embedding_dense_backward", {Run<CheckEmbeddingBackwardIndices>, nullptr}},
      {"aten::embedding_backward", {Run<CheckEmbeddingBackwardIndices>, nullptr}},
      {"aten::_embedding_bag_dense_backward", {Run<CheckEmbeddingBagBackwardIndices>, nullptr}},
      {"aten::_embedding_bag_backward", {Run<CheckEmbeddingBagBackwardIndices>, nullptr}},
      {"aten::_log_softmax_backward_data", {Run<CheckLogSoftmaxBackwardSizes>, nullptr}},
      {"aten::adaptive_avg_pool2d", {Run<CheckAdaptiveAvgPoolOutputSize<2>>, nullptr}},
      {"aten::_adaptive_avg_pool2d", {Run<CheckAdaptiveAvgPoolOutputSize<2>>, nullptr}},
      {"aten::adaptive_avg_pool3d", {Run<CheckAdaptiveAvgPoolOutputSize<3>>, nullptr}},
      {"aten::_adaptive_avg_pool3d", {Run<CheckAdaptiveAvgPoolOutputSize<3>>, nullptr}},
      {"aten::_fused_sgd", {CheckFusedOptimizerLists, nullptr}},
      {"aten::_fused_sgd_", {CheckFusedOptimizerLists, nullptr}},
      {"aten::_fused_adam", {CheckFusedOptimizerLists, nullptr}},
      {"aten::_fused_adam_", {CheckFusedOptimizerLists, nullptr}},
      {"aten::_fused_adamw", {CheckFusedOptimizerLists, nullptr}},
      {"aten::_fused_adamw_", {CheckFusedOptimizerLists, nullptr}},
      {"aten::_fused_adagrad", {CheckFusedOptimizerLists, nullptr}},
      {"aten::_fused_adagrad_", {CheckFusedOptimizerLists, nullptr}},
  };
  return *table;
}

}  // namespace

OpCheck FindOpCheck(const c10::FunctionSchema& schema) {
  if (schema.name() == "aten::_foreach_copy") return CheckForeachCopy;
  if (schema.name().rfind("aten::_foreach_", 0) == 0) return CheckForeachLists;
  auto it = Checks().find(schema.name());
  if (it == Checks().end()) return nullptr;
  const CheckEntry& e = it->second;
  if (e.requiredArgument && !schema.argumentIndexWithName(e.requiredArgument)) return nullptr;
  return e.check;
}

}  // namespace tn
