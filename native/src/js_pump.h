// JS calls that autograd makes off the JS thread. libtorch runs a CUDA graph's nodes on its device
// threads, where no JS can run: while such a backward runs, the engine call runs on a helper thread
// and the JS thread runs the JS callbacks (hooks, Functions, saved-tensor hooks) posted to it, each
// under the engine state of the thread that posted it. CPU graphs run on the JS thread as before.
#pragma once
#include <c10/core/CachingDeviceAllocator.h>
#include <torch/csrc/autograd/graph_task.h>

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "handle.h"

namespace tn {

class JsRef;  // autograd.h

// What a JS callback reads of the backward that called it (the engine keeps these per thread).
struct EngineContext {
  int graphTaskId = -1;
  bool checkpointValid = true;
  const std::unordered_map<torch::autograd::Node*, torch::autograd::GraphTask::ExecInfo>* execInfo = nullptr;
  const std::unordered_set<torch::autograd::Node*>* nodesInGraph = nullptr;
};
// This thread's, or the posting thread's while a posted call runs here.
EngineContext CurrentEngineContext();

// A JS exception thrown by a posted call, on its way back to the JS thread: the value is held by a
// reference that any thread may drop (a Napi::Error may only be destroyed on its JS thread).
struct JsThrown : std::runtime_error {
  JsThrown(std::string message, std::shared_ptr<JsRef> value) : std::runtime_error(std::move(message)), value(std::move(value)) {}
  std::shared_ptr<JsRef> value;
};

// Calls f through `through` (which runs a void() function, maybe on another thread) and returns f's result.
template <class Through, class F>
auto ReturnVia(Through&& through, F&& f) -> decltype(f()) {
  using Result = decltype(f());
  if constexpr (std::is_void_v<Result>) {
    through([&] { f(); });
  } else {
    std::optional<Result> out;
    through([&] { out.emplace(f()); });
    return std::move(*out);
  }
}

// Runs f on env's JS thread and waits: posted to its pump. Error when the JS thread is not pumping.
void PostToJsThread(napi_env env, EnvState& state, const std::function<void()>& f);

// Runs `run` (an engine call) on a helper thread with this thread's thread-local state, running the
// calls posted to this JS thread meanwhile; rethrows what `run` threw.
void RunPumped(napi_env env, const std::function<void()>& run);

// Whether a backward from this JS thread must be pumped: this process has put something on a GPU
// and autograd holds JS callbacks of this env; or TORCHNODE_PUMP_BACKWARD=1 (every backward, CPU
// graphs too: the tests of the mechanism).
bool NeedsPump(napi_env env);

// The CUDA caching allocator through c10's device-generic interface (no CUDA header needed); null
// without CUDA or before the first CUDA tensor, when it has no per-device state yet (no GPU used).
c10::DeviceAllocator* CudaAllocatorIfUsed();

}  // namespace tn
