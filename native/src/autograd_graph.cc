// torch.autograd.graph: handles on graph nodes (a tensor's grad_fn and the nodes behind it) with
// their hooks and metadata, and the saved-tensors default hooks. As with tensor hooks, the JS
// functions run only for graphs executed on their own JS thread (CPU tensors).
#include <torch/csrc/autograd/engine.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/function_hook.h>
#include <torch/csrc/autograd/graph_task.h>
#include <torch/csrc/autograd/functions/accumulate_grad.h>
#include <torch/csrc/autograd/saved_variable.h>
#include <torch/csrc/autograd/saved_variable_hooks.h>
#include <torch/csrc/autograd/variable.h>

#include <algorithm>
#include <functional>
#include <optional>

#include "autograd.h"
#include "compat.h"

namespace tn {
namespace {

using torch::autograd::variable_list;

constexpr napi_type_tag kNodeTag = {0x7a4e2c91d05b3f68ULL, 0x9c1d8e6b2a7f4053ULL};

struct NodeBox {
  NodePtr node;
};
using NodeExternal = Napi::External<NodeBox>;

napi_value WrapNode(napi_env env, const NodePtr& node) {
  if (!node) return Null(env);
  auto out = NodeExternal::New(env, new NodeBox{node}, [](Napi::BasicEnv, NodeBox* b) { delete b; });
  out.TypeTag(&kNodeTag);
  return out;
}

torch::autograd::Node& NodeOf(const Napi::Value& v) { return *GraphNodeOf(v); }

Napi::Array HandleArray(Napi::Env env, const variable_list& ts) {
  Napi::Array out = Napi::Array::New(env, ts.size());
  for (size_t i = 0; i < ts.size(); ++i) out.Set(static_cast<uint32_t>(i), Napi::Value(env, WrapTensor(env, ts[i])));
  return out;
}

// The JS hooks of one node, of one kind, in registration order (libtorch's hook lists cannot remove
// a pre-hook, so each node gets one of these per kind and it runs them all).
struct JsNodeHookList {
  std::vector<std::pair<unsigned, std::shared_ptr<JsRef>>> hooks;
  unsigned nextId = 0;
  // Each hook gets the gradients as the hooks before it left them (and the other side's, for
  // post-hooks) and may return replacements: an array as long, null entries for no gradient.
  variable_list Run(variable_list grads, const variable_list* others) const {
    auto running = hooks;  // a hook may remove hooks (itself included) while they run
    for (const auto& entry : running) {
      const JsRef& fn = *entry.second;
      grads = fn.Run([&] { return InEngine([&] {
        Napi::Env env = fn.env();
        Napi::HandleScope scope(env);
        Napi::Value result = others ? fn.Call({HandleArray(env, grads), HandleArray(env, *others)}) : fn.Call({HandleArray(env, grads)});
        if (IsNullish(result)) return grads;
        if (!result.IsArray() || result.As<Napi::Array>().Length() != grads.size())
          throw std::runtime_error("a graph node hook must return an array of " + std::to_string(grads.size()) + " gradients or nothing");
        Napi::Array list = result.As<Napi::Array>();
        variable_list out(grads.size());
        for (uint32_t i = 0; i < list.Length(); ++i) out[i] = ReturnedTensor(env, list.Get(i), "a graph node hook");
        return out;
      }); });
    }
    return grads;
  }
};

struct JsNodePreHooks : torch::autograd::FunctionPreHook {
  JsNodeHookList list;
  variable_list operator()(const variable_list& gradOutputs) override { return list.Run(gradOutputs, nullptr); }
};

struct JsNodePostHooks : torch::autograd::FunctionPostHook {
  JsNodeHookList list;
  variable_list operator()(const variable_list& gradInputs, const variable_list& gradOutputs) override { return list.Run(gradInputs, &gradOutputs); }
};

// The node's JS hooks of kind H among those installed (made and added on first use when create),
// or nullptr.
template <class H, class Installed, class Add>
JsNodeHookList* HookListIn(Installed& installed, bool create, Add add) {
  for (auto& h : installed)
    if (auto* ours = dynamic_cast<H*>(h.get())) return &ours->list;
  if (!create) return nullptr;
  auto made = std::make_unique<H>();
  JsNodeHookList* list = &made->list;
  add(std::move(made));
  return list;
}

JsNodeHookList* HookList(torch::autograd::Node& node, bool pre, bool create) {
  if (pre) return HookListIn<JsNodePreHooks>(node.pre_hooks(), create, [&](auto h) { node.add_pre_hook(std::move(h)); });
  return HookListIn<JsNodePostHooks>(node.post_hooks(), create, [&](auto h) { node.add_post_hook(std::move(h)); });
}

// gradFnNode(t) -> node handle | null
Napi::Value GradFnNode(const Napi::CallbackInfo& info) {
  return Napi::Value(info.Env(), WrapNode(info.Env(), TensorOf(info.Env(), info[0], "self").grad_fn()));
}

// nodeInfo(node) -> [name, key]: key tells nodes apart (equal keys, same node while a handle lives).
Napi::Value NodeInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  torch::autograd::Node& node = NodeOf(info[0]);
  Napi::Array out = Napi::Array::New(env, 2);
  out.Set(0u, Napi::String::New(env, node.name()));
  out.Set(1u, Napi::Number::New(env, static_cast<double>(reinterpret_cast<uintptr_t>(&node))));
  return out;
}

// nodeNextFunctions(node) -> [[node | null, inputNr], ...]
Napi::Value NodeNextFunctions(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto& edges = NodeOf(info[0]).next_edges();
  Napi::Array out = Napi::Array::New(env, edges.size());
  for (size_t i = 0; i < edges.size(); ++i) {
    Napi::Array pair = Napi::Array::New(env, 2);
    pair.Set(0u, Napi::Value(env, WrapNode(env, edges[i].function)));
    pair.Set(1u, Napi::Number::New(env, edges[i].input_nr));
    out.Set(static_cast<uint32_t>(i), pair);
  }
  return out;
}

// nodeVariable(node) -> the leaf tensor of an AccumulateGrad node, else undefined.
Napi::Value NodeVariable(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto* acc = dynamic_cast<torch::autograd::AccumulateGrad*>(&NodeOf(info[0]));
  return acc ? Napi::Value(env, WrapTensor(env, acc->variable)) : env.Undefined();
}

// nodeMetadata(node) -> the node's metadata object, made on first use and kept by the node.
Napi::Value NodeMetadata(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  DeleteDeferredReferences(env);
  std::shared_ptr<JsRef>& slot = NodeMetadataRef(NodeOf(info[0]));
  if (!slot) slot = std::make_shared<JsRef>(env, Napi::Object::New(env));
  if (napi_env(slot->env()) != napi_env(env)) ThrowError("this graph node's metadata belongs to another thread");
  return slot->Value();
}

// nodeRegisterHook(node, fn, pre) -> hook id for nodeRemoveHook. fn(gradInputs, gradOutputs), or
// fn(gradOutputs) for a pre-hook, gets arrays of handles and returns replacements or nothing.
Napi::Value NodeRegisterHook(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  DeleteDeferredReferences(env);
  torch::autograd::Node& node = NodeOf(info[0]);
  if (!info[1].IsFunction()) ThrowType("hook must be a function");
  JsNodeHookList& list = *HookList(node, ToBool(env, info[2], "pre"), true);
  unsigned id = list.nextId++;
  list.hooks.emplace_back(id, std::make_shared<JsRef>(env, info[1]));
  return Napi::Number::New(env, id);
}

// nodeRemoveHook(node, id, pre)
Napi::Value NodeRemoveHook(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  torch::autograd::Node& node = NodeOf(info[0]);
  auto id = static_cast<unsigned>(ToInt64(env, info[1], "hook id"));
  if (JsNodeHookList* list = HookList(node, ToBool(env, info[2], "pre"), false))
    list->hooks.erase(std::remove_if(list->hooks.begin(), list->hooks.end(), [id](const auto& h) { return h.first == id; }), list->hooks.end());
  DeleteDeferredReferences(env);
  return env.Undefined();
}

// currentGraphTaskId() -> the id of the backward running on this thread, -1 outside backward.
Napi::Value CurrentGraphTaskId(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), CurrentEngineContext().graphTaskId);
}

