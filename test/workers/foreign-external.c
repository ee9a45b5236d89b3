// A stand-in for another addon (test/memory-safety.test.ts): Externals whose data is not ours.
#include <node_api.h>
#include <stdint.h>

static napi_value MakeExternal(napi_env env, napi_callback_info info) {
  napi_value out;
  napi_create_external(env, (void*)(uintptr_t)8, NULL, NULL, &out);  // unreadable data pointer
  return out;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "makeExternal", NAPI_AUTO_LENGTH, MakeExternal, NULL, &fn);
  napi_set_named_property(env, exports, "makeExternal", fn);
  return exports;
}
