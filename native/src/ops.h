// Registration of the native entry points, one function per source file.
#pragma once
#include <node_api.h>

namespace tn {
void RegisterHandle(napi_env env, napi_value exports);
void RegisterOps(napi_env env, napi_value exports);
void RegisterTensorData(napi_env env, napi_value exports);
void RegisterAutograd(napi_env env, napi_value exports);
void RegisterHotOps(napi_env env, napi_value exports);
void RegisterRuntime(napi_env env, napi_value exports);
void RegisterGenerator(napi_env env, napi_value exports);
void RegisterWarnings(napi_env env, napi_value exports);
void RegisterDTypes(napi_env env, napi_value exports);
}  // namespace tn
