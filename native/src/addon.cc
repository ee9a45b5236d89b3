// Module entry: the env's Torchnode addon (Napi::Addon, the env's instance data) registers every
// source file's functions on the exports object.
#include <c10/util/Logging.h>

#include <mutex>

#include "handle.h"
#include "ops.h"
#include "warnings.h"

namespace tn {

Torchnode::Torchnode(Napi::Env env, Napi::Object exports) : slot(InitEnvState(env)) {
  // Once per process: libtorch's C++ log reads TORCH_CPP_LOG_LEVEL here, as `import torch` does in
  // Python; its warning and error lines become warnings (cpp_log.cc); libtorch's CPU memory comes
  // from cpu_allocator.cc.
  static std::once_flag processSetup;
  std::call_once(processSetup, [] {
    c10::initLogging();
    RouteCppLogToWarnings();
    InstallCpuAllocator();
  });
  try {
    RegisterHandle(env, exports);
    RegisterOps(env, exports);
    RegisterTensorData(env, exports);
    RegisterAutograd(env, exports);
    RegisterHotOps(env, exports);
    RegisterRuntime(env, exports);
    RegisterGenerator(env, exports);
    RegisterWarnings(env, exports);
    RegisterCppLog(env, exports);
    RegisterDTypes(env, exports);
    RegisterSerialize(env, exports);
    RegisterStorage(env, exports);
    RegisterJit(env, exports);
    RegisterAoti(env, exports);
    RegisterStreams(env, exports);
    RegisterOptim(env, exports);
    RegisterCpuAllocator(env, exports);
    RegisterPilGeometry(env, exports);
    RegisterPilEnhance(env, exports);
    RegisterWeakValues(env, exports);
    DefineAddon(exports, {});
  } catch (...) {
    ReleaseEnvSlot(slot);  // the destructor does not run for a constructor that threw
    throw;
  }
}

Torchnode::~Torchnode() { ReleaseEnvSlot(slot); }

}  // namespace tn

NAPI_MODULE_INIT() {
  return tn::Guard(env, "torchnode init", [&]() -> napi_value {
    return tn::Torchnode::Init(Napi::Env(env), Napi::Object(env, exports));
  });
}
