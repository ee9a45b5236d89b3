// AOTInductor packages (.pt2 from Python's torch._inductor.aoti_compile_and_package), run through
// libtorch's own loader, torch::inductor::AOTIModelPackageLoader (in libtorch_cpu). The TS half
// (lib/aoti.ts) validates arguments and rebuilds the output structure from the package's call spec.
#include <torch/csrc/inductor/aoti_package/model_package_loader.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "handle.h"
#include "ops.h"

namespace tn {
namespace {

constexpr napi_type_tag kAotiTag = {0x3c9d6e1a7b2f4e58ULL, 0xa41b8c7d5e3f6a92ULL};

struct AotiBox {
  std::unique_ptr<torch::inductor::AOTIModelPackageLoader> loader;
};

void FinalizeAoti(node_api_basic_env /*env*/, void* data, void* /*hint*/) { delete static_cast<AotiBox*>(data); }

torch::inductor::AOTIModelPackageLoader& LoaderOf(napi_env env, napi_value v) {
  void* p = nullptr;
  bool ours = false;
  if (napi_get_value_external(env, v, &p) != napi_ok || napi_check_object_type_tag(env, v, &kAotiTag, &ours) != napi_ok || !ours)
    ThrowType("expected an AOTInductor package handle");
  auto* box = static_cast<AotiBox*>(p);
  if (!box->loader) ThrowError("the package was disposed");
  return *box->loader;
}

// The compiled model checks its inputs' dtypes, sizes and strides only when this variable is set
// (read once per model .so); without it a wrong shape reads out of bounds. A user's explicit value wins.
void EnableInputChecks() {
  static const bool once = [] { return setenv("AOTI_RUNTIME_CHECK_INPUTS", "1", /*overwrite=*/0) == 0; }();
  (void)once;
}

napi_value StringMap(napi_env env, const std::unordered_map<std::string, std::string>& m) {
  Napi::Object out = Napi::Object::New(env);
  for (const auto& [k, v] : m) out.Set(k, v);
  return out;
}

napi_value StringList(napi_env env, const std::vector<std::string>& list) {
  Napi::Array out = Napi::Array::New(env, list.size());
  for (uint32_t i = 0; i < list.size(); ++i) out.Set(i, list[i]);
  return out;
}

// aotiLoad(path, modelName, runSingleThreaded, deviceIndex): a package External (freed by aotiDispose or at GC).
napi_value AotiLoad(napi_env env, napi_callback_info info) {
  return Guard(env, "torch.aoti.loadPackage", [&] {
    Args<4> a(env, info);
    std::string path = ToString(env, a[0], "path");
    std::string modelName = ToString(env, a[1], "modelName");
    bool singleThreaded = ToBool(env, a[2], "runSingleThreaded");
    int64_t deviceIndex = ToInt64(env, a[3], "deviceIndex");
    if (deviceIndex < -1 || deviceIndex > 127) ThrowRange("deviceIndex must be -1 (the current device) or a device index, got " + std::to_string(deviceIndex));
    EnableInputChecks();
    auto box = std::make_unique<AotiBox>();
    box->loader = std::make_unique<torch::inductor::AOTIModelPackageLoader>(path, modelName, singleThreaded, /*num_runners=*/1,
                                                                            static_cast<c10::DeviceIndex>(deviceIndex));
    napi_value out;
    Check(napi_create_external(env, box.get(), FinalizeAoti, nullptr, &out));
    box.release();  // the External owns it now
    Check(napi_type_tag_object(env, out, &kAotiTag));
    return out;
  });
}

// aotiRun(pkg, handles[]): the flat outputs as tensor handles.
napi_value AotiRun(napi_env env, napi_callback_info info) {
  return Guard(env, "torch.aoti run", [&] {
    Args<2> a(env, info);
    auto& loader = LoaderOf(env, a[0]);
    if (!IsArray(env, a[1])) ThrowType("inputs must be an array of tensors");
    Napi::Array list(env, a[1]);
    std::vector<at::Tensor> inputs;
    inputs.reserve(list.Length());
    for (uint32_t i = 0; i < list.Length(); ++i) {
      std::string what = "input " + std::to_string(i);
      inputs.push_back(TensorOf(env, list.Get(i), what.c_str()));
    }
    std::vector<at::Tensor> outputs = loader.run(inputs);
    Napi::Array out = Napi::Array::New(env, outputs.size());
    for (uint32_t i = 0; i < outputs.size(); ++i) out.Set(i, Napi::Value(env, WrapTensor(env, std::move(outputs[i]))));
    return static_cast<napi_value>(out);
  });
}

napi_value AotiMetadata(napi_env env, napi_callback_info info) {
  return Guard(env, "torch.aoti metadata", [&] {
    Args<1> a(env, info);
    return StringMap(env, LoaderOf(env, a[0]).get_metadata());
  });
}

// aotiCallSpec(pkg): [inSpec, outSpec], the pytree specs (JSON) of the exported program's inputs and outputs.
napi_value AotiCallSpec(napi_env env, napi_callback_info info) {
  return Guard(env, "torch.aoti callSpec", [&] {
    Args<1> a(env, info);
    return StringList(env, LoaderOf(env, a[0]).get_call_spec());
  });
}

napi_value AotiConstantFqns(napi_env env, napi_callback_info info) {
  return Guard(env, "torch.aoti constantFqns", [&] {
    Args<1> a(env, info);
    return StringList(env, LoaderOf(env, a[0]).get_constant_fqns());
  });
}

// aotiDispose(pkg): unloads the model now (idempotent).
napi_value AotiDispose(napi_env env, napi_callback_info info) {
  return Guard(env, "torch.aoti dispose", [&] {
    Args<1> a(env, info);
    void* p = nullptr;
    bool ours = false;
    if (napi_get_value_external(env, a[0], &p) == napi_ok && napi_check_object_type_tag(env, a[0], &kAotiTag, &ours) == napi_ok && ours)
      static_cast<AotiBox*>(p)->loader.reset();
    return Undefined(env);
  });
}

}  // namespace

void RegisterAoti(napi_env env, napi_value exports) {
  static const ExportEntry entries[] = {
      {"aotiLoad", AotiLoad},         {"aotiRun", AotiRun},
      {"aotiMetadata", AotiMetadata}, {"aotiCallSpec", AotiCallSpec},
      {"aotiConstantFqns", AotiConstantFqns}, {"aotiDispose", AotiDispose},
  };
  ExportAll(env, exports, entries);
}

}  // namespace tn
