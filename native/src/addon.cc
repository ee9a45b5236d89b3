// Module entry: every source file registers its functions on the exports object.
#include "ops.h"
#include "napi_util.h"

NAPI_MODULE_INIT() {
  return tn::Guard(env, "torchnode init", [&] {
    tn::RegisterHandle(env, exports);
    tn::RegisterOps(env, exports);
    tn::RegisterTensorData(env, exports);
    tn::RegisterAutograd(env, exports);
    tn::RegisterHotOps(env, exports);
    tn::RegisterRuntime(env, exports);
    tn::RegisterGenerator(env, exports);
    tn::RegisterWarnings(env, exports);
    tn::RegisterDTypes(env, exports);
    tn::RegisterSerialize(env, exports);
    return exports;
  });
}
