// A boxed fallback on a mode dispatch key: how this addon stands in for Python's TorchDispatchModes
// (allowMutationOnSavedTensors, selective checkpointing). The key does nothing until a thread
// includes it in its TLS dispatch key set.
#pragma once
#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/library.h>

#include <mutex>

namespace tn {

using BoxedFallback = void (*)(const c10::OperatorHandle&, c10::DispatchKeySet, torch::jit::Stack*);

// Registers Fallback on key once per process, on first use (so that processes which never use it keep
// libtorch's error messages as Python's); never unregistered (the library object lives on).
template <BoxedFallback Fallback>
void RegisterModeFallbackOnce(c10::DispatchKey key) {
  static std::once_flag once;
  std::call_once(once, [key] {
    static auto* library = new torch::Library(torch::Library::IMPL, "_", key, __FILE__, __LINE__);
    library->fallback(torch::CppFunction::makeFromBoxedFunction<Fallback>());
  });
}

// Runs the op with the dispatch keys below `key`.
inline void RunBelow(c10::DispatchKey key, const c10::OperatorHandle& op, c10::DispatchKeySet keys, torch::jit::Stack* stack) {
  op.redispatchBoxed(keys & c10::DispatchKeySet(c10::DispatchKeySet::FULL_AFTER, key), stack);
}

}  // namespace tn