// willEngineExecuteNode(node) -> whether the backward running now will run the node (Python's
// torch._C._will_engine_execute_node, behind register_multi_grad_hook).
Napi::Value WillEngineExecuteNode(const Napi::CallbackInfo& info) {
  torch::autograd::Node* node = &NodeOf(info[0]);
  const EngineContext engine = CurrentEngineContext();
  const auto* execInfo = engine.execInfo;
  if (!execInfo) ThrowError("_will_engine_execute_node should only be called during the backward pass");
  const auto* nodesInGraph = engine.nodesInGraph;
  bool will = nodesInGraph && nodesInGraph->count(node) > 0;
  if (will && !execInfo->empty()) {
    auto it = execInfo->find(node);
    if (it == execInfo->end() || !it->second.should_execute()) {
      will = false;
    } else if (node->topological_nr() == 0 && it->second.captures_) {
      ThrowError("A leaf node was passed to _will_engine_execute_node but we are currently running autograd.grad(). This is currently not supported.");
    }
  }
  return Napi::Boolean::New(info.Env(), will);
}

// ---- inputs saved outside a graph node (the non-reentrant checkpoint's _NoopSaveInputs) ------------

// Saved as ctx.save_for_backward saves a custom Function's inputs: through this thread's saved-tensors
// hooks, with each tensor's version, so that unpacking one changed in place since is libtorch's error.
using SavedInputs = std::vector<torch::autograd::SavedVariable>;
using SavedInputsExternal = Napi::External<SavedInputs>;
constexpr napi_type_tag kSavedInputsTag = {0x6b1e93d4a07c52f8ULL, 0x2f94c0b7e8a3d615ULL};

