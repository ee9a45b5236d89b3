// JS code called by the autograd engine: tensor hooks and custom autograd.Functions. The engine runs
// CPU graphs on the thread that called backward, so a callback runs only on its own env's JS thread.
// Nothing here holds JS tensors: a Function's saved tensors are SavedVariables (an output is saved
// without its grad_fn), so the graph never keeps its own outputs alive through JS.
#include <torch/csrc/autograd/custom_function.h>
#include <torch/csrc/autograd/function_hook.h>
#include <torch/csrc/autograd/saved_variable.h>
#include <torch/csrc/autograd/variable.h>

#include <algorithm>
#include <memory>
#include <type_traits>
#include <unordered_set>

#include "autograd.h"
#include "compat.h"

namespace tn {
namespace {

// registerHook(t, fn(gradHandle) -> handle | null) -> hook id for removeHook
Napi::Value RegisterHook(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  DeleteDeferredReferences(env);
  const at::Tensor& t = TensorOf(env, info[0], "self");
  if (!info[1].IsFunction()) ThrowType("hook must be a function");
  if (!t.requires_grad()) ThrowError("cannot register a hook on a tensor that doesn't require gradient");
  auto fn = std::make_shared<JsRef>(env, info[1].As<Napi::Function>());
  unsigned id = t.register_hook([fn](const at::Tensor& grad) -> at::Tensor {
    return fn->Run([&] { return InEngine([&] {
      Napi::HandleScope scope(fn->env());
      return ReturnedTensor(fn->env(), fn->Call({WrapTensor(fn->env(), grad)}), "registerHook: the hook");
    }); });
  });
  return Napi::Number::New(env, id);
}

Napi::Value RemoveHook(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  TensorOf(env, info[0], "self").remove_hook(static_cast<unsigned>(ToInt64(env, info[1], "hook id")));
  DeleteDeferredReferences(env);
  return env.Undefined();
}

// The post-accumulate-grad hooks of one leaf. libtorch keeps one PostAccumulateGradHook per tensor,
// so this one runs every JS hook registered on it, in registration order (as Python's dict of hooks).
struct JsPostAccGradHooks : public torch::autograd::PostAccumulateGradHook {
  std::vector<std::pair<unsigned, std::shared_ptr<JsRef>>> hooks;
  unsigned nextId = 0;
  void operator()(const torch::autograd::Variable& tensor) override {
    auto running = hooks;  // a hook may remove hooks (itself included) while they run
    for (const auto& entry : running) {
      const std::shared_ptr<JsRef>& fn = entry.second;
      fn->Run([&] { InEngine([&] {
        Napi::HandleScope scope(fn->env());
        fn->Call({WrapTensor(fn->env(), tensor)});
      }); });
    }
  }
};

// registerPostAccGradHook(t, fn(tensorHandle)) -> hook id for removePostAccGradHook
Napi::Value RegisterPostAccGradHook(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  DeleteDeferredReferences(env);
  const at::Tensor& t = TensorOf(env, info[0], "self");
  if (!info[1].IsFunction()) ThrowType("hook must be a function");
  if (!t.requires_grad()) ThrowError("cannot register a hook on a tensor that doesn't require gradient");
  if (t.grad_fn()) ThrowError("post accumulate grad hooks cannot be registered on non-leaf tensors");
  auto& slot = torch::autograd::impl::post_acc_grad_hooks(t);
  if (!dynamic_cast<JsPostAccGradHooks*>(slot.get())) torch::autograd::impl::set_post_acc_grad_hooks(t, std::make_unique<JsPostAccGradHooks>());
  auto& hooks = static_cast<JsPostAccGradHooks&>(*torch::autograd::impl::post_acc_grad_hooks(t));
  unsigned id = hooks.nextId++;
  hooks.hooks.emplace_back(id, std::make_shared<JsRef>(env, info[1].As<Napi::Function>()));
  return Napi::Number::New(env, id);
}

Napi::Value RemovePostAccGradHook(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const at::Tensor& t = TensorOf(env, info[0], "self");
  auto id = static_cast<unsigned>(ToInt64(env, info[1], "hook id"));
  if (auto* hooks = dynamic_cast<JsPostAccGradHooks*>(torch::autograd::impl::post_acc_grad_hooks(t).get()))
    hooks->hooks.erase(std::remove_if(hooks->hooks.begin(), hooks->hooks.end(), [id](const auto& h) { return h.first == id; }), hooks->hooks.end());
  DeleteDeferredReferences(env);
  return env.Undefined();
}

// The graph node of a torch.autograd.Function written in JS. Its backward is a JS function
// backward(gradOutputs, savedTensors | null) -> one gradient (or null) per tensor input; null
// savedTensors says they were freed by an earlier backward without retainGraph.
struct JsFunctionNode : public torch::autograd::Node {
  JsFunctionNode(std::string name, std::shared_ptr<JsRef> backward) : name_(std::move(name)), backward_(std::move(backward)) {}
  std::string name() const override { return name_; }
  torch::autograd::variable_list apply(torch::autograd::variable_list&& grads) override {
    return backward_->Run([&] { return InEngine([&] { return CallBackward(std::move(grads)); }); });
  }
  void release_variables() override {
    saved.clear();
    released = true;
  }

