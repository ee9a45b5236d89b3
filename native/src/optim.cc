// optimStep: one optimizer kernel (optim.h) over one parameter group, in one native call.
#include "optim.h"

#include <ATen/ATen.h>
#include <c10/core/DefaultDtype.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <map>

#include "handle.h"
#include "ops.h"

namespace tn {
namespace {

// Filled by static initialisers while the library loads, read-only afterwards (no shared mutable state).
std::map<std::string, OptimKernel>& Kernels() {
  static std::map<std::string, OptimKernel> kernels;
  return kernels;
}

std::vector<at::Tensor> TensorList(napi_env env, napi_value v, const char* what, bool allowNull) {
  if (!IsArray(env, v)) ThrowType(std::string(what) + " must be an array of tensors");
  uint32_t n = 0;
  Check(napi_get_array_length(env, v, &n));
  std::vector<at::Tensor> out(n);
  for (uint32_t i = 0; i < n; ++i) {
    napi_value e;
    Check(napi_get_element(env, v, i, &e));
    if (allowNull && IsNullish(env, e)) continue;
    std::string label = std::string(what) + "[" + std::to_string(i) + "]";
    out[i] = TensorOf(env, e, label.c_str());
  }
  return out;
}

// optimStep(kernel, params[], state: { key: (tensor | null)[] }, group, gradScale?, foundInf?)
// -> { key: (tensor | undefined)[] }: the state tensors the kernel created or replaced, indexed like
// params. Parameters without a grad are skipped (Python's params_with_grad).
napi_value OptimStepEntry(napi_env env, napi_callback_info info) {
  return Guard(env, "optimizer.step", [&] {
    Args<6> a(env, info);
    std::string name = ToString(env, a[0], "kernel");
    auto it = Kernels().find(name);
    if (it == Kernels().end()) ThrowType("no optimizer kernel named '" + name + "'");
    if (TypeOf(env, a[3]) != napi_object) ThrowType("the parameter group must be an object");
    OptimStep step(env, a[3]);
    std::vector<at::Tensor> all = TensorList(env, a[1], "params", false);
    std::vector<size_t> withGrad;  // indices into `all` of the parameters that have a grad
    for (size_t i = 0; i < all.size(); ++i) {
      const at::Tensor& g = all[i].grad();
      if (!g.defined()) continue;
      withGrad.push_back(i);
      step.params.push_back(all[i]);
      step.grads.push_back(g);
    }
    if (!IsNullish(env, a[4])) step.gradScale = TensorOf(env, a[4], "gradScale");
    if (!IsNullish(env, a[5])) step.foundInf = TensorOf(env, a[5], "foundInf");
    // What the state held before, to hand back only what the kernel created or replaced.
    std::vector<std::vector<c10::TensorImpl*>> before;
    if (!IsNullish(env, a[2])) {
      if (TypeOf(env, a[2]) != napi_object) ThrowType("state must be an object of tensor lists");
      Napi::Object state(env, a[2]);
      Napi::Array keys = state.GetPropertyNames();
      for (uint32_t k = 0; k < keys.Length(); ++k) {
        std::string key = Napi::Value(keys.Get(k)).As<Napi::String>().Utf8Value();
        std::string what = "state." + key;
        std::vector<at::Tensor> list = TensorList(env, state.Get(key), what.c_str(), true);
        if (list.size() != all.size()) ThrowType(what + " differs in length from params");
        step.states.emplace_back(key, Pick(list, withGrad));
      }
    }
    for (const auto& entry : step.states) {
      std::vector<c10::TensorImpl*> impls;
      for (const auto& t : entry.second) impls.push_back(t.defined() ? t.unsafeGetTensorImpl() : nullptr);
      before.push_back(std::move(impls));
    }
    {
      torch::autograd::AutoGradMode noGrad(false);  // Python's _use_grad_for_differentiable (differentiable=False)
      it->second(step);
    }
    Napi::Object out = Napi::Object::New(env);
    for (size_t k = 0; k < step.states.size(); ++k) {
      const auto& [key, list] = step.states[k];
      bool changed = false;
      Napi::Array arr = Napi::Array::New(env, all.size());
      for (size_t j = 0; j < list.size(); ++j) {
        c10::TensorImpl* was = k < before.size() ? before[k][j] : nullptr;
        if (list[j].defined() && list[j].unsafeGetTensorImpl() != was) {
          arr.Set(static_cast<uint32_t>(withGrad[j]), Napi::Value(env, WrapTensor(env, list[j])));
          changed = true;
        }
      }
      if (changed) out.Set(key, arr);
    }
    return static_cast<napi_value>(out);
  });
}

}  // namespace

OptimKernelRegistrar::OptimKernelRegistrar(const char* name, OptimKernel kernel) { Kernels()[name] = kernel; }

std::vector<at::Tensor>& OptimStep::State(const std::string& key) {
  for (auto& [k, list] : states)
    if (k == key) return list;
  states.emplace_back(key, std::vector<at::Tensor>(params.size()));
  return states.back().second;
}

bool OptimStep::HasState(const std::string& key) const {
  for (const auto& [k, list] : states)
    if (k == key) return true;
  return false;
}

napi_value OptimStep::Get(const char* key) const {
  napi_value v;
  Check(napi_get_named_property(env_, group_, key, &v));
  if (TypeOf(env_, v) == napi_undefined) ThrowType(std::string("the parameter group has no option '") + key + "'");
  return v;
}

double OptimStep::Double(const char* key) const { return ToDouble(env_, Get(key), key); }
bool OptimStep::Bool(const char* key) const {
  napi_value v = Get(key);
  return IsNullish(env_, v) ? false : ToBool(env_, v, key);  // Python's None for foreach/fused reads as False
}
int64_t OptimStep::Int(const char* key) const { return ToInt64(env_, Get(key), key); }
std::string OptimStep::String(const char* key) const { return ToString(env_, Get(key), key); }
bool OptimStep::IsNull(const char* key) const { return IsNullish(env_, Get(key)); }
std::optional<double> OptimStep::OptDouble(const char* key) const {
  napi_value v = Get(key);
  if (IsNullish(env_, v)) return std::nullopt;
  return ToDouble(env_, v, key);
}

std::pair<double, double> OptimStep::Pair(const char* key) const {
  napi_value v = Get(key);
  if (!IsArray(env_, v)) ThrowType(std::string(key) + " must be a pair of numbers");
  uint32_t n = 0;
  Check(napi_get_array_length(env_, v, &n));
  if (n != 2) ThrowType(std::string(key) + " must be a pair of numbers");
  napi_value a, b;
  Check(napi_get_element(env_, v, 0, &a));
  Check(napi_get_element(env_, v, 1, &b));
  return {ToDouble(env_, a, key), ToDouble(env_, b, key)};
}

double OptimStep::Scalar(const char* key) const {
  napi_value v = Get(key);
  if (TypeOf(env_, v) == napi_number) return ToDouble(env_, v, key);
  return TensorOf(env_, v, key).item<double>();  // Python's _to_scalar / float(lr)
}

at::Tensor OptimStep::TensorOption(const char* key) const {
  napi_value v = Get(key);
  if (TypeOf(env_, v) == napi_number) return at::Tensor();
  at::Tensor t = TensorOf(env_, v, key);
  return t.dim() != 0 ? t.squeeze() : t;
}

std::pair<at::Tensor, at::Tensor> OptimStep::TensorPair(const char* key) const {
  napi_value v = Get(key);
  uint32_t n = 0;
  if (IsArray(env_, v)) Check(napi_get_array_length(env_, v, &n));
  if (n != 2) ThrowType(std::string(key) + " must be a pair");
  at::Tensor out[2];
  for (uint32_t i = 0; i < 2; ++i) {
    napi_value e;
    Check(napi_get_element(env_, v, i, &e));
    if (TypeOf(env_, e) == napi_number) continue;
    out[i] = TensorOf(env_, e, key);
    if (out[i].dim() != 0) out[i] = out[i].squeeze();
  }
  return {out[0], out[1]};
}

std::vector<std::vector<size_t>> GroupByDeviceAndDtype(const std::vector<at::Tensor>& params) {
  std::vector<std::pair<std::pair<c10::Device, c10::ScalarType>, std::vector<size_t>>> groups;
  for (size_t i = 0; i < params.size(); ++i) {
    auto key = std::make_pair(params[i].device(), params[i].scalar_type());
    auto g = std::find_if(groups.begin(), groups.end(), [&](const auto& e) { return e.first == key; });
    if (g == groups.end()) groups.push_back({key, {i}});
    else g->second.push_back(i);
  }
  std::vector<std::vector<size_t>> out;
  for (auto& g : groups) out.push_back(std::move(g.second));
  return out;
}

std::vector<at::Tensor> Pick(const std::vector<at::Tensor>& list, const std::vector<size_t>& indices) {
  std::vector<at::Tensor> out;
  out.reserve(indices.size());
  for (size_t i : indices) out.push_back(list[i]);
  return out;
}

c10::ScalarType OptimScalarDtype(bool fused) {
  if (fused) return at::kFloat;
  return c10::get_default_dtype_as_scalartype() == at::kDouble ? at::kDouble : at::kFloat;
}

void RegisterOptim(napi_env env, napi_value exports) {
  static const ExportEntry entries[] = {{"optimStep", OptimStepEntry}};
  ExportAll(env, exports, entries);
}

}  // namespace tn
