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

napi_value Grad(napi_env env, napi_callback_info info) {
  return Guard(env, "grad", [&] {
    Args<1> a(env, info);
    return WrapTensor(env, TensorOf(env, a[0], "self").grad());
  });
}

// setGrad(t, g | null)
napi_value SetGrad(napi_env env, napi_callback_info info) {
  return Guard(env, "grad", [&] {
    Args<2> a(env, info);
    at::Tensor& t = TensorOf(env, a[0], "self");
    if (IsNullish(env, a[1])) {
      t.mutable_grad().reset();
    } else {
      const at::Tensor& g = TensorOf(env, a[1], "grad");
      if (g.sizes() != t.sizes() || g.scalar_type() != t.scalar_type() || g.device() != t.device())
        ThrowError("assigned grad has data of a different size, type or device than the tensor");
      t.mutable_grad() = g;
    }
    return Undefined(env);
  });
}

napi_value RequiresGrad(napi_env env, napi_callback_info info) {
  return Guard(env, "requiresGrad", [&] {
    Args<1> a(env, info);
    return FromBool(env, TensorOf(env, a[0], "self").requires_grad());
  });
}

// requiresGrad_(t, flag)
napi_value SetRequiresGrad(napi_env env, napi_callback_info info) {
  return Guard(env, "requiresGrad_", [&] {
    Args<2> a(env, info);
    bool flag = IsNullish(env, a[1]) ? true : ToBool(env, a[1], "requiresGrad");
    TensorOf(env, a[0], "self").requires_grad_(flag);
    return Undefined(env);
  });
}

napi_value IsLeaf(napi_env env, napi_callback_info info) {
  return Guard(env, "isLeaf", [&] {
    Args<1> a(env, info);
    return FromBool(env, TensorOf(env, a[0], "self").is_leaf());
  });
}

napi_value GradFnName(napi_env env, napi_callback_info info) {
  return Guard(env, "gradFn", [&] {
    Args<1> a(env, info);
    const auto& fn = TensorOf(env, a[0], "self").grad_fn();
    if (!fn) return Null(env);
    std::string name = fn->name();
    size_t colon = name.rfind("::");  // "torch::autograd::AddBackward0" -> "AddBackward0"
    return FromString(env, colon == std::string::npos ? name : name.substr(colon + 2));
  });
}

napi_value RetainGrad(napi_env env, napi_callback_info info) {
  return Guard(env, "retainGrad", [&] {
    Args<1> a(env, info);
    TensorOf(env, a[0], "self").retain_grad();
    return Undefined(env);
  });
}

}  // namespace

napi_env ThreadJsEnv() { return t_jsEnv; }

std::vector<at::Tensor> TensorList(napi_env env, napi_value arr, const char* what) {
  if (!IsArray(env, arr)) return {TensorOf(env, arr, what)};
  uint32_t n = 0;
  Check(napi_get_array_length(env, arr, &n));
  std::vector<at::Tensor> out;
  for (uint32_t i = 0; i < n; ++i) {
    napi_value e;
    Check(napi_get_element(env, arr, i, &e));
    out.push_back(IsNullish(env, e) ? at::Tensor() : TensorOf(env, e, what));
  }
  return out;
}

void RegisterAutograd(napi_env env, napi_value exports) {
  t_jsEnv = env;  // module init runs on the env's JS thread
  Check(napi_add_env_cleanup_hook(env, [](void* arg) { if (t_jsEnv == arg) t_jsEnv = nullptr; }, env));
  InstallJsEngine();
  Export(env, exports, "grad", Grad);
  Export(env, exports, "setGrad", SetGrad);
  Export(env, exports, "requiresGrad", RequiresGrad);
  Export(env, exports, "setRequiresGrad", SetRequiresGrad);
  Export(env, exports, "isLeaf", IsLeaf);
  Export(env, exports, "gradFn", GradFnName);
  Export(env, exports, "retainGrad", RetainGrad);
  RegisterAutogradEngine(env, exports);
  RegisterGradMode(env, exports);
  RegisterJsCallbacks(env, exports);
}

}  // namespace tn
