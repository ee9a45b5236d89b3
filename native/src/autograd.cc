// Autograd state of tensors (.grad, requiresGrad, leaf, gradFn), the JS thread of each env, and
// the registration of all autograd entry points (engine runs, grad mode, JS hooks and Functions).
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/variable.h>

#include "autograd.h"
#include "ops.h"

namespace tn {
namespace {

// Set when an env loads the addon, on the thread that runs its JS (each worker has its own).
thread_local napi_env t_jsEnv = nullptr;

napi_value ReadGrad(napi_env env, const at::Tensor& t) { return WrapTensor(env, t.grad()); }
napi_value ReadRequiresGrad(napi_env env, const at::Tensor& t) { return FromBool(env, t.requires_grad()); }
napi_value ReadIsLeaf(napi_env env, const at::Tensor& t) { return FromBool(env, t.is_leaf()); }
napi_value ReadGradFnName(napi_env env, const at::Tensor& t) {
  const auto& fn = t.grad_fn();
  if (!fn) return Null(env);
  std::string name = fn->name();
  size_t colon = name.rfind("::");  // "torch::autograd::AddBackward0" -> "AddBackward0"
  return FromString(env, colon == std::string::npos ? name : name.substr(colon + 2));
}
// The version counter in-place ops bump (0 for inference tensors, which have none).
napi_value ReadVersion(napi_env env, const at::Tensor& t) { return FromInt64(env, t.is_inference() ? 0 : t._version()); }
constexpr TensorProperty kProperties[] = {
    {"grad", ReadGrad}, {"requiresGrad", ReadRequiresGrad}, {"isLeaf", ReadIsLeaf}, {"gradFn", ReadGradFnName}, {"version", ReadVersion},
};

// setGrad(t, g | null)
Napi::Value SetGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  at::Tensor& t = TensorOf(env, info[0], "self");
  if (IsNullish(env, info[1])) {
    t.mutable_grad().reset();
  } else {
    const at::Tensor& g = TensorOf(env, info[1], "grad");
    if (g.sizes() != t.sizes() || g.scalar_type() != t.scalar_type() || g.device() != t.device())
      ThrowError("assigned grad has data of a different size, type or device than the tensor");
    t.mutable_grad() = g;
  }
  return env.Undefined();
}

// requiresGrad_(t, flag)
Napi::Value SetRequiresGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  bool flag = IsNullish(env, info[1]) ? true : ToBool(env, info[1], "requiresGrad");
  TensorOf(env, info[0], "self").requires_grad_(flag);
  return env.Undefined();
}

Napi::Value RetainGrad(const Napi::CallbackInfo& info) {
  TensorOf(info.Env(), info[0], "self").retain_grad();
  return info.Env().Undefined();
}

}  // namespace

napi_env ThreadJsEnv() { return t_jsEnv; }

std::vector<at::Tensor> TensorList(napi_env env, napi_value arr, const char* what) {
  Napi::Value v(env, arr);
  if (!v.IsArray()) return {TensorOf(env, arr, what)};
  Napi::Array list = v.As<Napi::Array>();
  std::vector<at::Tensor> out;
  for (uint32_t i = 0, n = list.Length(); i < n; ++i) {
    Napi::Value e = list.Get(i);
    out.push_back(e.IsUndefined() || e.IsNull() ? at::Tensor() : TensorOf(env, e, what));
  }
  return out;
}

void RegisterAutograd(napi_env env, napi_value exports) {
  t_jsEnv = env;  // module init runs on the env's JS thread
  Check(napi_add_env_cleanup_hook(env, [](void* arg) { if (t_jsEnv == arg) t_jsEnv = nullptr; }, env));
  InstallJsEngine();
  static constexpr MethodEntry kEntries[] = {
      {"setGrad", SetGrad, "grad"},
      {"setRequiresGrad", SetRequiresGrad, "requiresGrad_"},
      {"retainGrad", RetainGrad},
  };
  ExportAll(env, exports, kEntries);
  ExportTensorProperties(env, exports, kProperties);
  RegisterAutogradEngine(env, exports);
  RegisterGradMode(env, exports);
  RegisterFunctionalize(env, exports);
  RegisterJsCallbacks(env, exports);
  RegisterAutogradGraph(env, exports);
  RegisterAutogradMutation(env, exports);
  RegisterSelectiveCheckpoint(env, exports);
}

}  // namespace tn
