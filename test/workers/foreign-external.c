// A stand-in for another addon (test/memory-safety.test.ts): Externals whose data is not ours.
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// makeExternal(): an unreadable data pointer. makeExternal(true): a pointer shaped like one of our
// handles (the first slot of a 64 KiB-aligned block) into readable garbage, which, read as a tensor
// handle, would crash.
static napi_value MakeExternal(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  bool shaped = false;
  napi_get_cb_info(env, info, &argc, &arg, NULL, NULL);
  if (argc > 0) napi_get_value_bool(env, arg, &shaped);
  void* data = (void*)(uintptr_t)8;
  if (shaped) {
    unsigned char* block = aligned_alloc(65536, 65536);  // leaked: the test process is short-lived
    memset(block, 0xAB, 65536);
    data = block + 32;
  }
  napi_value out;
  napi_create_external(env, data, NULL, NULL, &out);
  return out;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "makeExternal", NAPI_AUTO_LENGTH, MakeExternal, NULL, &fn);
  napi_set_named_property(env, exports, "makeExternal", fn);
  return exports;
}
