// Tensor handles: a JS External owning a Box that owns an at::Tensor.
// dispose() empties the Box now; the External's basic finalizer (run inside V8's GC in the
// NAPI_EXPERIMENTAL build) frees whatever is left. Tensor bytes are reported to V8 so that
// dropped large tensors trigger collection.
#pragma once
#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include "napi_util.h"

namespace tn {

struct Box {
  static constexpr uint64_t kMagic = 0x7e4e50e17a2b0c35ULL;
  uint64_t magic = kMagic;
  at::Tensor t;
  int64_t bytes = 0;  // bytes reported to V8 for this tensor (0: not the storage's owner)
};

// Wraps a tensor into a new handle (an undefined tensor becomes JS null).
napi_value WrapTensor(napi_env env, at::Tensor t);
// The Box of a handle, or nullptr when v is not a tensor handle.
Box* BoxOf(napi_env env, napi_value v);
// The live tensor of a handle; throws TypeError for non-handles and Error after dispose.
at::Tensor& TensorOf(napi_env env, napi_value v, const char* what = "argument");
// Frees the tensor of a handle now (idempotent).
void DisposeBox(napi_env env, Box* b);

// Generator handles: a JS External owning a GeneratorBox (torch.Generator objects).
struct GeneratorBox {
  static constexpr uint64_t kMagic = 0x6e6e0a9e4e12a7b1ULL;
  uint64_t magic = kMagic;
  at::Generator gen;
};
napi_value WrapGenerator(napi_env env, at::Generator gen);
// The generator of a handle, or nullptr when v is not a generator handle.
GeneratorBox* GeneratorOf(napi_env env, napi_value v);

// napi references dropped where they cannot be deleted (inside GC, or on another thread): deleted
// later on the JS thread, at the next tensor handle creation.
void DeferDeleteReference(napi_ref ref);
void DeleteDeferredReferences(napi_env env);

// Live-object counters for leak tests.
struct HandleStats {
  int64_t boxes = 0;    // Box objects alive (with or without tensor)
  int64_t tensors = 0;  // Boxes holding a tensor
  int64_t reported = 0; // net bytes reported to V8
};
const HandleStats& Stats();


}  // namespace tn
