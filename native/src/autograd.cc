// Autograd: backward, .grad, requires_grad, leaf/grad_fn introspection, grad mode.
#include <ATen/core/grad_mode.h>
#include <c10/core/InferenceMode.h>
#include <torch/csrc/autograd/anomaly_mode.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/variable.h>

#include <memory>
#include <thread>

#include "compat.h"
#include "convert.h"
#include "ops.h"

namespace tn {
namespace {

// A tensor or an array of tensors (null entries become undefined tensors).
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

// ---- JS code called by the autograd engine: tensor hooks and custom Functions ---------------

std::thread::id g_jsThread = std::this_thread::get_id();  // the module loads on the JS thread

// A JS function kept alive by the autograd graph. The JS side does the conversions: it gets raw
// handles and returns handles. CPU graphs run on the calling (JS) thread, so JS can be entered.
class JsCallback {
 public:
  JsCallback(napi_env env, napi_value fn) : env_(env) { Check(napi_create_reference(env, fn, 1, &ref_)); }
  JsCallback(const JsCallback&) = delete;
  JsCallback& operator=(const JsCallback&) = delete;
  ~JsCallback() { DeferDeleteReference(ref_); }  // may run inside GC
  napi_env env() const { return env_; }
  // Calls fn(arg); inside the caller's handle scope. A JS exception stays pending and is reported
  // to the engine as a C++ exception, which Guard turns back into that JS exception.
  napi_value Call(napi_value arg) const {
    napi_value fn, global, result;
    if (napi_get_reference_value(env_, ref_, &fn) != napi_ok || napi_get_global(env_, &global) != napi_ok ||
        napi_call_function(env_, global, fn, 1, &arg, &result) != napi_ok)
      throw std::runtime_error("a JS autograd callback threw");
    return result;
  }
  static void CheckThread() {
    if (std::this_thread::get_id() != g_jsThread)
      throw std::runtime_error("JS hooks and Functions run only for graphs executed on the JS thread (CPU tensors)");
  }

 private:
  napi_env env_;
  napi_ref ref_ = nullptr;
};

// Opens a handle scope for one engine callback.
class HandleScope {
 public:
  explicit HandleScope(napi_env env) : env_(env) { Check(napi_open_handle_scope(env, &scope_)); }
  ~HandleScope() { napi_close_handle_scope(env_, scope_); }

 private:
  napi_env env_;
  napi_handle_scope scope_;
};

// registerHook(t, fn(gradHandle) -> handle | null) -> hook id for removeHook
napi_value RegisterHook(napi_env env, napi_callback_info info) {
  return Guard(env, "registerHook", [&] {
    Args<2> a(env, info);
    DeleteDeferredReferences(env);
    const at::Tensor& t = TensorOf(env, a[0], "self");
    if (TypeOf(env, a[1]) != napi_function) ThrowType("hook must be a function");
    if (!t.requires_grad()) ThrowError("cannot register a hook on a tensor that doesn't require gradient");
    auto fn = std::make_shared<JsCallback>(env, a[1]);
    unsigned id = t.register_hook([fn](const at::Tensor& grad) {
      JsCallback::CheckThread();
      HandleScope scope(fn->env());
      Box* b = BoxOf(fn->env(), fn->Call(WrapTensor(fn->env(), grad)));
      return b ? b->t : at::Tensor();  // nothing returned: keep the gradient
    });
    return FromInt64(env, id);
  });
}

napi_value RemoveHook(napi_env env, napi_callback_info info) {
  return Guard(env, "removeHook", [&] {
    Args<2> a(env, info);
    TensorOf(env, a[0], "self").remove_hook(static_cast<unsigned>(ToInt64(env, a[1], "hook id")));
    DeleteDeferredReferences(env);
    return Undefined(env);
  });
}

// The graph node of a torch.autograd.Function written in JS: its backward is a JS function that
// takes the output gradients (handles or null) and returns one gradient per tensor input.
struct JsFunctionNode : public torch::autograd::Node {
  JsFunctionNode(std::string name, std::shared_ptr<JsCallback> backward) : name_(std::move(name)), backward_(std::move(backward)) {}
  std::string name() const override { return name_; }
  torch::autograd::variable_list apply(torch::autograd::variable_list&& grads) override {
    JsCallback::CheckThread();
    napi_env env = backward_->env();
    HandleScope scope(env);
    napi_value arr;
    Check(napi_create_array_with_length(env, grads.size(), &arr));
    for (size_t i = 0; i < grads.size(); ++i) Check(napi_set_element(env, arr, static_cast<uint32_t>(i), WrapTensor(env, grads[i])));
    napi_value result = backward_->Call(arr);
    torch::autograd::variable_list out(num_outputs());
    for (size_t i = 0; i < out.size(); ++i) {
      napi_value e;
      Check(napi_get_element(env, result, static_cast<uint32_t>(i), &e));
      if (Box* b = BoxOf(env, e)) out[i] = b->t;
    }
    return out;
  }

 private:
  std::string name_;
  std::shared_ptr<JsCallback> backward_;
};

// attachFunction(name, inputs (tensor handles), outputs (tensor handles), backward): makes the
// outputs (computed without grad) results of one JsFunctionNode whose edges lead to the inputs.
napi_value AttachFunction(napi_env env, napi_callback_info info) {
  return Guard(env, "autograd.Function", [&] {
    Args<4> a(env, info);
    DeleteDeferredReferences(env);
    std::string name = ToString(env, a[0], "name");
    std::vector<at::Tensor> inputs = TensorList(env, a[1], "input");
    std::vector<at::Tensor> outputs = TensorList(env, a[2], "output");
    if (TypeOf(env, a[3]) != napi_function) ThrowType("backward must be a function");
    NodePtr node = MakeNode<JsFunctionNode>(name, std::make_shared<JsCallback>(env, a[3]));
    node->set_next_edges(torch::autograd::collect_next_edges(inputs));
    for (at::Tensor& o : outputs) {
      if (!o.defined()) ThrowType("every output must be a Tensor");
      if (o.requires_grad() || !o.is_leaf()) ThrowError("forward must return tensors computed inside it (it runs without grad)");
      if (c10::isFloatingType(o.scalar_type()) || c10::isComplexType(o.scalar_type()))
        torch::autograd::create_gradient_edge(o, node);
      else
        node->add_input_metadata(torch::autograd::Node::undefined_input());
    }
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
    DeleteDeferredReferences(env);
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
  Export(env, exports, "attachFunction", AttachFunction);
  Export(env, exports, "registerHook", RegisterHook);
  Export(env, exports, "removeHook", RemoveHook);
}

}  // namespace tn
