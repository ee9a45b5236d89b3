// The autograd engine runs: backward, autograd.grad, and anomaly detection. In anomaly mode every
// graph node records the JS stack of the forward call that created it, and an error raised by
// backward names that stack (as Python's anomaly mode prints the forward traceback).
#include <torch/csrc/autograd/anomaly_mode.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/engine.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/functions/basic_ops.h>
#include <torch/csrc/autograd/variable.h>

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
  try {
    Napi::HandleScope scope(env);
    Napi::Value stack = Napi::Error::New(env, "").Value().Get("stack");
    if (!stack.IsString()) return "";
    std::string out = stack.As<Napi::String>().Utf8Value();
    size_t firstFrame = out.find('\n');
    return firstFrame == std::string::npos ? std::string() : out.substr(firstFrame + 1);
  } catch (const Napi::Error&) {
    return "";  // libtorch records the stack from node constructors: never throw into them
  }
}

// Anomaly metadata of one graph node: the JS stack of its creation, and the node whose backward
// created it (double backward). Keeps the stack for the error instead of printing it.
struct JsAnomalyMetadata : torch::autograd::AnomalyMetadata {
  void store_stack() override { stack = CaptureJsStack(); }
  void print_stack(const std::string&) override {}
  void assign_parent(const NodePtr& parent_node) override { parent = parent_node; }
  std::string stack;
  NodePtr parent;
  std::shared_ptr<JsRef> jsMetadata;  // Node.metadata
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
  std::unique_ptr<torch::autograd::SavedVariableHooks> get_default_saved_variable_hooks() override {
    return DefaultSavedVariableHooks();
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

// Appends the anomaly report to the message and stack of a JS error (one a JS hook or Function threw).
void AppendToJsError(const Napi::Error& error, const std::string& trace) {
  Napi::Object o = error.Value();
  bool isError = false;  // an Error object; other thrown values stay as they are
  if (o.IsEmpty() || napi_is_error(o.Env(), o, &isError) != napi_ok || !isError) return;
  for (const char* key : {"message", "stack"}) {
    Napi::Value text = o.Get(key);
    if (text.IsString()) o.Set(key, text.As<Napi::String>().Utf8Value() + "\n\n" + trace);
  }
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
    } catch (const Napi::Error& e) {
      AppendToJsError(e, anomaly.what());
      throw;
    } catch (const std::exception& e) {
      bool pending = false;
      napi_is_exception_pending(env, &pending);
      if (!pending) throw JsError{KindOf(e), CleanTorchMessage(e.what()) + "\n\n" + anomaly.what()};
      Napi::Error error = Napi::Error::New(env);  // takes the pending exception
      AppendToJsError(error, anomaly.what());
      throw error;
    }
  }
}

// Python's _make_grads: the gradient each output starts backward with (ones for a scalar output
// given none), as libtorch's C++ grad makes them.
torch::autograd::variable_list MakeGrads(const std::vector<at::Tensor>& outputs, const std::vector<at::Tensor>& given) {
  if (!given.empty() && given.size() != outputs.size())
    ThrowRange("got " + std::to_string(outputs.size()) + " tensors and " + std::to_string(given.size()) + " gradients");
  torch::autograd::variable_list grads;
  for (size_t i = 0; i < outputs.size(); ++i) {
    const at::Tensor& output = outputs[i];
    const at::Tensor grad = given.empty() ? at::Tensor() : given[i];
    if (grad.defined()) {
      if (grad.is_complex() != output.is_complex())
        ThrowError("For complex Tensors, both grad_output and output are required to have the same dtype. Mismatch in dtype: grad_output[" +
                   std::to_string(i) + "] has a dtype of " + std::string(c10::toString(grad.scalar_type())) + " and output[" + std::to_string(i) +
                   "] has a dtype of " + std::string(c10::toString(output.scalar_type())) + ".");
      grads.push_back(grad);
    } else if (output.requires_grad()) {
      if (output.numel() != 1) ThrowError("grad can be implicitly created only for scalar outputs");
      if (!c10::isFloatingType(output.scalar_type()))
        ThrowError("grad can be computed only for real scalar outputs but got " + std::string(c10::toString(output.scalar_type())));
      grads.push_back(at::ones_like(output, LEGACY_CONTIGUOUS_MEMORY_FORMAT));
    }
  }
  return grads;
}

// The edge whose gradient autograd.grad returns for one input: a tensor's (its grad_fn, or a leaf's
// grad accumulator), or a GradientEdge's [node handle, outputNr].
torch::autograd::Edge InputEdge(napi_env env, const Napi::Value& v) {
  if (v.IsArray()) {
    Napi::Array pair = v.As<Napi::Array>();
    return torch::autograd::Edge(GraphNodeOf(pair.Get(0u)), static_cast<uint32_t>(ToInt64(env, pair.Get(1u), "outputNr")));
  }
  const at::Tensor& input = TensorOf(env, v, "inputs");
  if (!input.requires_grad()) ThrowError("One of the differentiated Tensors does not require grad");
  NodePtr fn = input.grad_fn();
  if (!fn) fn = torch::autograd::impl::try_get_grad_accumulator(input);
  // An input no graph reaches: an edge to nowhere, whose gradient stays undefined.
  if (!fn) return torch::autograd::Edge(MakeNode<torch::autograd::Identity>(), 0);
  return torch::autograd::Edge(fn, input.output_nr());
}

