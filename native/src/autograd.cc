// Autograd: backward, .grad, requires_grad, leaf/grad_fn introspection, grad mode.
#include <ATen/core/grad_mode.h>
#include <c10/core/InferenceMode.h>
#include <torch/csrc/autograd/anomaly_mode.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/variable.h>

#include <memory>
#include <thread>

#include "convert.h"
#include "ops.h"

namespace tn {
namespace {

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

// autogradGrad(outputs, inputs, gradOutputs | null, retainGraph | null, createGraph, allowUnused)
napi_value AutogradGrad(napi_env env, napi_callback_info info) {
  return Guard(env, "autograd.grad", [&] {
    Args<6> a(env, info);
    auto outputs = TensorList(env, a[0], "outputs");
    auto inputs = TensorList(env, a[1], "inputs");
    std::vector<at::Tensor> gradOutputs;
    if (!IsNullish(env, a[2])) gradOutputs = TensorList(env, a[2], "gradOutputs");
    c10::optional<bool> retain;
    if (!IsNullish(env, a[3])) retain = ToBool(env, a[3], "retainGraph");
    bool create = !IsNullish(env, a[4]) && ToBool(env, a[4], "createGraph");
    bool allowUnused = !IsNullish(env, a[5]) && ToBool(env, a[5], "allowUnused");
    auto grads = torch::autograd::grad(outputs, inputs, gradOutputs, retain, create, allowUnused);
    napi_value arr;
    Check(napi_create_array_with_length(env, grads.size(), &arr));
    for (size_t i = 0; i < grads.size(); ++i) Check(napi_set_element(env, arr, static_cast<uint32_t>(i), WrapTensor(env, grads[i])));
    return arr;
  });
}

napi_value SetAnomalyEnabled(napi_env env, napi_callback_info info) {
  return Guard(env, "autograd.setDetectAnomaly", [&] {
    Args<1> a(env, info);
    torch::autograd::AnomalyMode::set_enabled(ToBool(env, a[0], "mode"));
    return Undefined(env);
  });
}

napi_value IsAnomalyEnabled(napi_env env, napi_callback_info) {
  return Guard(env, "autograd.isAnomalyEnabled", [&] { return FromBool(env, torch::autograd::AnomalyMode::is_enabled()); });
}

// ---- tensor hooks: JS functions called by the autograd engine -------------------------------

// The JS function that runs a user's hook: invoker(userFn, gradHandle) -> handle | null.
napi_ref g_hookInvoker = nullptr;
std::thread::id g_jsThread;
// References whose owners died, possibly inside GC where they cannot be deleted: deleted later.
std::vector<napi_ref> g_deadRefs;

void DeleteDeadRefs(napi_env env) {
  for (napi_ref r : g_deadRefs) napi_delete_reference(env, r);
  g_deadRefs.clear();
}

struct JsHook {
  napi_env env;
  napi_ref fn;
  JsHook(napi_env e, napi_ref f) : env(e), fn(f) {}
  JsHook(const JsHook&) = delete;
  JsHook& operator=(const JsHook&) = delete;
  ~JsHook() { g_deadRefs.push_back(fn); }
  at::Tensor operator()(const at::Tensor& grad) const {
    // CPU graphs run on the calling (JS) thread; other engine threads cannot enter JS.
    if (std::this_thread::get_id() != g_jsThread)
      throw std::runtime_error("tensor hooks run only for graphs executed on the JS thread (CPU tensors)");
    napi_handle_scope scope;
    Check(napi_open_handle_scope(env, &scope));
    napi_value invoker, user, global, result;
    napi_value argv[2];
    bool ok = napi_get_reference_value(env, g_hookInvoker, &invoker) == napi_ok &&
              napi_get_reference_value(env, fn, &user) == napi_ok && napi_get_global(env, &global) == napi_ok;
    at::Tensor out;
    if (ok) {
      argv[0] = user;
      argv[1] = WrapTensor(env, grad);
      ok = napi_call_function(env, global, invoker, 2, argv, &result) == napi_ok;
      if (ok) {
        Box* b = BoxOf(env, result);
        if (b) out = b->t;
      }
    }
    napi_close_handle_scope(env, scope);
    if (!ok) throw std::runtime_error("a tensor hook threw");  // its JS exception stays pending
    return out;  // undefined: keep the gradient as it is
  }
};

napi_value SetHookInvoker(napi_env env, napi_callback_info info) {
  return Guard(env, "setHookInvoker", [&] {
    Args<1> a(env, info);
    if (g_hookInvoker) napi_delete_reference(env, g_hookInvoker);
    Check(napi_create_reference(env, a[0], 1, &g_hookInvoker));
    g_jsThread = std::this_thread::get_id();
    return Undefined(env);
  });
}

// registerHook(t, fn) -> hook id for removeHook
napi_value RegisterHook(napi_env env, napi_callback_info info) {
  return Guard(env, "registerHook", [&] {
    Args<2> a(env, info);
    DeleteDeadRefs(env);
    const at::Tensor& t = TensorOf(env, a[0], "self");
    if (TypeOf(env, a[1]) != napi_function) ThrowType("hook must be a function");
    if (!t.requires_grad()) ThrowError("cannot register a hook on a tensor that doesn't require gradient");
    napi_ref ref;
    Check(napi_create_reference(env, a[1], 1, &ref));
    auto hook = std::make_shared<JsHook>(env, ref);
    unsigned id = t.register_hook([hook](const at::Tensor& g) { return (*hook)(g); });
    return FromInt64(env, id);
  });
}

napi_value RemoveHook(napi_env env, napi_callback_info info) {
  return Guard(env, "removeHook", [&] {
    Args<2> a(env, info);
    TensorOf(env, a[0], "self").remove_hook(static_cast<unsigned>(ToInt64(env, a[1], "hook id")));
    DeleteDeadRefs(env);
    return Undefined(env);
  });
}


// backward(tensor, gradient | null, retainGraph, createGraph)
napi_value Backward(napi_env env, napi_callback_info info) {
  return Guard(env, "backward", [&] {
    Args<4> a(env, info);
    const at::Tensor& t = TensorOf(env, a[0], "self");
    at::Tensor grad;
    if (!IsNullish(env, a[1])) grad = TensorOf(env, a[1], "gradient");
    bool create = !IsNullish(env, a[3]) && ToBool(env, a[3], "createGraph");
    c10::optional<bool> retain;
    if (!IsNullish(env, a[2])) retain = ToBool(env, a[2], "retainGraph");
    DeleteDeadRefs(env);
    torch::autograd::backward({t}, {grad}, retain, create);
    return Undefined(env);
  });
}

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

napi_value SetGradEnabled(napi_env env, napi_callback_info info) {
  return Guard(env, "setGradEnabled", [&] {
    Args<1> a(env, info);
    at::GradMode::set_enabled(ToBool(env, a[0], "mode"));
    return Undefined(env);
  });
}

napi_value IsGradEnabled(napi_env env, napi_callback_info) {
  return Guard(env, "isGradEnabled", [&] { return FromBool(env, at::GradMode::is_enabled()); });
}

// Inference mode is an RAII guard in C++; JS enters and leaves it around a callback.
std::vector<std::unique_ptr<c10::InferenceMode>> g_inference;
napi_value EnterInferenceMode(napi_env env, napi_callback_info info) {
  return Guard(env, "inferenceMode", [&] {
    Args<1> a(env, info);
    g_inference.push_back(std::make_unique<c10::InferenceMode>(IsNullish(env, a[0]) || ToBool(env, a[0], "mode")));
    return Undefined(env);
  });
}
napi_value ExitInferenceMode(napi_env env, napi_callback_info) {
  return Guard(env, "inferenceMode", [&] {
    if (g_inference.empty()) ThrowError("not in inference mode");
    g_inference.pop_back();
    return Undefined(env);
  });
}

}  // namespace

void RegisterAutograd(napi_env env, napi_value exports) {
  Export(env, exports, "backward", Backward);
  Export(env, exports, "grad", Grad);
  Export(env, exports, "setGrad", SetGrad);
  Export(env, exports, "requiresGrad", RequiresGrad);
  Export(env, exports, "setRequiresGrad", SetRequiresGrad);
  Export(env, exports, "isLeaf", IsLeaf);
  Export(env, exports, "gradFn", GradFnName);
  Export(env, exports, "retainGrad", RetainGrad);
  Export(env, exports, "setGradEnabled", SetGradEnabled);
  Export(env, exports, "isGradEnabled", IsGradEnabled);
  Export(env, exports, "enterInferenceMode", EnterInferenceMode);
  Export(env, exports, "exitInferenceMode", ExitInferenceMode);
  Export(env, exports, "autogradGrad", AutogradGrad);
  Export(env, exports, "setAnomalyEnabled", SetAnomalyEnabled);
  Export(env, exports, "isAnomalyEnabled", IsAnomalyEnabled);
  Export(env, exports, "setHookInvoker", SetHookInvoker);
  Export(env, exports, "registerHook", RegisterHook);
  Export(env, exports, "removeHook", RemoveHook);
}

}  // namespace tn