// saveInputs(tensors | null ...) -> handle
Napi::Value SaveInputs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<at::Tensor> tensors = TensorList(env, info[0], "input");
  auto saved = std::make_unique<SavedInputs>();
  for (const at::Tensor& t : tensors) saved->emplace_back(t, /*is_output=*/false);
  auto out = SavedInputsExternal::New(env, saved.release(), [](Napi::BasicEnv, SavedInputs* s) { delete s; });
  out.TypeTag(&kSavedInputsTag);
  return out;
}

// unpackInputs(handle) -> (tensor | null)[], through the unpack hooks; libtorch's error for a changed one.
Napi::Value UnpackInputs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsExternal() || !info[0].As<SavedInputsExternal>().CheckTypeTag(&kSavedInputsTag)) ThrowType("expected saved inputs");
  const SavedInputs& saved = *info[0].As<SavedInputsExternal>().Data();
  std::vector<at::Tensor> tensors;
  for (const torch::autograd::SavedVariable& v : saved) tensors.push_back(v.unpack());
  Napi::Array out = Napi::Array::New(env, tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) out.Set(static_cast<uint32_t>(i), WrapTensor(env, tensors[i]));
  return out;
}

// incrementVersion(tensors): bumps each tensor's version counter, as an in-place op does (inference
// tensors have none and are skipped, as in PyTorch).
Napi::Value IncrementVersion(const Napi::CallbackInfo& info) {
  for (const at::Tensor& t : TensorList(info.Env(), info[0], "tensor"))
    if (t.defined() && !t.is_inference()) torch::autograd::impl::bump_version(t);
  return info.Env().Undefined();
}

// ---- saved-tensors default hooks (torch.autograd.graph.saved_tensors_hooks) ----------------------

// Per thread, as Python's (each JS thread its own stack); libtorch asks on the thread that saves.
thread_local std::vector<SavedHooksFrame> t_savedHooks;
thread_local std::optional<std::string> t_savedHooksDisabled;

// One saved tensor's JS hooks: pack(tensor) ran when it was saved; unpack(packed) -> tensor runs each
// time backward reads it.
struct JsSavedVariableHooks : torch::autograd::SavedVariableHooks {
  JsSavedVariableHooks(std::shared_ptr<JsRef> pack, std::shared_ptr<JsRef> unpack) : pack(std::move(pack)), unpack(std::move(unpack)) {}
  void call_pack_hook(const at::Tensor& tensor) override {
    packed = pack->Run([&] { return InEngine([&] {
      Napi::Env env = pack->env();
      Napi::HandleScope scope(env);
      return std::make_shared<JsRef>(env, pack->Call({WrapTensor(env, tensor)}));
    }); });
  }
  at::Tensor call_unpack_hook() override {
    return unpack->Run([&] { return InEngine([&] {
      Napi::Env env = unpack->env();
      Napi::HandleScope scope(env);
      at::Tensor out = ReturnedTensor(env, unpack->Call({packed->Value()}), "a saved tensor unpack hook");
      if (!out.defined()) throw std::runtime_error("Output of saved tensor unpack_hook expected to be a Tensor");
      return out;
    }); });
  }
  std::shared_ptr<JsRef> pack, unpack, packed;
};

