#include "js_pump.h"

#include <ATen/ThreadLocalState.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/csrc/autograd/engine.h>

#include <cstdlib>
#include <exception>
#include <optional>
#include <thread>

#include "autograd.h"
#include "napi_util.h"

namespace tn {

// One call posted to a JS thread: the posting thread's engine and thread-local state go with it.
struct PumpedCall {
  const std::function<void()>* fn;
  EngineContext context;
  at::ThreadLocalState tls;  // grad mode (off inside backward), autocast, dispatch keys
  std::exception_ptr error;
  bool done = false;
  std::condition_variable finished;
};

namespace {

thread_local const EngineContext* t_postedContext = nullptr;

EngineContext EngineContextOfThisThread() {
  EngineContext c;
  c.graphTaskId = torch::autograd::get_current_graph_task_id();
  c.checkpointValid = torch::autograd::Engine::get_default_engine().is_checkpoint_valid();
  c.execInfo = torch::autograd::get_current_graph_task_exec_info();
  c.nodesInGraph = torch::autograd::get_current_graph_task_nodes_in_graph();
  return c;
}

// Runs one posted call on the JS thread; a JS exception leaves as a JsThrown.
void RunPosted(napi_env env, PumpedCall& call) {
  at::ThreadLocalStateGuard tls(call.tls);
  const EngineContext* outer = t_postedContext;
  t_postedContext = &call.context;
  try {
    (*call.fn)();
  } catch (const Napi::Error& e) {
    call.error = std::make_exception_ptr(JsThrown(e.Message(), std::make_shared<JsRef>(env, e.Value())));
  } catch (...) {
    call.error = std::current_exception();
  }
  t_postedContext = outer;
}

}  // namespace

EngineContext CurrentEngineContext() { return t_postedContext ? *t_postedContext : EngineContextOfThisThread(); }

void PostToJsThread(napi_env env, EnvState& state, const std::function<void()>& f) {
  JsPump& pump = state.pump;
  PumpedCall call{&f, EngineContextOfThisThread(), at::ThreadLocalState()};
  std::unique_lock<std::mutex> lock(pump.mutex);
  if (pump.depth == 0)
    throw std::runtime_error("JS hooks and Functions run only for graphs executed on their own JS thread (CPU tensors)");
  pump.calls.push_back(&call);
  pump.posted.notify_all();
  call.finished.wait(lock, [&] { return call.done; });
  lock.unlock();
  if (call.error) std::rethrow_exception(call.error);
}

void RunPumped(napi_env env, const std::function<void()>& run) {
  JsPump& pump = EnvStateOf(env)->pump;
  at::ThreadLocalState tls;
  std::exception_ptr error;
  bool finished = false;
  {
    std::lock_guard<std::mutex> lock(pump.mutex);
    ++pump.depth;
  }
  std::thread helper;
  try {
    helper = std::thread([&] {
      {
        at::ThreadLocalStateGuard guard(tls);
        try {
          run();
        } catch (...) {
          error = std::current_exception();
        }
      }
      std::lock_guard<std::mutex> lock(pump.mutex);
      finished = true;
      pump.posted.notify_all();
    });
  } catch (...) {  // no thread to be had: nothing was posted, nothing ran
    std::lock_guard<std::mutex> lock(pump.mutex);
    --pump.depth;
    throw;
  }
  std::unique_lock<std::mutex> lock(pump.mutex);
  for (;;) {
    pump.posted.wait(lock, [&] { return finished || !pump.calls.empty(); });
    if (pump.calls.empty()) break;  // finished, and nothing is waiting for this thread
    PumpedCall* call = pump.calls.front();
    pump.calls.pop_front();
    lock.unlock();
    RunPosted(env, *call);
    lock.lock();
    call->done = true;
    call->finished.notify_all();
  }
  --pump.depth;
  lock.unlock();
  helper.join();
  if (error) std::rethrow_exception(error);
}

bool NeedsPump(napi_env env) {
  static const bool every = [] {
    const char* v = std::getenv("TORCHNODE_PUMP_BACKWARD");
    return v && std::string(v) == "1";
  }();
  if (every) return true;
  return EnvStateOf(env)->pump.liveJsRefs.load(std::memory_order_relaxed) > 0 && CudaAllocatorIfUsed() != nullptr;
}

c10::DeviceAllocator* CudaAllocatorIfUsed() {
  if (!at::detail::getCUDAHooks().hasCUDA()) return nullptr;
  c10::DeviceAllocator* allocator = c10::getDeviceAllocator(c10::kCUDA);
  return AllocatorInitialized(*allocator) ? allocator : nullptr;
}

}  // namespace tn