  std::vector<torch::autograd::VariableInfo> outputInfo;  // shape and type of each forward output
  std::vector<torch::autograd::SavedVariable> saved;
  bool released = false;
  bool materializeGrads = true;  // ctx.setMaterializeGrads: unused outputs get zeros (true) or null

 private:
  torch::autograd::variable_list CallBackward(torch::autograd::variable_list grads) {
    Napi::Env env = backward_->env();
    Napi::HandleScope scope(env);
    at::OptionalDeviceGuard deviceGuard;
    Napi::Array gradArray = Napi::Array::New(env, grads.size());
    for (size_t i = 0; i < grads.size(); ++i) {
      // Outputs that took no part get zero gradients, unless ctx.setMaterializeGrads(false) said null.
      if (materializeGrads && !grads[i].defined() && i < outputInfo.size()) grads[i] = outputInfo[i].zeros(deviceGuard);
      gradArray.Set(static_cast<uint32_t>(i), WrapTensor(env, grads[i]));
    }
    Napi::Value savedArg = env.Null();
    if (!released) {
      Napi::Array savedArray = Napi::Array::New(env, saved.size());
      for (size_t i = 0; i < saved.size(); ++i) savedArray.Set(static_cast<uint32_t>(i), WrapTensor(env, saved[i].unpack(getptr())));
      savedArg = savedArray;
    }
    Napi::Value result = backward_->Call({gradArray, savedArg});
    if (!result.IsArray() || result.As<Napi::Array>().Length() != num_outputs())
      throw std::runtime_error(name_ + " returned an incorrect number of gradients");
    Napi::Array resultArray = result.As<Napi::Array>();
    torch::autograd::variable_list out(num_outputs());
    for (uint32_t i = 0; i < resultArray.Length(); ++i) out[i] = ReturnedTensor(env, resultArray.Get(i), name_);
    return out;
  }