// pushSavedTensorsHooks(pack, unpack); the JS side pops them with popSavedTensorsHooks.
Napi::Value PushSavedTensorsHooks(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  DeleteDeferredReferences(env);
  if (!info[0].IsFunction() || !info[1].IsFunction()) ThrowType("pack and unpack hooks must be functions");
  auto pack = std::make_shared<JsRef>(env, info[0]);
  auto unpack = std::make_shared<JsRef>(env, info[1]);
  PushSavedHooks([pack, unpack] { return std::make_unique<JsSavedVariableHooks>(pack, unpack); });
  return env.Undefined();
}

Napi::Value PopSavedTensorsHooks(const Napi::CallbackInfo& info) {
  PopSavedHooks();
  return info.Env().Undefined();
}

// setSavedTensorsHooksDisabled(message | null) -> the message before (null when enabled). Disabling
// while hooks are pushed is an error with the new message, as in PyTorch.
Napi::Value SetSavedTensorsHooksDisabled(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::optional<std::string> message;
  if (!IsNullish(info[0])) message = ToString(env, info[0], "message");
  if (message && !t_savedHooks.empty()) ThrowError(*message);
  Napi::Value previous = t_savedHooksDisabled ? Napi::Value(Napi::String::New(env, *t_savedHooksDisabled)) : env.Null();
  t_savedHooksDisabled = message;
  return previous;
}

}  // namespace

NodePtr GraphNodeOf(const Napi::Value& v) {
  if (!v.IsExternal() || !v.As<NodeExternal>().CheckTypeTag(&kNodeTag)) ThrowType("expected an autograd graph node");
  return v.As<NodeExternal>().Data()->node;
}

std::unique_ptr<torch::autograd::SavedVariableHooks> DefaultSavedVariableHooks() {
  if (t_savedHooks.empty()) return nullptr;
  return t_savedHooks.back()();
}

void PushSavedHooks(SavedHooksFrame make) {
  if (t_savedHooksDisabled) ThrowError(*t_savedHooksDisabled);
  t_savedHooks.push_back(std::move(make));
}

void PopSavedHooks() {
  if (t_savedHooks.empty()) ThrowError("no saved tensors hooks to pop");
  t_savedHooks.pop_back();
}

void RegisterAutogradGraph(napi_env env, napi_value exports) {
  static constexpr MethodEntry kEntries[] = {
      {"gradFnNode", GradFnNode, "gradFn"},
      {"nodeInfo", NodeInfo, "Node"},
      {"nodeNextFunctions", NodeNextFunctions, "Node.nextFunctions"},
      {"nodeVariable", NodeVariable, "Node.variable"},
      {"nodeMetadata", NodeMetadata, "Node.metadata"},
      {"nodeRegisterHook", NodeRegisterHook, "Node.registerHook"},
      {"nodeRemoveHook", NodeRemoveHook, "Node.registerHook"},
      {"currentGraphTaskId", CurrentGraphTaskId, "registerMultiGradHook"},
      {"willEngineExecuteNode", WillEngineExecuteNode, "registerMultiGradHook"},
      {"incrementVersion", IncrementVersion},
      {"saveInputs", SaveInputs, "checkpoint"},
      {"unpackInputs", UnpackInputs, "checkpoint"},
      {"pushSavedTensorsHooks", PushSavedTensorsHooks, "savedTensorsHooks"},
      {"popSavedTensorsHooks", PopSavedTensorsHooks, "savedTensorsHooks"},
      {"setSavedTensorsHooksDisabled", SetSavedTensorsHooksDisabled, "disableSavedTensorsHooks"},
  };
  ExportAll(env, exports, kEntries);
}

}  // namespace tn
