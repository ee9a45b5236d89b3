// The autograd engine runs: backward, autograd.grad, and anomaly detection. In anomaly mode every
// graph node records the JS stack of the forward call that created it, and an error raised by
// backward names that stack (as Python's anomaly mode prints the forward traceback).
#include <torch/csrc/autograd/anomaly_mode.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/engine.h>
#include <torch/csrc/autograd/function.h>

#include <mutex>

#include "autograd.h"
#include "compat.h"

namespace tn {
namespace {

using torch::autograd::AnomalyMode;

// The JS stack at this point (new Error().stack without its first line), or "" where JS can't run.
std::string CaptureJsStack() {
  napi_env env = ThreadJsEnv();
  if (!env) return "";
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return "";
  std::string out;
  napi_value message, error, stack;
  size_t len = 0;
  if (napi_create_string_utf8(env, "", 0, &message) == napi_ok && napi_create_error(env, nullptr, message, &error) == napi_ok &&
      napi_get_named_property(env, error, "stack", &stack) == napi_ok &&
      napi_get_value_string_utf8(env, stack, nullptr, 0, &len) == napi_ok) {
    out.resize(len + 1);
    napi_get_value_string_utf8(env, stack, out.data(), len + 1, &len);
    out.resize(len);
    size_t firstFrame = out.find('\n');
    out = firstFrame == std::string::npos ? std::string() : out.substr(firstFrame + 1);
  }
  napi_close_handle_scope(env, scope);
  return out;
}

// Anomaly metadata of one graph node: the JS stack of its creation, and the node whose backward
// created it (double backward). Keeps the stack for the error instead of printing it.
struct JsAnomalyMetadata : torch::autograd::AnomalyMetadata {
  void store_stack() override { stack = CaptureJsStack(); }
  void print_stack(const std::string&) override {}
  void assign_parent(const NodePtr& parent_node) override { parent = parent_node; }
  std::string stack;
  NodePtr parent;
};

// Python's anomaly report: the failing node's forward stack, then those of the nodes whose
// backward created it.
std::string ForwardTrace(torch::autograd::Node& fn) {
  auto* meta = dynamic_cast<JsAnomalyMetadata*>(fn.metadata());
  if (!meta || meta->stack.empty()) return "";
  std::string trace = "Error detected in " + fn.name() + ". Traceback of forward call that caused the error:\n" + meta->stack;
  for (NodePtr p = meta->parent; p; ) {
    auto* pm = dynamic_cast<JsAnomalyMetadata*>(p->metadata());
    if (!pm) break;
    trace += "\n\nPrevious calculation was induced by " + p->name() + ". Traceback of forward call that induced the previous calculation:\n" + pm->stack;
    p = pm->parent;
  }
  return trace;
}

// An engine error together with the anomaly report of the node that raised it.
struct AnomalyError : std::runtime_error {
  AnomalyError(std::exception_ptr original, const std::string& trace) : std::runtime_error(trace), original(std::move(original)) {}
  std::exception_ptr original;
};

// libtorch's engine with JS-stack anomaly metadata; installed as the default engine, as Python
// installs its own. Nodes made before anomaly mode was on have no stack and report as before.
class JsEngine : public torch::autograd::Engine {
 public:
  static Engine& Get() {
    static JsEngine* engine = new JsEngine();  // never destroyed, as the base engine (threads may outlive exit)
    return *engine;
  }
  std::unique_ptr<torch::autograd::AnomalyMetadata> make_anomaly_metadata() override {
    return std::make_unique<JsAnomalyMetadata>();
  }
  void thread_on_exception(const std::shared_ptr<torch::autograd::GraphTask>& task, const NodePtr& fn, std::exception& e) override {
    std::string trace = AnomalyMode::is_enabled() && fn ? ForwardTrace(*fn) : std::string();
    if (trace.empty()) return Engine::thread_on_exception(task, fn, e);
    try {
      throw AnomalyError(std::current_exception(), trace);
    } catch (AnomalyError& wrapped) {
      Engine::thread_on_exception(task, fn, wrapped);  // stores std::current_exception(): the wrapper
    }
  }
};

// Appends the anomaly report to the pending JS exception (one a JS hook or Function threw).
void AppendToPendingError(napi_env env, const std::string& trace) {
  napi_value error;
  if (napi_get_and_clear_last_exception(env, &error) != napi_ok) return;
  bool isError = false;
  if (napi_is_error(env, error, &isError) == napi_ok && isError) {
    for (const char* key : {"message", "stack"}) {
      napi_value v;
      std::string s;
      size_t len = 0;
      if (napi_get_named_property(env, error, key, &v) != napi_ok || napi_get_value_string_utf8(env, v, nullptr, 0, &len) != napi_ok) continue;
      s.resize(len + 1);
      napi_get_value_string_utf8(env, v, s.data(), len + 1, &len);
      s.resize(len);
      napi_set_named_property(env, error, key, FromString(env, s + "\n\n" + trace));
    }
  }
  napi_throw(env, error);
}

// Runs the engine; an error carrying an anomaly report becomes the original error with the report.
template <class F>
auto RunEngine(napi_env env, F&& run) -> decltype(run()) {
  try {
    return run();
  } catch (const AnomalyError& anomaly) {
    try {
      std::rethrow_exception(anomaly.original);
    } catch (const JsError& e) {
      throw JsError{e.kind, e.msg + "\n\n" + anomaly.what()};
    } catch (const std::exception& e) {
      bool pending = false;
      napi_is_exception_pending(env, &pending);
      if (!pending) throw JsError{KindOf(e), CleanTorchMessage(e.what()) + "\n\n" + anomaly.what()};
      AppendToPendingError(env, anomaly.what());
      throw NapiFailed{};
    }
  }
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
    DeleteDeferredReferences(env);
    auto grads = RunEngine(env, [&] { return torch::autograd::grad(outputs, inputs, gradOutputs, retain, create, allowUnused); });
    napi_value arr;
    Check(napi_create_array_with_length(env, grads.size(), &arr));
    for (size_t i = 0; i < grads.size(); ++i) Check(napi_set_element(env, arr, static_cast<uint32_t>(i), WrapTensor(env, grads[i])));
    return arr;
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
    RunEngine(env, [&] { torch::autograd::backward({t}, {grad}, retain, create); });
    return Undefined(env);
  });
}

napi_value SetAnomalyEnabled(napi_env env, napi_callback_info info) {
  return Guard(env, "autograd.setDetectAnomaly", [&] {
    Args<1> a(env, info);
    AnomalyMode::set_enabled(ToBool(env, a[0], "mode"));
    return Undefined(env);
  });
}

napi_value IsAnomalyEnabled(napi_env env, napi_callback_info) {
  return Guard(env, "autograd.isAnomalyEnabled", [&] { return FromBool(env, AnomalyMode::is_enabled()); });
}

}  // namespace

void InstallJsEngine() {
  static std::once_flag once;
  std::call_once(once, [] { torch::autograd::set_default_engine_stub(&JsEngine::Get); });
}

void RegisterAutogradEngine(napi_env env, napi_value exports) {
  static constexpr ExportEntry kEntries[] = {
      {"backward", Backward},
      {"autogradGrad", AutogradGrad},
      {"setAnomalyEnabled", SetAnomalyEnabled},
      {"isAnomalyEnabled", IsAnomalyEnabled},
  };
  ExportAll(env, exports, kEntries);
}

}  // namespace tn
