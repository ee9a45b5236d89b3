// Storage-level accessors behind x.dataPtr(), x.untypedStorage(), x.shareMemory_() and x.gradDtype.
// A storage is exposed to JS as a uint8 tensor over all its bytes: that handle keeps the c10
// storage alive with the ordinary tensor finalizer, so storages need no GC code of their own.
#include <ATen/FunctionalTensorWrapper.h>
#include <ATen/MapAllocator.h>
#include <ATen/StorageUtils.h>
#include <ATen/core/Tensor.h>
#include <ATen/ops/empty.h>
#include <torch/csrc/autograd/grad_mode.h>

#include "compat.h"
#include "convert.h"
#include "ops.h"
#include "storage.h"

namespace tn {
namespace {

Napi::Value FromAddress(Napi::Env env, const void* p) { return Napi::BigInt::New(env, static_cast<uint64_t>(reinterpret_cast<uintptr_t>(p))); }

// dataPtr(t) -> BigInt: the address of t's first element (0n when it has no memory yet).
Napi::Value DataPtr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const at::Tensor& t = TensorOf(env, info[0], "self");
  return FromAddress(env, t.const_data_ptr());
}

// storageBytes(t) -> handle: a uint8 tensor over every byte of t's storage (offset 0).
Napi::Value StorageBytes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const at::Tensor& t = TensorOf(env, info[0], "self");
  // Autograd's ZeroTensor has no memory behind its storage (Python raises on reading it too).
  if (t._is_zerotensor()) ThrowError("Attempted to access the data pointer on an invalid storage: this is autograd's ZeroTensor (x.clone() gives a real one)");
  return Napi::Value(env, WrapTensor(env, StorageByteView(t)));
}

// storageDataPtr(t) -> BigInt: the address where t's storage starts.
Napi::Value StorageDataPtr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const at::Tensor& t = TensorOf(env, info[0], "self");
  return FromAddress(env, t.storage().data());
}

// storageNbytes(t) -> number: the bytes t's storage has now (a storage object re-reads it: tensors on it may resize it).
Napi::Value StorageNbytes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Napi::Number::New(env, static_cast<double>(TensorOf(env, info[0], "self").storage().nbytes()));
}

bool IsSharedStorage(const c10::Storage& s) {
  return s.device_type() != at::kCPU || at::MapAllocator::fromDataPtr(s.data_ptr()) != nullptr;
}

Napi::Value IsShared(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Napi::Value(env, FromBool(env, IsSharedStorage(TensorOf(env, info[0], "self").storage())));
}

// shareMemory(t): Python's UntypedStorage._share_fd_cpu_: the storage's bytes move to a new
// shared-memory segment (POSIX shm, kept by file descriptor); a no-op when already shared.
Napi::Value ShareMemory(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Box* box = BoxOf(env, info[0]);
  const at::Tensor& t = TensorOf(env, info[0], "self");
  c10::Storage storage = t.storage();
  if (IsSharedStorage(storage)) return env.Undefined();
  // A frombuffer storage's DataPtr holds the JS ArrayBuffer: replacing it would lose that link.
  if (box->borrowed) ThrowError("a Tensor made by torch.frombuffer uses a JS ArrayBuffer's memory, which cannot move to shared memory");
  // Such an array would go on reading the old memory, freed by the move.
  if (SharedWithArrays(storage.unsafeGetStorageImpl()))
    ThrowError("a TypedArray from toTypedArray({ share: true }) views this tensor's memory, which cannot move to shared memory while it lives");
  at::Storage shm(at::new_shm_fd_storage(storage.nbytes()));
  at::storage_copy(shm, storage);
  storage.set_data_ptr(std::move(shm.mutable_data_ptr()));
  // A segment has no allocator to resize with (PyTorch 2.13 crashes on resize_ here): resize_ is an error instead.
  storage.unsafeGetStorageImpl()->set_allocator(shm.allocator());
  storage.unsafeGetStorageImpl()->set_resizable(false);
  return env.Undefined();
}

// gradDtype(t[, dtype | null]): reads, or sets then reads, the dtype autograd casts t's grad to.
Napi::Value GradDtype(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const at::Tensor& t = TensorOf(env, info[0], "self");
  bool set = info.Length() > 1 && !info[1].IsUndefined();
  if (!t.is_leaf()) ThrowError(set ? "grad_dtype can only be set on leaf tensors." : "grad_dtype can only be accessed on leaf tensors.");
  if (set) t.set_grad_dtype(info[1].IsNull() ? std::nullopt : std::optional<at::ScalarType>(ToScalarType(info[1])));
  std::optional<at::ScalarType> d = t.grad_dtype();
  return d ? Napi::Value(env, FromInt64(env, static_cast<int64_t>(*d))) : env.Null();
}

}  // namespace

at::Tensor StorageByteView(const at::Tensor& t) {
  if (at::functionalization::impl::isFunctionalTensor(t))
    ThrowError("a functional tensor (an argument or result inside torch.func.functionalize) has no storage of its own to read: read its values instead");
  c10::Storage storage = t.storage();  // c10 raises for tensors without storage (sparse, ...)
  at::NoGradGuard noGrad;
  at::Tensor bytes = at::empty({0}, at::TensorOptions().dtype(at::kByte).device(storage.device()));
  bytes.set_(storage, 0, {static_cast<int64_t>(storage.nbytes())}, {1});
  return bytes;
}

void RegisterStorage(napi_env env, napi_value exports) {
  static constexpr MethodEntry kEntries[] = {
      {"dataPtr", DataPtr},
      {"storageBytes", StorageBytes, "untypedStorage"},
      {"storageDataPtr", StorageDataPtr, "dataPtr"},
      {"storageNbytes", StorageNbytes, "nbytes"},
      {"isShared", IsShared},
      {"shareMemory", ShareMemory, "shareMemory_"},
      {"gradDtype", GradDtype},
  };
  ExportAll(env, exports, kEntries);
}

}  // namespace tn
