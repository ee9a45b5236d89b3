// Selective activation checkpointing (torch.utils.checkpoint.create_selective_checkpoint_contexts):
// in the checkpointed forward every op below autograd asks a JS policy whether to keep its output;
// in the recomputation an op whose output was kept returns it instead of running. Python does this
// with two TorchDispatchModes at its Python key; here a boxed fallback on the Fake key (just above
// BackendSelect, below autograd like Python's; libtorch registers nothing on it), which only this
// thread includes while a region runs. Regions nest per thread; the innermost one sees the ops.
// checkpoint(debug=True)'s regions log every op instead (Python's LoggingTensorMode on the same key).
#include <c10/core/impl/LocalDispatchKeySet.h>

#include <map>
#include <memory>
#include <set>

#include "autograd.h"
#include "convert.h"
#include "mode_fallback.h"
#include "napi_util.h"
#include "op_log.h"

namespace tn {
namespace {

constexpr c10::DispatchKey kModeKey = c10::DispatchKey::Fake;
constexpr const char* kMismatch =
    "This can happen if the operations in the checkpointed region are nondeterministic or depend on global state that changed between forward and backward.";

// One op call of the forward: recompute it, its kept outputs (detached), or consumed.
struct SacEntry {
  enum Kind { kRecompute, kSaved, kConsumed } kind = kRecompute;
  std::vector<c10::IValue> outputs;
  std::vector<std::pair<at::Tensor, int64_t>> versions;  // each kept tensor (list elements too) and its version then
};

// What a forward kept, by op (Python's name, 'aten.mm.default') and call index; shared by the two regions.
struct SacStorage {
  std::map<std::string, std::map<int64_t, SacEntry>> byOp;
};

struct SacRegion {
  std::shared_ptr<OpLog> log;          // a debug region: logs every op, keeps nothing
  bool caching = false;                // the forward's region; else the recomputation's
  std::shared_ptr<SacStorage> storage;
  std::shared_ptr<JsRef> policy;       // caching: policy(opOutput, opName, args) -> keep?
  bool allowMutation = false;          // recomputation: a kept tensor changed in place is no error
  std::map<std::string, int64_t> calls;
};
thread_local std::vector<SacRegion> t_regions;

// Python's SAC_IGNORED_OPS: detach (checkpointing adds different numbers of them), device and the metadata queries.
bool Ignored(const std::string& name) {
  static const std::set<std::string> kIgnored = {
      "aten.detach.default", "aten.dim.default", "aten.is_contiguous.default", "aten.is_contiguous.memory_format",
      "aten.is_non_overlapping_and_dense.default", "aten.is_strides_like_format.default", "aten.numel.default", "aten.size.default",
      "aten.storage_offset.default", "aten.stride.default", "aten.sym_numel.default", "aten.sym_size.default",
      "aten.sym_storage_offset.default", "aten.sym_stride.default", "prim.device.default"};
  return kIgnored.count(name) > 0;
}

// Python's _detach_helper: detach through ADInplaceOrView (which autograd excluded on its way down),
// so that a view's detached copy shares its version counter. Each kept tensor joins `versions`.
at::Tensor Detached(const at::Tensor& t, std::vector<std::pair<at::Tensor, int64_t>>& versions) {
  if (!t.defined()) return t;
  c10::impl::LocalDispatchKeySet tls = c10::impl::tls_local_dispatch_key_set();
  c10::impl::ForceDispatchKeyGuard withViews(tls.included_, tls.excluded_.remove(c10::DispatchKey::ADInplaceOrView));
  at::Tensor d = t.detach();
  if (!d.is_inference()) versions.emplace_back(d, d._version());
  return d;
}

// An output as kept: tensors detached, a tensor list element by element (Python's tree_map).
c10::IValue Kept(const c10::IValue& v, std::vector<std::pair<at::Tensor, int64_t>>& versions) {
  if (v.isTensor()) return Detached(v.toTensor(), versions);
  if (v.isTensorList()) {
    c10::List<at::Tensor> out;
    for (const at::Tensor& t : v.toTensorList().vec()) out.push_back(Detached(t, versions));
    return out;
  }
  return v;
}

// An argument as the policy sees it; a value JS has no form for (a Generator) is null.
Napi::Value PolicyArg(Napi::Env env, const c10::IValue& v) {
  if (v.isGenerator()) return env.Null();
  try {
    return FromIValue(env, v, nullptr);
  } catch (const JsError&) {
    return env.Null();
  }
}

// Runs the op below the mode key; returns its arguments and its outputs (returns in schema order).
std::pair<std::vector<c10::IValue>, std::vector<c10::IValue>> RunBelowSeeing(const c10::OperatorHandle& op, c10::DispatchKeySet keys, torch::jit::Stack* stack) {
  std::vector<c10::IValue> args(stack->end() - op.schema().arguments().size(), stack->end());
  RunBelow(kModeKey, op, keys, stack);
  return {std::move(args), std::vector<c10::IValue>(stack->end() - op.schema().returns().size(), stack->end())};
}

void Cache(SacRegion& region, const c10::OperatorHandle& op, c10::DispatchKeySet keys, torch::jit::Stack* stack, const std::string& name) {
  const auto seen = RunBelowSeeing(op, keys, stack);
  const std::vector<c10::IValue>& args = seen.first;
  const std::vector<c10::IValue>& outputs = seen.second;
  const int64_t index = region.calls[name]++;
  bool keep = InEngine([&] {
    Napi::Env env = region.policy->env();
    Napi::HandleScope scope(env);
    Napi::Array jsArgs = Napi::Array::New(env, args.size());
    for (size_t i = 0; i < args.size(); ++i) jsArgs.Set(static_cast<uint32_t>(i), PolicyArg(env, args[i]));
    Napi::Value out = outputs.size() == 1 ? FromIValue(env, outputs[0], nullptr) : FromIValue(env, c10::ivalue::Tuple::create(outputs), nullptr);
    Napi::Value r = region.policy->Value().As<Napi::Function>().Call(env.Global(), {out, Napi::String::New(env, name), jsArgs});
    return r.ToBoolean().Value();
  });
  SacEntry& entry = region.storage->byOp[name][index];
  entry = SacEntry{};
  if (!keep) return;
  entry.kind = SacEntry::kSaved;
  for (const c10::IValue& o : outputs) entry.outputs.push_back(Kept(o, entry.versions));
}

void Replay(SacRegion& region, const c10::OperatorHandle& op, c10::DispatchKeySet keys, torch::jit::Stack* stack, const std::string& name) {
  const int64_t index = region.calls[name]++;
  auto byOp = region.storage->byOp.find(name);
  if (byOp == region.storage->byOp.end()) throw std::runtime_error(name + " encountered during backward but not found in storage. " + kMismatch);
  auto it = byOp->second.find(index);
  if (it == byOp->second.end())
    throw std::runtime_error(name + " invocation index " + std::to_string(index) + " encountered during backward but not found in storage. " + kMismatch);
  SacEntry& entry = it->second;
  if (entry.kind == SacEntry::kConsumed)
    throw std::runtime_error("Trying to backward an extra time. You are only allowed to backward once on any region computed under selective activation checkpoint.");
  if (entry.kind == SacEntry::kRecompute) return RunBelow(kModeKey, op, keys, stack);
  for (const auto& [tensor, version] : entry.versions)
    if (!region.allowMutation && tensor._version() != version)
      throw std::runtime_error("Tensor cached during selective activation checkpoint has been mutated");
  torch::jit::drop(*stack, op.schema().arguments().size());
  for (c10::IValue& o : entry.outputs) stack->push_back(std::move(o));
  entry = SacEntry{SacEntry::kConsumed, {}, {}};
}

void SelectiveCheckpointFallback(const c10::OperatorHandle& op, c10::DispatchKeySet keys, torch::jit::Stack* stack) {
  c10::impl::ExcludeDispatchKeyGuard noMode(kModeKey);  // ops inside this one (and in the policy) are not seen, as inside Python's modes
  if (t_regions.empty()) return RunBelow(kModeKey, op, keys, stack);
  SacRegion& region = t_regions.back();
  if (region.log) {
    const auto seen = RunBelowSeeing(op, keys, stack);
    return region.log->Record(op, seen.first, seen.second, CaptureJsStack());
  }
  std::string name = PythonOpName(op);
  if (Ignored(name)) return RunBelow(kModeKey, op, keys, stack);
  if (region.caching) Cache(region, op, keys, stack, name);
  else Replay(region, op, keys, stack, name);
}

void Enter(SacRegion region) {
  RegisterModeFallbackOnce<&SelectiveCheckpointFallback>(kModeKey);  // on first use: a registered key joins libtorch's "only available for these backends" lists
  if (t_regions.empty()) c10::impl::tls_set_dispatch_key_included(kModeKey, true);
  t_regions.push_back(std::move(region));
}

// A JS handle sharing one T (a storage, an op log), told apart by its type tag.
template <class T>
Napi::Value NewShared(Napi::Env env, const napi_type_tag& tag) {
  auto out = Napi::External<std::shared_ptr<T>>::New(env, new std::shared_ptr<T>(std::make_shared<T>()),
                                                     [](Napi::BasicEnv, std::shared_ptr<T>* p) { delete p; });
  out.TypeTag(&tag);
  return out;
}

template <class T>
std::shared_ptr<T> SharedOf(const Napi::Value& v, const napi_type_tag& tag, const char* what) {
  if (!v.IsExternal() || !v.As<Napi::External<std::shared_ptr<T>>>().CheckTypeTag(&tag)) ThrowType(std::string("expected ") + what);
  return *v.As<Napi::External<std::shared_ptr<T>>>().Data();
}

constexpr napi_type_tag kStorageTag = {0x51c3a8e07b2d4f19ULL, 0x8e6f0d2c4a1b9375ULL};
constexpr napi_type_tag kLogTag = {0x3d9e61b04c7a2f58ULL, 0xa4c20f7e19d6b83bULL};

// sacNewStorage() -> what one pair of regions shares.
Napi::Value SacNewStorage(const Napi::CallbackInfo& info) { return NewShared<SacStorage>(info.Env(), kStorageTag); }

// sacEnter(storage, policy | null, allowMutation): the forward's region (with a policy) or the
// recomputation's (null), on this thread until sacLeave().
Napi::Value SacEnter(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  SacRegion region;
  region.storage = SharedOf<SacStorage>(info[0], kStorageTag, "a selective checkpoint storage");
  region.caching = !IsNullish(env, info[1]);
  if (region.caching) {
    if (!info[1].IsFunction()) ThrowType("policy must be a function");
    region.policy = std::make_shared<JsRef>(env, info[1]);
  }
  region.allowMutation = ToBool(env, info[2], "allowCacheEntryMutation");
  Enter(std::move(region));
  return env.Undefined();
}

// checkpointLogNew() -> an empty op log for one region of checkpoint(debug=True).
Napi::Value CheckpointLogNew(const Napi::CallbackInfo& info) { return NewShared<OpLog>(info.Env(), kLogTag); }

// checkpointLogEnter(log): every op on this thread goes to log until sacLeave().
Napi::Value CheckpointLogEnter(const Napi::CallbackInfo& info) {
  SacRegion region;
  region.log = SharedOf<OpLog>(info[0], kLogTag, "a checkpoint op log");
  Enter(std::move(region));
  return info.Env().Undefined();
}

// checkpointLogRead(log) -> [lines, JS stacks], one each per op.
Napi::Value CheckpointLogRead(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<OpLog> log = SharedOf<OpLog>(info[0], kLogTag, "a checkpoint op log");
  auto strings = [&](const std::vector<std::string>& v) {
    Napi::Array a = Napi::Array::New(env, v.size());
    for (size_t i = 0; i < v.size(); ++i) a.Set(static_cast<uint32_t>(i), Napi::String::New(env, v[i]));
    return a;
  };
  Napi::Array out = Napi::Array::New(env, 2);
  out.Set(0u, strings(log->Lines()));
  out.Set(1u, strings(log->Stacks()));
  return out;
}

Napi::Value SacLeave(const Napi::CallbackInfo& info) {
  if (t_regions.empty()) ThrowError("no selective checkpoint region to leave");
  t_regions.pop_back();
  if (t_regions.empty()) c10::impl::tls_set_dispatch_key_included(kModeKey, false);
  return info.Env().Undefined();
}

}  // namespace

void RegisterSelectiveCheckpoint(napi_env env, napi_value exports) {
  static constexpr MethodEntry kEntries[] = {
      {"sacNewStorage", SacNewStorage, "createSelectiveCheckpointContexts"},
      {"sacEnter", SacEnter, "createSelectiveCheckpointContexts"},
      {"sacLeave", SacLeave, "createSelectiveCheckpointContexts"},
      {"checkpointLogNew", CheckpointLogNew, "checkpoint"},
      {"checkpointLogEnter", CheckpointLogEnter, "checkpoint"},
      {"checkpointLogRead", CheckpointLogRead, "checkpoint"},
  };
  ExportAll(env, exports, kEntries);
}

}  // namespace tn
