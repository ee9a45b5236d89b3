// Shared by the autograd sources (autograd.cc, autograd_engine.cc, grad_mode.cc, js_callbacks.cc).
#pragma once
#include <ATen/core/Tensor.h>

#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <stdexcept>
#include <string>
#include <vector>

#include "compat.h"
#include "handle.h"
#include "js_pump.h"

namespace torch::autograd {
struct Node;
struct SavedVariableHooks;
}  // namespace torch::autograd

namespace tn {

// The env whose JS runs on this thread (main thread or one worker each); null on libtorch's threads.
napi_env ThreadJsEnv();
// The JS stack at this point (new Error().stack without its first line), or "" where JS can't run.
std::string CaptureJsStack();

// A JS value (a hook, a Function's backward, a pack hook's result) kept alive by the autograd graph.
// The JS side does the conversions: callbacks get raw handles and return handles.
class JsRef {
 public:
  JsRef(napi_env env, Napi::Value v) : env_(env), state_(EnvStateOf(env)), ref_(Napi::Persistent(v)) {
    state_->pump.liveJsRefs.fetch_add(1, std::memory_order_relaxed);
  }
  JsRef(const JsRef&) = delete;
  JsRef& operator=(const JsRef&) = delete;
  // May run inside GC or on another thread (a graph freed by the engine): the env's own queue
  // deletes the reference, not Reference's destructor.
  ~JsRef() {
    state_->pump.liveJsRefs.fetch_sub(1, std::memory_order_relaxed);
    napi_ref ref = ref_;
    ref_.SuppressDestruct();
    state_->DeferDeleteReference(ref);
  }
  Napi::Env env() const { return Napi::Env(env_); }
  Napi::Value Value() const { return ref_.Value(); }
  // Runs f, which calls this JS value, on its JS thread: at once when this is that thread, else
  // posted to the thread while it waits for a pumped backward (js_pump.h), an Error otherwise.
  template <class F>
  auto Run(F&& f) const -> decltype(f()) {
    if (ThreadJsEnv() == env_) return f();
    return ReturnVia([&](const std::function<void()>& call) { PostToJsThread(env_, *state_, call); }, f);
  }
  // Calls the function fn(...argv) in the caller's handle scope. A JS exception becomes a Napi::Error,
  // which the engine passes on as a std::exception and Guard turns back into that JS exception.
  Napi::Value Call(const std::initializer_list<napi_value>& argv) const { return Value().As<Napi::Function>().Call(env().Global(), argv); }

 private:
  napi_env env_;
  std::shared_ptr<EnvState> state_;
  Napi::Reference<Napi::Value> ref_;
};

// Runs binding code inside the engine, which handles only std::exception: our own error types
// become runtime_errors (a pending JS exception still wins in Guard).
template <class F>
auto InEngine(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const JsError& e) {
    throw std::runtime_error(e.msg);
  } catch (const NapiFailed&) {
    throw std::runtime_error("a Node-API call failed in a JS autograd callback");
  }
}

// The tensor a JS callback returned: undefined for null; a disposed tensor is an error.
at::Tensor ReturnedTensor(napi_env env, napi_value v, const std::string& who);

// A tensor or an array of tensors (null entries become undefined tensors).
std::vector<at::Tensor> TensorList(napi_env env, napi_value arr, const char* what);

// Makes the autograd engine this addon's own (anomaly metadata with JS stacks); once per process.
void InstallJsEngine();
// Gives forward AD to the backward ops Python's `import torch` gives it to (jvp_decompositions.cc); once per process.
void RegisterJvpDecompositions();

// The JS object a graph node keeps as its `metadata` (null until first asked for); in the node's
// anomaly metadata, which libtorch makes through our engine (autograd_engine.cc).
std::shared_ptr<JsRef>& NodeMetadataRef(torch::autograd::Node& fn);
// The node of a graph node handle (autograd_graph.cc); TypeError for anything else.
NodePtr GraphNodeOf(const Napi::Value& v);
// The saved-tensors hooks pushed on this thread, for a tensor being saved now (autograd_graph.cc).
std::unique_ptr<torch::autograd::SavedVariableHooks> DefaultSavedVariableHooks();
// One entry of the saved-tensors hooks stack: makes the hooks of each tensor saved while it is innermost.
using SavedHooksFrame = std::function<std::unique_ptr<torch::autograd::SavedVariableHooks>()>;
// Pushes a maker of saved-tensors hooks on this thread's stack (Error while hooks are disabled); pops the innermost.
void PushSavedHooks(SavedHooksFrame make);
void PopSavedHooks();

void RegisterAutogradGraph(napi_env env, napi_value exports);
void RegisterAutogradEngine(napi_env env, napi_value exports);
void RegisterAutogradMutation(napi_env env, napi_value exports);
void RegisterSelectiveCheckpoint(napi_env env, napi_value exports);
void RegisterGradMode(napi_env env, napi_value exports);
void RegisterFunctionalize(napi_env env, napi_value exports);
void RegisterJsCallbacks(napi_env env, napi_value exports);

}  // namespace tn