  std::string name_;
  std::shared_ptr<JsRef> backward_;
};

// torch::autograd::_wrap_outputs's outputs, and from 2.14 the node it attached them to.
struct WrappedOutputs {
  std::vector<std::optional<at::Tensor>> outputs;
  NodePtr attached;
};

// _wrap_outputs with its trailing arguments where this libtorch has them: pure_view (false), and
// from 2.14 the attached node's out-parameter.
template <class... A>
WrappedOutputs WrapOutputs(A&&... args) {
#if TN_HAS_NODE_CREATION_HOOKS
  WrappedOutputs w;
  w.outputs = torch::autograd::_wrap_outputs(std::forward<A>(args)..., false, w.attached);
  return w;
#else
  if constexpr (std::is_invocable_v<decltype(&torch::autograd::_wrap_outputs), A..., bool>)
    return {torch::autograd::_wrap_outputs(std::forward<A>(args)..., false), nullptr};
  else
    return {torch::autograd::_wrap_outputs(std::forward<A>(args)...), nullptr};
#endif
}

using ImplSet = std::unordered_set<at::TensorImpl*>;
ImplSet ImplsOf(const std::vector<at::Tensor>& ts) {
  ImplSet out;
  for (const at::Tensor& t : ts)
    if (t.defined()) out.insert(t.unsafeGetTensorImpl());
  return out;
}

// PyTorch's rules for the outputs of a custom Function (_wrap_outputs), checked up front so that a
// failure leaves every tensor and the graph as they were.
void ValidateOutputs(const std::vector<at::Tensor>& outputs, const ImplSet& inputs, const ImplSet& dirty, const ImplSet& nonDifferentiable) {
  ImplSet returned;
  for (const at::Tensor& o : outputs) {
    if (!o.defined()) ThrowType("every output must be a Tensor");
    at::TensorImpl* impl = o.unsafeGetTensorImpl();
    returned.insert(impl);
    bool isInput = inputs.count(impl) > 0;
    if (!isInput && !o.is_view() && o.requires_grad())
      ThrowError("forward returned a tensor that requires grad but is not one of its inputs; compute outputs inside forward (it runs without grad)");
    bool differentiable = nonDifferentiable.count(impl) == 0 && torch::autograd::isDifferentiableType(o.scalar_type());
    if (!differentiable || dirty.count(impl) == 0) continue;
    if (o.is_leaf() && o.requires_grad()) ThrowError("a leaf Variable that requires grad has been used in an in-place operation.");
    if (o.is_view() && outputs.size() > 1)
      ThrowError("If your Function modifies inplace an input that is a view of another Tensor, your Function cannot return more than one Tensor. "
                 "Make sure the input is not a view (using .clone() for example) or make your Function return only one Tensor.");
  }
  for (at::TensorImpl* d : dirty)
    if (!returned.count(d))
      ThrowError("Some elements marked as dirty during the forward method were not returned as output. The inputs that are modified inplace must all be outputs of the Function.");
}

// attachFunction(name, inputs, outputs, dirty, nonDifferentiable, saved, backward, jvp, executable, materializeGrads) -> per
// output a new handle where the output became a new tensor (an input returned as-is becomes a view of
// it), else null. Makes the outputs (computed without grad) results of one JsFunctionNode with edges to
// the tensor inputs and saves `saved` for its backward; with executable false only forward AD runs (no
// node, as Python's apply does outside grad mode). jvp(inputTangents) -> outputTangents runs right
// here, synchronously, when an input has a tangent; null gives PyTorch's error.
Napi::Value AttachFunction(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  DeleteDeferredReferences(env);
  std::string name = ToString(env, info[0], "name");
  std::vector<at::Tensor> inputs = TensorList(env, info[1], "input");
  std::vector<at::Tensor> outputs = TensorList(env, info[2], "output");
  std::vector<at::Tensor> dirty = TensorList(env, info[3], "markDirty");
  std::vector<at::Tensor> nonDifferentiable = TensorList(env, info[4], "markNonDifferentiable");
  std::vector<at::Tensor> toSave = TensorList(env, info[5], "saveForBackward");
  if (!info[6].IsFunction()) ThrowType("backward must be a function");
  if (!IsNullish(info[7]) && !info[7].IsFunction()) ThrowType("jvp must be a function or null");
  bool executable = IsNullish(info[8]) || ToBool(env, info[8], "executable");
  bool materializeGrads = IsNullish(info[9]) || ToBool(env, info[9], "materializeGrads");
  ImplSet dirtySet = ImplsOf(dirty), nonDifferentiableSet = ImplsOf(nonDifferentiable);
  ValidateOutputs(outputs, ImplsOf(inputs), dirtySet, nonDifferentiableSet);

  NodePtr node;
  if (executable) {
    node = MakeNode<JsFunctionNode>(name, std::make_shared<JsRef>(env, info[6].As<Napi::Function>()));
    node->set_next_edges(torch::autograd::collect_next_edges(inputs));
  }
  for (const at::Tensor& d : dirty) torch::autograd::impl::bump_version(d);
  std::vector<std::optional<at::Tensor>> raw(outputs.begin(), outputs.end());
  // Called by _wrap_outputs on this thread before it returns, so the JS function needs no reference.
  Napi::Value jvpFn = info[7];
  auto callJvp = [env, jvpFn](const torch::autograd::variable_list&, const torch::autograd::variable_list& tangents) -> torch::autograd::variable_list {
    TORCH_CHECK_NOT_IMPLEMENTED(jvpFn.IsFunction(), "You must implement the jvp function for custom autograd.Function to use it with forward mode AD.");
    Napi::HandleScope scope(env);
    Napi::Array args = Napi::Array::New(env, tangents.size());
    for (size_t i = 0; i < tangents.size(); ++i) args.Set(static_cast<uint32_t>(i), WrapTensor(env, tangents[i]));
    Napi::Value result = jvpFn.As<Napi::Function>().Call({args});
    if (!result.IsArray()) ThrowType("jvp must return an array of tangents");
    Napi::Array list = result.As<Napi::Array>();
    torch::autograd::variable_list out(list.Length());
    for (uint32_t i = 0; i < list.Length(); ++i) out[i] = ReturnedTensor(env, list.Get(i), "jvp");
    return out;
  };
  auto viewAsSelf = [](const at::Tensor& x) { return x.view_as(x); };
  torch::autograd::_jvp_fn_t jvp = callJvp;
  torch::autograd::_view_as_self_fn_t viewAs = viewAsSelf;
  const ImplSet noSetupContext;
  auto [wrapped, attached] = WrapOutputs(inputs, nonDifferentiableSet, dirtySet, at::ArrayRef<std::optional<at::Tensor>>(raw), node, jvp, noSetupContext, viewAs);
  if (executable) {
    auto& fn = static_cast<JsFunctionNode&>(*node);
    fn.materializeGrads = materializeGrads;
    for (const auto& o : wrapped) fn.outputInfo.emplace_back(*o);
    for (const at::Tensor& s : toSave)
      fn.saved.emplace_back(s.defined() ? torch::autograd::SavedVariable(s, s.grad_fn().get() == node.get()) : torch::autograd::SavedVariable());
#if TN_HAS_NODE_CREATION_HOOKS
    // As Function::apply: the hooks see the node with its saved tensors.
    if (attached) torch::autograd::fire_node_creation_hooks(attached);
#endif
  }

  Napi::Array replaced = Napi::Array::New(env, wrapped.size());
  for (size_t i = 0; i < wrapped.size(); ++i) {
    bool same = wrapped[i]->unsafeGetTensorImpl() == outputs[i].unsafeGetTensorImpl();
    replaced.Set(static_cast<uint32_t>(i), same ? Null(env) : WrapTensor(env, *wrapped[i]));
  }
  return replaced;
}

}  // namespace

at::Tensor ReturnedTensor(napi_env env, napi_value v, const std::string& who) {
  Box* b = BoxOf(env, v);
  if (!b) return {};
  if (!b->t.defined()) throw std::runtime_error(who + " returned a disposed Tensor");
  return b->t;
}

void RegisterJsCallbacks(napi_env env, napi_value exports) {
  static constexpr MethodEntry kEntries[] = {
      {"attachFunction", AttachFunction, "autograd.Function"},
      {"registerHook", RegisterHook},
      {"removeHook", RemoveHook},
      {"registerPostAccGradHook", RegisterPostAccGradHook, "registerPostAccumulateGradHook"},
      {"removePostAccGradHook", RemovePostAccGradHook, "registerPostAccumulateGradHook"},
  };
  ExportAll(env, exports, kEntries);
}

}  // namespace tn
