// Grad mode and inference mode. Both are thread-local in libtorch; so is the stack of inference
// guards, as every worker thread enters and leaves its own.
#include <ATen/core/grad_mode.h>
#include <c10/core/InferenceMode.h>

#include <memory>
#include <vector>

#include "autograd.h"

namespace tn {
namespace {

napi_value SetGradEnabled(napi_env env, napi_callback_info info) {
  return Guard(env, "setGradEnabled", [&] {
    Args<1> a(env, info);
    at::GradMode::set_enabled(ToBool(env, a[0], "mode"));
    return Undefined(env);
  });
}

napi_value IsGradEnabled(napi_env env, napi_callback_info) {
  return Guard(env, "isGradEnabled", [&] { return FromBool(env, at::GradMode::is_enabled()); });
}

// Inference mode is an RAII guard in C++; JS enters and leaves it around a callback.
thread_local std::vector<std::unique_ptr<c10::InferenceMode>> t_inferenceGuards;

napi_value EnterInferenceMode(napi_env env, napi_callback_info info) {
  return Guard(env, "inferenceMode", [&] {
    Args<1> a(env, info);
    bool mode = IsNullish(env, a[0]) || ToBool(env, a[0], "mode");
    t_inferenceGuards.push_back(std::make_unique<c10::InferenceMode>(mode));
    return Undefined(env);
  });
}

napi_value ExitInferenceMode(napi_env env, napi_callback_info) {
  return Guard(env, "inferenceMode", [&] {
    if (t_inferenceGuards.empty()) ThrowError("not in inference mode");
    t_inferenceGuards.pop_back();
    return Undefined(env);
  });
}

}  // namespace

void RegisterGradMode(napi_env env, napi_value exports) {
  static constexpr ExportEntry kEntries[] = {
      {"setGradEnabled", SetGradEnabled},
      {"isGradEnabled", IsGradEnabled},
      {"enterInferenceMode", EnterInferenceMode},
      {"exitInferenceMode", ExitInferenceMode},
  };
  ExportAll(env, exports, kEntries);
}

}  // namespace tn
