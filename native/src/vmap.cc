// torch.func.vmap's levels (torch/csrc/functorch/init.cpp's _vmap_increment_nesting, _add_batch_dim and
// _remove_batch_dim, which libtorch_python holds): functorch's batching rules are libtorch's own, this
// file only pushes a vmap layer around a JS call and moves tensors in and out of it. The layer is popped
// however the call ends, so no JS code can leave one behind; batched tensors are made and unmade only
// for a level that is on this thread's stack.
#include <ATen/ATen.h>
#include <ATen/functorch/BatchedTensorImpl.h>
#include <ATen/functorch/DynamicLayer.h>

#include <algorithm>
#include <string>

#include "autograd.h"
#include "napi_util.h"

namespace tn {
namespace {

namespace ft = at::functorch;

bool IsVmapLevel(int64_t level) {
  const auto& stack = ft::getDynamicLayerStack();
  return std::any_of(stack.begin(), stack.end(), [&](const ft::DynamicLayer& l) { return l.layerId() == level && l.key() == ft::TransformType::Vmap; });
}

int64_t LevelArgument(const Napi::CallbackInfo& info, size_t i) {
  int64_t level = ToInt64(info.Env(), info[i], "level");
  if (!IsVmapLevel(level)) ThrowRange("vmap: level " + std::to_string(level) + " is not a vmap level open on this thread");
  return level;
}

// vmapCall(batchSize, randomness, fn): fn(level) inside a new vmap layer; the layer is popped when fn returns or throws.
Napi::Value VmapCall(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t batchSize = ToInt64(env, info[0], "batchSize");
  if (batchSize < 0) ThrowRange("vmap: batch size must be >= 0, got " + std::to_string(batchSize));
  std::string randomness = ToString(env, info[1], "randomness");
  ft::RandomnessType type;
  if (randomness == "error") type = ft::RandomnessType::Error;
  else if (randomness == "same") type = ft::RandomnessType::Same;
  else if (randomness == "different") type = ft::RandomnessType::Different;
  else ThrowRange("vmap: randomness must be 'error', 'same' or 'different', got '" + randomness + "'");
  if (!info[2].IsFunction()) ThrowType("vmap: fn must be a function");
  int64_t level = ft::initAndPushDynamicLayer(ft::TransformType::Vmap, c10::SymInt(batchSize), type);
  struct Pop {
    ~Pop() { ft::popDynamicLayerAndDeleteMetadata(); }
  } pop;
  Napi::Value result = info[2].As<Napi::Function>().Call(env.Global(), {Napi::Number::New(env, static_cast<double>(level))});
  return env.IsExceptionPending() ? env.Undefined() : result;
}

// vmapAddBatchDim(tensor, dim, level): the tensor batched along dim at the level.
Napi::Value VmapAddBatchDim(const Napi::CallbackInfo& info) {
  const at::Tensor& t = TensorOf(info.Env(), info[0], "tensor");
  int64_t dim = ToInt64(info.Env(), info[1], "dim");
  int64_t level = LevelArgument(info, 2);
  if (dim < 0 || dim >= t.dim()) ThrowRange("vmap: in_dim " + std::to_string(dim) + " is out of range for a tensor of " + std::to_string(t.dim()) + " dimensions");
  return Napi::Value(info.Env(), WrapTensor(info.Env(), ft::addBatchDim(t, dim, level)));
}

// vmapRemoveBatchDim(tensor, level, batchSize, outDim): _remove_batch_dim: the level's batch dim moved to outDim,
// or, for a tensor not batched at the level, the tensor expanded along a new outDim of batchSize.
Napi::Value VmapRemoveBatchDim(const Napi::CallbackInfo& info) {
  const at::Tensor& t = TensorOf(info.Env(), info[0], "tensor");
  int64_t level = LevelArgument(info, 1);
  int64_t batchSize = ToInt64(info.Env(), info[2], "batchSize");
  int64_t outDim = ToInt64(info.Env(), info[3], "outDim");
  const ft::BatchedTensorImpl* batched = ft::maybeGetBatchedImpl(t);
  at::Tensor result;
  if (batched == nullptr || batched->level() != level) {
    if (outDim < 0 || outDim > t.dim()) ThrowRange("vmap: out_dim " + std::to_string(outDim) + " is out of range for an output of " + std::to_string(t.dim()) + " dimensions");
    std::vector<int64_t> sizes = t.sizes().vec();
    sizes.insert(sizes.begin() + outDim, batchSize);
    result = t.expand(sizes);
  } else {
    if (outDim < 0 || outDim > t.dim()) ThrowRange("vmap: out_dim " + std::to_string(outDim) + " is out of range for an output of " + std::to_string(t.dim()) + " dimensions");
    result = at::movedim(batched->value(), batched->bdim(), outDim);
  }
  return Napi::Value(info.Env(), WrapTensor(info.Env(), result));
}

// vmapDepth(): how many functorch levels are open on this thread (0 outside vmap).
Napi::Value VmapDepth(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(ft::getDynamicLayerStack().size()));
}

}  // namespace

// Python's check (THPVariable_requires_grad_): a tensor a functorch transform wraps cannot start requiring grad.
void CheckRequiresGradAllowed(const at::Tensor& t, bool requiresGrad) {
  if (!requiresGrad || ft::getDynamicLayerStack().empty() || !t.key_set().has_any(c10::DispatchKeySet({c10::DispatchKey::FuncTorchBatched, c10::DispatchKey::FuncTorchGradWrapper})))
    return;
  ThrowError("You are attempting to call Tensor.requires_grad_() (or perhaps using torch.autograd.functional.* APIs) inside of a function being "
             "transformed by a functorch transform. This is unsupported, please attempt to use the functorch transforms (e.g. grad, vjp, jacrev, "
             "jacfwd, hessian) or call requires_grad_() outside of a function being transformed instead.");
}

void RegisterVmap(napi_env env, napi_value exports) {
  static constexpr MethodEntry kEntries[] = {
      {"vmapCall", VmapCall, "vmap"},
      {"vmapAddBatchDim", VmapAddBatchDim, "vmap"},
      {"vmapRemoveBatchDim", VmapRemoveBatchDim, "vmap"},
      {"vmapDepth", VmapDepth},
  };
  ExportAll(env, exports, kEntries);
}

}  // namespace tn
