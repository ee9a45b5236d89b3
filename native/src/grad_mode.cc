// Grad mode and inference mode. Both are thread-local in libtorch; so is the stack of inference
// guards, as every worker thread enters and leaves its own.
#include <ATen/core/grad_mode.h>
#include <c10/core/InferenceMode.h>

#include <memory>
#include <vector>

#include "autograd.h"

namespace tn {
namespace {

Napi::Value SetGradEnabled(const Napi::CallbackInfo& info) {
  at::GradMode::set_enabled(ToBool(info.Env(), info[0], "mode"));
  return info.Env().Undefined();
}

Napi::Value IsGradEnabled(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), at::GradMode::is_enabled()); }

// Inference mode is an RAII guard in C++; JS enters and leaves it around a callback.
thread_local std::vector<std::unique_ptr<c10::InferenceMode>> t_inferenceGuards;

Napi::Value EnterInferenceMode(const Napi::CallbackInfo& info) {
  bool mode = IsNullish(info.Env(), info[0]) || ToBool(info.Env(), info[0], "mode");
  t_inferenceGuards.push_back(std::make_unique<c10::InferenceMode>(mode));
  return info.Env().Undefined();
}

Napi::Value ExitInferenceMode(const Napi::CallbackInfo& info) {
  if (t_inferenceGuards.empty()) ThrowError("not in inference mode");
  t_inferenceGuards.pop_back();
  return info.Env().Undefined();
}

}  // namespace

void RegisterGradMode(napi_env env, napi_value exports) {
  static constexpr MethodEntry kEntries[] = {
      {"setGradEnabled", SetGradEnabled},
      {"isGradEnabled", IsGradEnabled},
      {"enterInferenceMode", EnterInferenceMode, "inferenceMode"},
      {"exitInferenceMode", ExitInferenceMode, "inferenceMode"},
  };
  ExportAll(env, exports, kEntries);
}

}  // namespace tn
