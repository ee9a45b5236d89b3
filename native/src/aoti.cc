// AOTInductor packages (.pt2 from Python's torch._inductor.aoti_compile_and_package), run through
// libtorch's own loader, torch::inductor::AOTIModelPackageLoader (in libtorch_cpu). The TS half
// (lib/aoti.ts) validates arguments and rebuilds the output structure from the package's call spec.
#include <torch/csrc/inductor/aoti_package/model_package_loader.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "handle.h"
#include "ops.h"

namespace tn {
namespace {

constexpr napi_type_tag kAotiTag = {0x3c9d6e1a7b2f4e58ULL, 0xa41b8c7d5e3f6a92ULL};

struct AotiBox {
  std::unique_ptr<torch::inductor::AOTIModelPackageLoader> loader;
};

using AotiExternal = Napi::External<AotiBox>;

// The box of a package External, or nullptr for any other value (another addon's External too).
AotiBox* AotiBoxOf(const Napi::Value& v) {
  if (!v.IsExternal() || !v.As<AotiExternal>().CheckTypeTag(&kAotiTag)) return nullptr;
  return v.As<AotiExternal>().Data();
}

torch::inductor::AOTIModelPackageLoader& LoaderOf(const Napi::Value& v) {
  AotiBox* box = AotiBoxOf(v);
  if (!box) ThrowType("expected an AOTInductor package handle");
  if (!box->loader) ThrowError("the package was disposed");
  return *box->loader;
}

// The compiled model checks its inputs' dtypes, sizes and strides only when this variable is set
// (read once per model .so); without it a wrong shape reads out of bounds. A user's explicit value wins.
void EnableInputChecks() {
  static const bool once = [] { return setenv("AOTI_RUNTIME_CHECK_INPUTS", "1", /*overwrite=*/0) == 0; }();
  (void)once;
}

Napi::Value StringMap(Napi::Env env, const std::unordered_map<std::string, std::string>& m) {
  Napi::Object out = Napi::Object::New(env);
  for (const auto& [k, v] : m) out.Set(k, v);
  return out;
}

Napi::Value StringList(Napi::Env env, const std::vector<std::string>& list) {
  Napi::Array out = Napi::Array::New(env, list.size());
  for (uint32_t i = 0; i < list.size(); ++i) out.Set(i, list[i]);
  return out;
}

// aotiLoad(path, modelName, runSingleThreaded, deviceIndex): a package External (freed by aotiDispose or at GC).
Napi::Value AotiLoad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = ToString(env, info[0], "path");
  std::string modelName = ToString(env, info[1], "modelName");
  bool singleThreaded = ToBool(env, info[2], "runSingleThreaded");
  int64_t deviceIndex = ToInt64(env, info[3], "deviceIndex");
  if (deviceIndex < -1 || deviceIndex > 127) ThrowRange("deviceIndex must be -1 (the current device) or a device index, got " + std::to_string(deviceIndex));
  EnableInputChecks();
  auto box = std::make_unique<AotiBox>();
  box->loader = std::make_unique<torch::inductor::AOTIModelPackageLoader>(path, modelName, singleThreaded, /*num_runners=*/1,
                                                                          static_cast<c10::DeviceIndex>(deviceIndex));
  // A basic finalizer: it runs inside GC and only frees native memory.
  AotiExternal out = AotiExternal::New(env, box.get(), [](Napi::BasicEnv, AotiBox* b) { delete b; });
  box.release();  // the External owns it now
  out.TypeTag(&kAotiTag);
  return out;
}

// aotiRun(pkg, handles[]): the flat outputs as tensor handles.
Napi::Value AotiRun(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto& loader = LoaderOf(info[0]);
  if (!info[1].IsArray()) ThrowType("inputs must be an array of tensors");
  Napi::Array list = info[1].As<Napi::Array>();
  std::vector<at::Tensor> inputs;
  inputs.reserve(list.Length());
  for (uint32_t i = 0; i < list.Length(); ++i) {
    std::string what = "input " + std::to_string(i);
    inputs.push_back(TensorOf(env, list.Get(i), what.c_str()));
  }
  std::vector<at::Tensor> outputs = loader.run(inputs);
  Napi::Array out = Napi::Array::New(env, outputs.size());
  for (uint32_t i = 0; i < outputs.size(); ++i) out.Set(i, Napi::Value(env, WrapTensor(env, std::move(outputs[i]))));
  return out;
}

Napi::Value AotiMetadata(const Napi::CallbackInfo& info) { return StringMap(info.Env(), LoaderOf(info[0]).get_metadata()); }

// aotiCallSpec(pkg): [inSpec, outSpec], the pytree specs (JSON) of the exported program's inputs and outputs.
Napi::Value AotiCallSpec(const Napi::CallbackInfo& info) { return StringList(info.Env(), LoaderOf(info[0]).get_call_spec()); }

Napi::Value AotiConstantFqns(const Napi::CallbackInfo& info) { return StringList(info.Env(), LoaderOf(info[0]).get_constant_fqns()); }

// aotiLoadConstants(pkg, fqns[], tensors[], checkFullUpdate): new values for the model's constants (Python's
// load_constants, copied into the model's own buffers). libtorch copies a value's whole storage from its data
// pointer and keeps its strides and offset, so a value of another shape or dtype than the constant, or a view
// into a larger storage, would read or write out of bounds: other shapes and dtypes are refused, and each
// value is handed over as a fresh contiguous copy that owns exactly its elements.
Napi::Value AotiLoadConstants(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto& loader = LoaderOf(info[0]);
  if (!info[1].IsArray() || !info[2].IsArray()) ThrowType("expected the constants' names and tensors");
  Napi::Array names = info[1].As<Napi::Array>();
  Napi::Array values = info[2].As<Napi::Array>();
  bool checkFullUpdate = ToBool(env, info[3], "checkFullUpdate");
  auto* runner = loader.get_runner();
  if (runner == nullptr) ThrowError("the package has no model runner");
  // the model's constants by their original fully qualified names
  std::unordered_map<std::string, at::Tensor> current;
  const auto fqnOf = runner->getConstantNamesToOriginalFQNs();
  for (const auto& [name, tensor] : runner->extract_constants_map(/*use_inactive=*/false)) {
    auto it = fqnOf.find(name);
    current.emplace(it == fqnOf.end() ? name : it->second, tensor);
    current.emplace(name, tensor);
  }
  std::unordered_map<std::string, at::Tensor> constants;
  for (uint32_t i = 0; i < names.Length(); ++i) {
    std::string fqn = ToString(env, names.Get(i), "a constant's name");
    at::Tensor value = TensorOf(env, values.Get(i), fqn.c_str());
    auto it = current.find(fqn);
    if (it == current.end()) ThrowError("Constant not found: " + fqn);
    const at::Tensor& old = it->second;
    if (value.sizes() != old.sizes() || value.scalar_type() != old.scalar_type() || value.device() != old.device())
      ThrowRange("the new value of " + fqn + " must match the constant (" + std::string(c10::toString(old.scalar_type())) + " " +
                 c10::str(old.sizes()) + " on " + old.device().str() + "), got " + std::string(c10::toString(value.scalar_type())) +
                 " " + c10::str(value.sizes()) + " on " + value.device().str());
    constants.emplace(fqn, value.clone(at::MemoryFormat::Contiguous));
  }
  loader.load_constants(constants, /*use_inactive=*/false, checkFullUpdate, /*user_managed=*/false);
  return env.Undefined();
}

// aotiDispose(pkg): unloads the model now (idempotent).
Napi::Value AotiDispose(const Napi::CallbackInfo& info) {
  if (AotiBox* box = AotiBoxOf(info[0])) box->loader.reset();
  return info.Env().Undefined();
}

}  // namespace

void RegisterAoti(napi_env env, napi_value exports) {
  static constexpr MethodEntry kMethods[] = {
      {"aotiLoad", AotiLoad, "torch.aoti.loadPackage"},
      {"aotiRun", AotiRun, "torch.aoti run"},
      {"aotiMetadata", AotiMetadata, "torch.aoti metadata"},
      {"aotiCallSpec", AotiCallSpec, "torch.aoti callSpec"},
      {"aotiConstantFqns", AotiConstantFqns, "torch.aoti constantFqns"},
      {"aotiLoadConstants", AotiLoadConstants, "torch.aoti loadConstants"},
      {"aotiDispose", AotiDispose, "torch.aoti dispose"},
  };
  ExportAll(env, exports, kMethods);
}

}  // namespace tn
