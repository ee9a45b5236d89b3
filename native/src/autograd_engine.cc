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
#include <optional>
#include <type_traits>

#include "autograd.h"
#include "functionalize.h"
#include "compat.h"
#include "dtypes.h"

namespace tn {
namespace {

using torch::autograd::AnomalyMode;

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

// Runs the engine, pumped (js_pump.h) where a JS callback may be called from libtorch's device
// threads; an error carrying an anomaly report becomes the original error with the report.
template <class F>
auto RunEngine(napi_env env, F&& run) -> decltype(run()) {
  try {
    if (!NeedsPump(env)) return run();
    return ReturnVia([&](const std::function<void()>& call) { RunPumped(env, call); }, run);
  } catch (const JsThrown& e) {
    throw Napi::Error(env, e.value->Value());
  } catch (const AnomalyError& anomaly) {
    try {
      std::rethrow_exception(anomaly.original);
    } catch (const JsThrown& e) {
      Napi::Error error(env, e.value->Value());
      AppendToJsError(error, anomaly.what());
      throw error;
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

// A GradientEdge as JS passes it: [node handle, outputNr].
torch::autograd::Edge EdgeOf(napi_env env, const Napi::Value& v, int64_t* nr) {
  Napi::Array pair = v.As<Napi::Array>();
  NodePtr node = GraphNodeOf(pair.Get(0u));
  *nr = ToInt64(env, pair.Get(1u), "outputNr");
  return torch::autograd::Edge(std::move(node), static_cast<uint32_t>(*nr));
}

// One output a backward pass starts from: a tensor, or a GradientEdge [node handle, outputNr] (then
// `tensor` is undefined and the shape, dtype and device come from the node's input metadata).
struct Root {
  at::Tensor tensor;
  torch::autograd::Edge edge;
};

// A GradientEdge [node, outputNr] whose outputNr is one of the node's gradients (the engine aborts on others).
torch::autograd::Edge CheckedEdgeOf(napi_env env, const Napi::Value& v, const std::string& what) {
  int64_t nr = 0;
  torch::autograd::Edge edge = EdgeOf(env, v, &nr);
  const auto& node = *edge.function;
  if (nr < 0 || static_cast<uint64_t>(nr) >= node.num_inputs())
    ThrowRange(what + ": GradientEdge outputNr " + std::to_string(nr) + " is out of range for " + node.name() + ", which takes " +
               std::to_string(node.num_inputs()) + " gradient(s)");
  return edge;
}

// The outputs of backward or autograd.grad: one tensor, or an array of tensors and GradientEdges;
// `what` names the argument.
std::vector<Root> Roots(napi_env env, const Napi::Value& v, const char* what) {
  if (!v.IsArray()) {
    Root root{TensorOf(env, v, what), {}};
    root.edge = torch::autograd::impl::gradient_edge(root.tensor);
    return {std::move(root)};
  }
  Napi::Array list = v.As<Napi::Array>();
  std::vector<Root> roots;
  for (uint32_t i = 0; i < list.Length(); ++i) {
    Napi::Value item = list.Get(i);
    Root root;
    if (item.IsArray()) {
      root.edge = CheckedEdgeOf(env, item, std::string(what) + "[" + std::to_string(i) + "]");
    } else {
      root.tensor = TensorOf(env, item, what);
      root.edge = torch::autograd::impl::gradient_edge(root.tensor);
    }
    roots.push_back(std::move(root));
  }
  return roots;
}

std::string PythonDtypeName(at::ScalarType dtype) {
  const char* name = DTypeName(dtype);
  return std::string("torch.") + (name ? name : c10::toString(dtype));
}

std::string SizeString(c10::SymIntArrayRef shape) {
  std::string out = "torch.Size([";
  for (size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i].guard_int(__FILE__, __LINE__));
  return out + "])";
}

// Python's _make_grads: the gradient each output starts backward with (ones for a scalar output
// given none), with its checks and messages. `batched`: the gradients are rows of isGradsBatched ones.
torch::autograd::variable_list MakeGrads(const std::vector<Root>& outputs, const std::vector<at::Tensor>& given, bool batched) {
  if (!given.empty() && given.size() != outputs.size())
    ThrowRange("got " + std::to_string(outputs.size()) + " tensors and " + std::to_string(given.size()) + " gradients");
  torch::autograd::variable_list grads;
  for (size_t i = 0; i < outputs.size(); ++i) {
    const Root& out = outputs[i];
    const bool isEdge = !out.tensor.defined();
    const torch::autograd::InputMetadata* meta = isEdge ? &out.edge.function->input_metadata(out.edge.input_nr) : nullptr;
    if (meta && meta->is_cpp_nested_tensor()) ThrowError("C++ NestedTensor are not supported with GradientEdge");
    const bool sized = isEdge || !out.tensor.is_nested();
    const c10::SymIntArrayRef shape = !sized ? c10::SymIntArrayRef() : isEdge ? meta->shape_as_dim_vector() : out.tensor.sym_sizes();
    const at::ScalarType dtype = isEdge ? c10::typeMetaToScalarType(meta->options().dtype()) : out.tensor.scalar_type();
    const std::string index = "[" + std::to_string(i) + "]";
    const at::Tensor grad = given.empty() ? at::Tensor() : given[i];
    if (grad.defined()) {
      if (sized && shape != grad.sym_sizes()) {
        if (batched && isEdge) ThrowError("Batched grads are not supported with GradientEdge");
        // Python slices the batch off twice (its first row's shape[1:]): the message shows that shape.
        if (batched)
          ThrowError("If `is_grads_batched=True`, we interpret the first dimension of each grad_output as the batch dimension. The sizes of the "
                     "remaining dimensions are expected to match the shape of corresponding output, but a mismatch was detected: grad_output" +
                     index + " has a shape of " + SizeString(grad.dim() > 0 ? grad.sym_sizes().slice(1) : grad.sym_sizes()) + " and output" + index + " has a shape of " + SizeString(shape) +
                     ". If you only want some tensors in `grad_output` to be considered batched, consider using vmap.");
        ThrowError("Mismatch in shape: grad_output" + index + " has a shape of " + SizeString(grad.sym_sizes()) + " and output" + index +
                   " has a shape of " + SizeString(shape) + ".");
      }
      if (grad.is_complex() != c10::isComplexType(dtype))
        ThrowError("For complex Tensors, both grad_output and output are required to have the same dtype. Mismatch in dtype: grad_output" + index +
                   " has a dtype of " + PythonDtypeName(grad.scalar_type()) + " and output" + index + " has a dtype of " + PythonDtypeName(dtype) + ".");
      grads.push_back(grad);
    } else if (isEdge || out.tensor.requires_grad()) {
      int64_t numel = 1;
      if (isEdge) {
        for (const c10::SymInt& d : shape) numel *= d.guard_int(__FILE__, __LINE__);
      } else {
        numel = out.tensor.numel();
      }
      if (numel != 1) ThrowError("grad can be implicitly created only for scalar outputs");
      if (!c10::isFloatingType(dtype))
        ThrowError("grad can be implicitly created only for real scalar outputs but got " + PythonDtypeName(dtype));
      grads.push_back(isEdge ? at::ones(C10_AS_INTARRAYREF_SLOW(shape), meta->options())
                             : at::ones_like(out.tensor, LEGACY_CONTIGUOUS_MEMORY_FORMAT));
    } else {
      grads.emplace_back();
    }
  }
  return grads;
}

// The edges the engine starts from; a tensor output without a graph is Python's error.
torch::autograd::edge_list RootEdges(const std::vector<Root>& roots) {
  torch::autograd::edge_list edges;
  for (size_t i = 0; i < roots.size(); ++i) {
    if (!roots[i].edge.function) ThrowError("element " + std::to_string(i) + " of tensors does not require grad and does not have a grad_fn");
    edges.push_back(roots[i].edge);
  }
  return edges;
}

// The edge whose gradient the engine returns (autograd.grad) or accumulates into (backward's
// `inputs`, `accumulate`: a non-leaf tensor keeps its .grad, as retain_grad) for one input: a
// tensor's (its grad_fn, or a leaf's grad accumulator), or a GradientEdge's [node handle, outputNr].
torch::autograd::Edge InputEdge(napi_env env, const Napi::Value& v, bool accumulate) {
  if (v.IsArray()) return CheckedEdgeOf(env, v, "inputs");
  const at::Tensor& input = TensorOf(env, v, "inputs");
  NodePtr fn = input.grad_fn();
  if (!fn) fn = torch::autograd::impl::try_get_grad_accumulator(input);
  if (accumulate) input.retain_grad();
  if (!input.requires_grad()) ThrowError("One of the differentiated Tensors does not require grad");
  // An input no graph reaches: an edge to nowhere, whose gradient stays undefined.
  if (!fn) return torch::autograd::Edge(MakeNode<torch::autograd::Identity>(), 0);
  return torch::autograd::Edge(fn, input.output_nr());
}

// autogradGrad(outputs, inputs, gradOutputs | null, retainGraph | null, createGraph, allowUnused, batched):
// the engine run behind Python's autograd.grad; each output and input a tensor or a GradientEdge
// [node, outputNr]; `batched`: the gradOutputs are one row of isGradsBatched ones (for the messages).
Napi::Value AutogradGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<Root> outputs = Roots(env, info[0], "outputs");
  if (!info[1].IsArray()) ThrowType("inputs must be an array");
  Napi::Array inputList = info[1].As<Napi::Array>();
  std::vector<at::Tensor> given;
  if (!IsNullish(env, info[2])) given = TensorList(env, info[2], "gradOutputs");
  bool create = !IsNullish(env, info[4]) && ToBool(env, info[4], "createGraph");
  bool keep = IsNullish(env, info[3]) ? create : ToBool(env, info[3], "retainGraph");
  bool allowUnused = !IsNullish(env, info[5]) && ToBool(env, info[5], "allowUnused");
  bool batched = !IsNullish(env, info[6]) && ToBool(env, info[6], "isGradsBatched");
  DeleteDeferredReferences(env);
  torch::autograd::variable_list grads = MakeGrads(outputs, given, batched);
  torch::autograd::edge_list roots = RootEdges(outputs);
  torch::autograd::edge_list inputEdges;
  for (uint32_t i = 0; i < inputList.Length(); ++i) inputEdges.push_back(InputEdge(env, inputList.Get(i), /*accumulate=*/false));
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

// backward(roots, gradients | null, retainGraph, createGraph, inputs | null): one engine run from every
// root (a tensor or a GradientEdge [node, outputNr]; null gradients are implicit ones), accumulating
// into the leaves, or only into `inputs` (tensors or GradientEdges) when given.
Napi::Value Backward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (TransformsActive())
    ThrowError("backward() called inside a functorch transform. This is not supported, please use functorch.grad or functorch.vjp instead or call backward() outside of functorch transforms.");
  std::vector<Root> roots = Roots(env, info[0], "tensors");
  std::vector<at::Tensor> given;
  if (!IsNullish(env, info[1])) given = TensorList(env, info[1], "gradient");
  c10::optional<bool> retain;
  if (!IsNullish(env, info[2])) retain = ToBool(env, info[2], "retainGraph");
  bool create = !IsNullish(env, info[3]) && ToBool(env, info[3], "createGraph");
  // inputs: null, one tensor, or an array of tensors and GradientEdges
  const bool hasInputs = !IsNullish(env, info[4]);
  std::vector<Napi::Value> inputs;
  if (hasInputs && info[4].IsArray()) {
    Napi::Array list = info[4].As<Napi::Array>();
    for (uint32_t i = 0; i < list.Length(); ++i) inputs.push_back(list.Get(i));
  } else if (hasInputs) {
    inputs.push_back(info[4]);
  }
  if (hasInputs && inputs.empty()) ThrowError("`inputs` argument to `backward()` cannot be empty.");
  DeleteDeferredReferences(env);
  torch::autograd::variable_list grads = MakeGrads(roots, given, /*batched=*/false);
  torch::autograd::edge_list rootEdges = RootEdges(roots);
  torch::autograd::edge_list inputEdges;
  for (const Napi::Value& input : inputs) inputEdges.push_back(InputEdge(env, input, /*accumulate=*/true));
  RunEngine(env, [&] {
    torch::autograd::Engine::get_default_engine().execute(rootEdges, grads, retain.value_or(create), create, /*accumulate_grad=*/true, inputEdges);
  });
  return env.Undefined();
}

// torch.set_anomaly_enabled(enabled, check_nan=True): libtorch's own switches, nothing kept here.
Napi::Value SetAnomalyEnabled(const Napi::CallbackInfo& info) {
  const bool enabled = ToBool(info.Env(), info[0], "mode");
  const bool checkNan = info.Length() < 2 || info[1].IsUndefined() ? true : ToBool(info.Env(), info[1], "checkNan");
  AnomalyMode::set_enabled(enabled, checkNan);
  return info.Env().Undefined();
}

Napi::Value IsAnomalyEnabled(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), AnomalyMode::is_enabled()); }
Napi::Value IsAnomalyCheckNanEnabled(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), AnomalyMode::should_check_nan()); }

// False inside a backward that computes only some inputs' gradients (autograd.grad, backward({ inputs })):
// Python's _is_checkpoint_valid, which the reentrant checkpoint cannot run under.
Napi::Value IsCheckpointValid(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), CurrentEngineContext().checkpointValid);
}

}  // namespace

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
      {"isAnomalyCheckNanEnabled", IsAnomalyCheckNanEnabled, "autograd.isAnomalyCheckNanEnabled"},
      {"isCheckpointValid", IsCheckpointValid, "checkpoint"},
  };
  ExportAll(env, exports, kEntries);
}

}  // namespace tn
