// A stand-in for another addon (test/memory-safety.test.ts): Externals whose data is not ours.
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// makeExternal(): an unreadable data pointer. makeExternal(offset): a pointer `offset` bytes into a
// 64 KiB-aligned block of readable garbage, shaped like one of our handles (which live in such
// blocks); read as a tensor handle, it would crash.
static napi_value MakeExternal(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  napi_get_cb_info(env, info, &argc, &arg, NULL, NULL);
  void* data = (void*)(uintptr_t)8;
  int64_t offset;
  if (argc > 0 && napi_get_value_int64(env, arg, &offset) == napi_ok) {
    unsigned char* block = aligned_alloc(65536, 65536);  // leaked: the test process is short-lived
    memset(block, 0xAB, 65536);
    data = block + offset;
  }
  napi_value out;
  napi_create_external(env, data, NULL, NULL, &out);
  return out;
}

// aliasExternal(ext): an External of this addon with another External's data pointer, which it
// keeps after the original is collected (a stale pointer into the original addon's memory).
static napi_value AliasExternal(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  void* data = NULL;
  napi_get_cb_info(env, info, &argc, &arg, NULL, NULL);
  napi_get_value_external(env, arg, &data);
  napi_value out;
  napi_create_external(env, data, NULL, NULL, &out);
  return out;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "makeExternal", NAPI_AUTO_LENGTH, MakeExternal, NULL, &fn);
  napi_set_named_property(env, exports, "makeExternal", fn);
  napi_create_function(env, "aliasExternal", NAPI_AUTO_LENGTH, AliasExternal, NULL, &fn);
  napi_set_named_property(env, exports, "aliasExternal", fn);
  return exports;
}