// autogradGrad(outputs, inputs, gradOutputs | null, retainGraph | null, createGraph, allowUnused): the
// engine run behind Python's autograd.grad, with each input a tensor or a GradientEdge [node, outputNr].
Napi::Value AutogradGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto outputs = TensorList(env, info[0], "outputs");
  if (!info[1].IsArray()) ThrowType("inputs must be an array");
  Napi::Array inputList = info[1].As<Napi::Array>();
  std::vector<at::Tensor> given;
  if (!IsNullish(env, info[2])) given = TensorList(env, info[2], "gradOutputs");
  bool create = !IsNullish(env, info[4]) && ToBool(env, info[4], "createGraph");
  bool keep = IsNullish(env, info[3]) ? create : ToBool(env, info[3], "retainGraph");
  bool allowUnused = !IsNullish(env, info[5]) && ToBool(env, info[5], "allowUnused");
  DeleteDeferredReferences(env);
  torch::autograd::edge_list roots;
  for (size_t i = 0; i < outputs.size(); ++i) {
    torch::autograd::Edge edge = torch::autograd::impl::gradient_edge(outputs[i]);
    if (!edge.function) ThrowError("element " + std::to_string(i) + " of tensors does not require grad and does not have a grad_fn");
    roots.push_back(std::move(edge));
  }
  torch::autograd::edge_list inputEdges;
  for (uint32_t i = 0; i < inputList.Length(); ++i) inputEdges.push_back(InputEdge(env, inputList.Get(i)));
  torch::autograd::variable_list grads = MakeGrads(outputs, given);
  auto result = RunEngine(env, [&] {
    return torch::autograd::Engine::get_default_engine().execute(roots, grads, keep, create, /*accumulate_grad=*/false, inputEdges);
  });
  for (size_t i = 0; i < result.size() && !allowUnused; ++i)
    if (!result[i].defined())
      ThrowError("The differentiated Tensor at index " + std::to_string(i) + " appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.");
  Napi::Array arr = Napi::Array::New(env, result.size());
  for (size_t i = 0; i < result.size(); ++i) arr.Set(static_cast<uint32_t>(i), WrapTensor(env, result[i]));
  return arr;
}

// backward(tensors, gradients | null, retainGraph, createGraph, inputs | null): one engine run from
// every root (a tensor or an array; null gradients are implicit ones), accumulating into the leaves,
// or only into `inputs` when given.
Napi::Value Backward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto tensors = TensorList(env, info[0], "tensors");
  std::vector<at::Tensor> grads;
  if (!IsNullish(env, info[1])) grads = TensorList(env, info[1], "gradient");
  if (!grads.empty() && grads.size() != tensors.size())
    ThrowRange("got " + std::to_string(tensors.size()) + " tensors and " + std::to_string(grads.size()) + " gradients");
  c10::optional<bool> retain;
  if (!IsNullish(env, info[2])) retain = ToBool(env, info[2], "retainGraph");
  bool create = !IsNullish(env, info[3]) && ToBool(env, info[3], "createGraph");
  std::vector<at::Tensor> inputs;
  if (!IsNullish(env, info[4])) {
    inputs = TensorList(env, info[4], "inputs");
    if (inputs.empty()) ThrowError("`inputs` argument to `backward()` cannot be empty.");
  }
  DeleteDeferredReferences(env);
  RunEngine(env, [&] { torch::autograd::backward(tensors, grads, retain, create, inputs); });
  return env.Undefined();
}

Napi::Value SetAnomalyEnabled(const Napi::CallbackInfo& info) {
  AnomalyMode::set_enabled(ToBool(info.Env(), info[0], "mode"));
  return info.Env().Undefined();
}

Napi::Value IsAnomalyEnabled(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), AnomalyMode::is_enabled()); }

}  // namespace

std::shared_ptr<JsRef>& NodeMetadataRef(torch::autograd::Node& fn) {
  auto* meta = dynamic_cast<JsAnomalyMetadata*>(fn.metadata());
  if (!meta) ThrowError("graph node metadata needs torchnode's autograd engine");
  return meta->jsMetadata;
}

void InstallJsEngine() {
  static std::once_flag once;
  std::call_once(once, [] { torch::autograd::set_default_engine_stub(&JsEngine::Get); });
}

void RegisterAutogradEngine(napi_env env, napi_value exports) {
  static constexpr MethodEntry kEntries[] = {
      {"backward", Backward},
      {"autogradGrad", AutogradGrad, "autograd.grad"},
      {"setAnomalyEnabled", SetAnomalyEnabled, "autograd.setDetectAnomaly"},
      {"isAnomalyEnabled", IsAnomalyEnabled, "autograd.isAnomalyEnabled"},
  };
  ExportAll(env, exports, kEntries);
}

}  // namespace tn
