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

std::vector<at::Tensor> TensorList(Napi::Env env, const Napi::Value& v, const char* what, bool allowNull) {
  if (!v.IsArray()) ThrowType(std::string(what) + " must be an array of tensors");
  Napi::Array list = v.As<Napi::Array>();
  std::vector<at::Tensor> out(list.Length());
  for (uint32_t i = 0; i < out.size(); ++i) {
    Napi::Value e = list.Get(i);
    if (allowNull && IsNullish(e)) continue;
    if (at::Tensor* t = PlainLiveTensor(BoxOf(env, e))) {  // the common case: no label needed
      out[i] = *t;
      continue;
    }
    std::string label = std::string(what) + "[" + std::to_string(i) + "]";  // for TensorOf's error
    out[i] = TensorOf(env, e, label.c_str());
  }
  return out;
}

std::string Describe(const at::Tensor& t) {
  return std::string(c10::toString(t.scalar_type())) + " " + t.device().str() + " " + c10::str(t.sizes());
}

// optimStep(kernel, params[], state: { key: (tensor | null)[] }, group, gradScale?, foundInf?)
// -> { key: (tensor | undefined)[] }: the state tensors the kernel created or replaced, indexed like
// params. Parameters without a grad are skipped (Python's params_with_grad).
Napi::Value OptimStepEntry(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = ToString(env, info[0], "kernel");
  auto it = Kernels().find(name);
  if (it == Kernels().end()) ThrowType("no optimizer kernel named '" + name + "'");
  if (info[3].Type() != napi_object) ThrowType("the parameter group must be an object");
  OptimStep step(info[3].As<Napi::Object>());
  std::vector<at::Tensor> all = TensorList(env, info[1], "params", false);
  std::vector<size_t> withGrad;  // indices into `all` of the parameters that have a grad
  for (size_t i = 0; i < all.size(); ++i) {
    const at::Tensor& g = all[i].grad();
    if (!g.defined()) continue;
    // Checked for all before any update, so a mismatch (made through `.data`) leaves every parameter as it was.
    if (g.scalar_type() != all[i].scalar_type() || g.device() != all[i].device() || g.sizes() != all[i].sizes())
      ThrowType("params[" + std::to_string(i) + "] is " + Describe(all[i]) + " but its grad is " + Describe(g) +
                "; they must match in dtype, device and shape (nothing was updated)");
    withGrad.push_back(i);
    step.params.push_back(all[i]);
    step.grads.push_back(g);
  }
  if (!IsNullish(info[4])) step.gradScale = TensorOf(env, info[4], "gradScale");
  if (!IsNullish(info[5])) step.foundInf = TensorOf(env, info[5], "foundInf");
  // What the state held before, to hand back only what the kernel created or replaced.
  std::vector<std::vector<c10::TensorImpl*>> before;
  if (!IsNullish(info[2])) {
    if (info[2].Type() != napi_object) ThrowType("state must be an object of tensor lists");
    Napi::Object state = info[2].As<Napi::Object>();
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
  return out;
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

Napi::Value OptimStep::Get(const char* key) const {
  Napi::Value v = group_.Get(key);
  if (v.IsUndefined()) ThrowType(std::string("the parameter group has no option '") + key + "'");
  return v;
}

double OptimStep::Double(const char* key) const { return ToDouble(group_.Env(), Get(key), key); }
bool OptimStep::Bool(const char* key) const {
  Napi::Value v = Get(key);
  return IsNullish(v) ? false : ToBool(v.Env(), v, key);  // Python's None for foreach/fused reads as False
}
int64_t OptimStep::Int(const char* key) const { return ToInt64(group_.Env(), Get(key), key); }
std::string OptimStep::String(const char* key) const { return ToString(group_.Env(), Get(key), key); }
bool OptimStep::IsNull(const char* key) const { return IsNullish(Get(key)); }
std::optional<double> OptimStep::OptDouble(const char* key) const {
  Napi::Value v = Get(key);
  if (IsNullish(v)) return std::nullopt;
  return ToDouble(v.Env(), v, key);
}

// The two entries of a pair option, or a TypeError naming what it must be.
std::pair<Napi::Value, Napi::Value> OptimStep::Entries2(const char* key, const char* must) const {
  Napi::Value v = Get(key);
  if (!v.IsArray() || v.As<Napi::Array>().Length() != 2) ThrowType(std::string(key) + must);
  Napi::Array pair = v.As<Napi::Array>();
  return {pair.Get(0u), pair.Get(1u)};
}

std::pair<double, double> OptimStep::Pair(const char* key) const {
  auto [a, b] = Entries2(key, " must be a pair of numbers");
  return {ToDouble(a.Env(), a, key), ToDouble(b.Env(), b, key)};
}

namespace {
// A group option that is not a number: it must be a tensor (a Tensor lr, capturable's step).
const at::Tensor& OptionTensor(const Napi::Value& v, const char* key) {
  if (!BoxOf(v.Env(), v)) ThrowType(std::string(key) + " must be a number or a Tensor");
  return TensorOf(v.Env(), v, key);
}
}  // namespace

double OptimStep::Scalar(const char* key) const {
  Napi::Value v = Get(key);
  if (v.IsNumber()) return ToDouble(v.Env(), v, key);
  return OptionTensor(v, key).item<double>();  // Python's _to_scalar / float(lr)
}

at::Tensor OptimStep::TensorOption(const char* key) const {
  Napi::Value v = Get(key);
  if (v.IsNumber()) return at::Tensor();
  at::Tensor t = OptionTensor(v, key);
  return t.dim() != 0 ? t.squeeze() : t;
}

double OptimStep::PairNumber(const char* key, int index) const {
  auto [first, second] = Entries2(key, " must be a pair");
  Napi::Value v = index == 0 ? first : second;
  return ToDouble(v.Env(), v, key);
}

std::pair<at::Tensor, at::Tensor> OptimStep::TensorPair(const char* key) const {
  auto [first, second] = Entries2(key, " must be a pair");
  at::Tensor out[2];
  const Napi::Value entries[2] = {first, second};
  for (int i = 0; i < 2; ++i) {
    if (entries[i].IsNumber()) continue;
    out[i] = OptionTensor(entries[i], key);
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
  static constexpr MethodEntry kMethods[] = {{"optimStep", OptimStepEntry, "optimizer.step"}};
  ExportAll(env, exports, kMethods);
}

}  // namespace tn
