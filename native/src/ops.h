// Registration of the native entry points, one function per source file.
#pragma once
#include <node_api.h>

#include <vector>

namespace c10 {
struct FunctionSchema;
struct IValue;
}  // namespace c10

namespace tn {
void RegisterHandle(napi_env env, napi_value exports);
void RegisterOps(napi_env env, napi_value exports);
void RegisterTensorData(napi_env env, napi_value exports);
void RegisterAutograd(napi_env env, napi_value exports);
void RegisterHotOps(napi_env env, napi_value exports);
void RegisterRuntime(napi_env env, napi_value exports);
void RegisterGenerator(napi_env env, napi_value exports);
void RegisterWarnings(napi_env env, napi_value exports);
void RegisterCppLog(napi_env env, napi_value exports);
void RegisterDTypes(napi_env env, napi_value exports);
void RegisterSerialize(napi_env env, napi_value exports);
void RegisterStorage(napi_env env, napi_value exports);
void RegisterJit(napi_env env, napi_value exports);
void RegisterAoti(napi_env env, napi_value exports);
void RegisterStreams(napi_env env, napi_value exports);
void RegisterOptim(napi_env env, napi_value exports);
void RegisterCpuAllocator(napi_env env, napi_value exports);
void RegisterPilGeometry(napi_env env, napi_value exports);
void RegisterPilEnhance(napi_env env, napi_value exports);
void RegisterWeakValues(napi_env env, napi_value exports);

// Makes libtorch allocate CPU memory with cpu_allocator.cc's allocator (call once per process).
void InstallCpuAllocator();

// A check of a call's arguments (the boxed stack) run before libtorch, for input that would crash
// the process there; throws a JsError. FindOpCheck: the check for an overload, or nullptr (op_checks.cc).
using OpCheck = void (*)(const c10::FunctionSchema& schema, const std::vector<c10::IValue>& stack);
OpCheck FindOpCheck(const c10::FunctionSchema& schema);
}  // namespace tn
