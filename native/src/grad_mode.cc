// Grad mode and inference mode. Both are thread-local in libtorch; so is the stack of inference
// guards, as every worker thread enters and leaves its own.
#include <ATen/core/grad_mode.h>
#include <c10/core/InferenceMode.h>
#include <torch/csrc/autograd/forward_grad.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "autograd.h"
#include "compat.h"

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

Napi::Value SetFwdGradEnabled(const Napi::CallbackInfo& info) {
  c10::AutogradState::get_tls_state().set_fw_grad_mode(ToBool(info.Env(), info[0], "mode"));
  return info.Env().Undefined();
}

Napi::Value IsFwdGradEnabled(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), c10::AutogradState::get_tls_state().get_fw_grad_mode());
}

// torch.autograd.set_multithreading_enabled: whether backward runs on the engine's device threads (thread-local).
Napi::Value SetMultithreadingEnabled(const Napi::CallbackInfo& info) {
  c10::AutogradState::get_tls_state().set_multithreading_enabled(ToBool(info.Env(), info[0], "mode"));
  return info.Env().Undefined();
}

Napi::Value IsMultithreadingEnabled(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), c10::AutogradState::get_tls_state().get_multithreading_enabled());
}

// torch.autograd.enforce_grad_layout_policy (thread-local); a template so that the branch a libtorch lacks is not compiled.
template <typename State>
bool GradLayoutEnforcement(State& state, const bool* set) {
  if constexpr (HasGradLayoutSwitch<State>::value) {
    if (set) state.set_grad_layout_enforcement_enabled(*set);
    return state.get_grad_layout_enforcement_enabled();
  } else {
    if (set && !*set) ThrowError("autograd.enforceGradLayoutPolicy: this libtorch (" TORCH_VERSION ") has no switch for the grad layout contract; it always enforces it");
    return true;
  }
}

Napi::Value SetGradLayoutEnforcementEnabled(const Napi::CallbackInfo& info) {
  const bool enabled = ToBool(info.Env(), info[0], "enable");
  GradLayoutEnforcement(c10::AutogradState::get_tls_state(), &enabled);
  return info.Env().Undefined();
}

Napi::Value IsGradLayoutEnforcementEnabled(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), GradLayoutEnforcement(c10::AutogradState::get_tls_state(), nullptr));
}

// Forward AD levels are process-wide in libtorch (one open at a time); each thread remembers the ones
// it entered so that a worker that ends inside a level releases it instead of blocking the process.
thread_local std::vector<uint64_t> t_dualLevels;

// Threads take turns at libtorch's one level. A level taken for a synchronous call (dualLevel(fn), jvp,
// jacfwd) is released when that call returns, so another thread waits for it; one entered by hand may
// stay open across awaits, so while it is open other threads are refused at once. Taking and releasing
// the level happen under `mutex`, so `heldForCall` always describes the current holder.
struct LevelTurns {
  std::mutex mutex;
  std::condition_variable released;
  uint64_t releases = 0;
  bool heldForCall = false;
};
LevelTurns& Turns() {
  static LevelTurns turns;
  return turns;
}
constexpr auto kLevelWait = std::chrono::seconds(60);  // a safety net: a call's level is held for that call only

void ReleaseLevel(uint64_t level) {
  auto& turns = Turns();
  std::lock_guard<std::mutex> lock(turns.mutex);
  torch::autograd::ForwardADLevel::release_idx(level);
  turns.heldForCall = false;
  turns.releases++;
  turns.released.notify_all();
}

Napi::Value EnterDualLevel(const Napi::CallbackInfo& info) {
  RegisterJvpDecompositions();
  const bool forCall = !IsNullish(info.Env(), info[0]) && ToBool(info.Env(), info[0], "forCall");
  auto& turns = Turns();
  const auto deadline = std::chrono::steady_clock::now() + kLevelWait;
  uint64_t level = 0;
  std::string refused;
  {
    std::unique_lock<std::mutex> lock(turns.mutex);
    for (;;) {
      try {
        level = torch::autograd::ForwardADLevel::get_next_idx();
        turns.heldForCall = forCall;
        break;
      } catch (const c10::Error& e) {
        if (!t_dualLevels.empty()) throw;  // nested on this thread: PyTorch's own error
        const uint64_t seen = turns.releases;
        if (turns.heldForCall && turns.released.wait_until(lock, deadline, [&] { return turns.releases != seen; })) continue;
        refused = TorchMessage(e) + (turns.heldForCall ? " (another worker thread held libtorch's process-wide forward AD level for over 60 s)"
                                                       : " (the open forward AD level belongs to another worker thread: libtorch's levels are process-wide, so one thread at a time can hold one)");
        break;
      }
    }
  }
  if (!refused.empty()) ThrowError(refused);
  t_dualLevels.push_back(level);
  return Napi::Number::New(info.Env(), static_cast<double>(level));
}

Napi::Value ExitDualLevel(const Napi::CallbackInfo& info) {
  int64_t level = ToInt64(info.Env(), info[0], "level");
  TORCH_CHECK(level >= 0, "Dual level must be a positive number.");
  ReleaseLevel(static_cast<uint64_t>(level));
  auto mine = std::find(t_dualLevels.begin(), t_dualLevels.end(), static_cast<uint64_t>(level));
  if (mine != t_dualLevels.end()) t_dualLevels.erase(mine);
  return info.Env().Undefined();
}

}  // namespace

void RegisterGradMode(napi_env env, napi_value exports) {
  static constexpr MethodEntry kEntries[] = {
      {"setGradEnabled", SetGradEnabled},
      {"isGradEnabled", IsGradEnabled},
      {"enterInferenceMode", EnterInferenceMode, "inferenceMode"},
      {"exitInferenceMode", ExitInferenceMode, "inferenceMode"},
      {"setFwdGradEnabled", SetFwdGradEnabled},
      {"isFwdGradEnabled", IsFwdGradEnabled},
      {"setMultithreadingEnabled", SetMultithreadingEnabled},
      {"isMultithreadingEnabled", IsMultithreadingEnabled},
      {"setGradLayoutEnforcementEnabled", SetGradLayoutEnforcementEnabled},
      {"isGradLayoutEnforcementEnabled", IsGradLayoutEnforcementEnabled},
      {"enterDualLevel", EnterDualLevel, "enterDualLevel"},
      {"exitDualLevel", ExitDualLevel, "exitDualLevel"},
  };
  ExportAll(env, exports, kEntries);
  Check(napi_add_env_cleanup_hook(env, [](void*) {
    for (; !t_dualLevels.empty(); t_dualLevels.pop_back()) {
      try {
        ReleaseLevel(t_dualLevels.back());
      } catch (...) {  // already released: nothing left to free
      }
    }
  }, nullptr));
}

}  // namespace tn
