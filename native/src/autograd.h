// Shared by the autograd sources (autograd.cc, autograd_engine.cc, grad_mode.cc, js_callbacks.cc).
#pragma once
#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

#include "handle.h"

namespace tn {

// The env whose JS runs on this thread (main thread or one worker each); null on libtorch's threads.
napi_env ThreadJsEnv();

// A tensor or an array of tensors (null entries become undefined tensors).
std::vector<at::Tensor> TensorList(napi_env env, napi_value arr, const char* what);

// Makes the autograd engine this addon's own (anomaly metadata with JS stacks); once per process.
void InstallJsEngine();
// Gives forward AD to the backward ops Python's `import torch` gives it to (jvp_decompositions.cc); once per process.
void RegisterJvpDecompositions();

void RegisterAutogradEngine(napi_env env, napi_value exports);
void RegisterGradMode(napi_env env, napi_value exports);
void RegisterJsCallbacks(napi_env env, napi_value exports);

}  // namespace tn
