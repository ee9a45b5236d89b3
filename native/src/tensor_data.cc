// Moving data between JS and tensors: creation from TypedArrays, reading values back, metadata.
#include <ATen/TracerMode.h>
#include <ATen/core/Tensor.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/from_blob.h>
#include <ATen/ops/view_as_real.h>

#include <algorithm>
#include <cstring>
#include <iterator>
#include <mutex>
#include <torch/csrc/jit/frontend/tracer.h>
#include <unordered_map>

#include "compat.h"
#include "convert.h"
#include "dtypes.h"
#include "functionalize.h"
#include "ops.h"
#include "storage.h"

namespace tn {
namespace {

// A TypedArray of element type T over a whole ArrayBuffer.
template <class T>
Napi::TypedArray ArrayOf(Napi::Env env, size_t count, Napi::ArrayBuffer buffer) {
  return Napi::TypedArrayOf<T>::New(env, count, buffer, 0);
}
using ArrayMaker = Napi::TypedArray (*)(Napi::Env, size_t, Napi::ArrayBuffer);

// The one TypedArray <-> dtype table: each TypedArray kind (its JS constructor's name) and the dtype
// of its elements. torch.tensor(array) and frombuffer read it (lib/creation.ts through typedArrays());
// toTypedArray makes the first kind whose dtype holds the tensor's values (Uint8Array, not clamped).
struct TypedArrayKind {
  napi_typedarray_type type;
  const char* name;
  c10::ScalarType scalar;
  ArrayMaker make;
};
constexpr TypedArrayKind kTypedArrays[] = {
    {napi_int8_array, "Int8Array", c10::kChar, ArrayOf<int8_t>},
    {napi_uint8_array, "Uint8Array", c10::kByte, ArrayOf<uint8_t>},
    {napi_uint8_clamped_array, "Uint8ClampedArray", c10::kByte, nullptr},
    {napi_int16_array, "Int16Array", c10::kShort, ArrayOf<int16_t>},
    {napi_int32_array, "Int32Array", c10::kInt, ArrayOf<int32_t>},
    {napi_bigint64_array, "BigInt64Array", c10::kLong, ArrayOf<int64_t>},
    {napi_uint16_array, "Uint16Array", c10::ScalarType::UInt16, ArrayOf<uint16_t>},
    {napi_uint32_array, "Uint32Array", c10::ScalarType::UInt32, ArrayOf<uint32_t>},
    {napi_biguint64_array, "BigUint64Array", c10::ScalarType::UInt64, ArrayOf<uint64_t>},
    {napi_float32_array, "Float32Array", c10::kFloat, ArrayOf<float>},
    {napi_float64_array, "Float64Array", c10::kDouble, ArrayOf<double>},
};

// The TypedArray that holds a dtype's elements: bool -> Uint8Array, half, bfloat16 and float8 ->
// Float32Array (Python's tolist() gives floats), complex -> its real parts' array (interleaved).
ArrayMaker ArrayTypeFor(c10::ScalarType st, c10::ScalarType* holds) {
  c10::ScalarType real = c10::isComplexType(st) ? c10::toRealValueType(st) : st;
  if (real == c10::kBool) real = c10::kByte;
  else if (c10::isFloatingType(real) && c10::elementSize(real) < 4) real = c10::kFloat;
  for (const TypedArrayKind& k : kTypedArrays)
    if (k.scalar == real && k.make) {
      *holds = st == c10::kBool ? st : real;
      return k.make;
    }
  ThrowType(std::string("dtype ") + c10::toString(st) + " has no TypedArray");
}

// fromTypedArray(typedArray, shape, dtype | null): copies the data into a new CPU tensor.
Napi::Value FromTypedArray(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsTypedArray()) ThrowType("data must be a TypedArray");
  Napi::TypedArray array = info[0].As<Napi::TypedArray>();
  const napi_typedarray_type type = array.TypedArrayType();
  const size_t length = array.ElementLength();
  const char* data = static_cast<const char*>(array.ArrayBuffer().Data()) + array.ByteOffset();
  const TypedArrayKind* kind = std::find_if(std::begin(kTypedArrays), std::end(kTypedArrays), [&](const TypedArrayKind& k) { return k.type == type; });
  if (kind == std::end(kTypedArrays)) ThrowType("unsupported TypedArray type");
  const c10::ScalarType src = kind->scalar;
  std::vector<int64_t> shape = ToIntList(env, info[1], "shape");
  int64_t numel = 1;
  for (int64_t d : shape) {
    if (d < 0) ThrowRange("negative dimension in shape");
    numel *= d;
  }
  if (numel != static_cast<int64_t>(length))
    ThrowRange("shape has " + std::to_string(numel) + " elements but the data has " + std::to_string(length));
  at::Tensor t;
  {
    OutsideTransformsGuard plain;  // a memory we can write, even inside torch.func.functionalize
    at::tracer::impl::NoTracerDispatchMode untraced;  // the data are not ops: a trace sees the tensor as a constant
    t = at::empty(shape, at::TensorOptions().dtype(src));
    if (length) std::memcpy(t.data_ptr(), data, length * c10::elementSize(src));
    if (!IsNullish(env, info[2])) {
      c10::ScalarType dst = ToScalarType(info[2]);
      if (dst != src) t = t.to(dst);
    }
  }
  // As Python's torch.tensor under torch.jit.trace: a traced to() (the constant enters the graph) and detach_.
  const bool tracing = torch::jit::tracer::isTracing();
  if (tracing) t = t.to(t.device(), t.scalar_type(), /*non_blocking=*/false, /*copy=*/false);
  {
    at::tracer::impl::NoTracerDispatchMode untraced;
    t = LiftFresh(std::move(t));
  }
  if (tracing) t.detach_();
  return Napi::Value(env, WrapTensor(env, std::move(t)));
}

// fromBuffer(arrayBuffer, byteOffset, count, dtype): a 1-D tensor over the buffer's memory, no copy.
// The tensor holds a reference to the ArrayBuffer, released (on the JS thread) when the tensor's
// storage is freed. Resizable buffers are refused (shrinking frees memory the tensor would still
// read); a buffer detached (transferred) later makes every use of the tensor throw.
Napi::Value FromBuffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArrayBuffer()) ThrowType("buffer must be an ArrayBuffer, a TypedArray or a Buffer");
  Napi::ArrayBuffer buffer = info[0].As<Napi::ArrayBuffer>();
  if (buffer.IsDetached()) ThrowType("the ArrayBuffer is detached");
  Napi::Value resizable = buffer.Get("resizable");
  if (resizable.IsBoolean() && resizable.As<Napi::Boolean>().Value())
    ThrowType("a resizable ArrayBuffer cannot back a tensor (resizing would free memory the tensor reads); copy it with torch.tensor()");
  void* data = buffer.Data();
  const size_t length = buffer.ByteLength();
  int64_t offset = ToInt64(env, info[1], "offset");
  int64_t count = ToInt64(env, info[2], "count");
  c10::ScalarType st = ToScalarType(info[3]);
  int64_t item = static_cast<int64_t>(c10::elementSize(st));
  if (offset < 0 || offset > static_cast<int64_t>(length))
    ThrowRange("offset (" + std::to_string(offset) + ") must be in [0, " + std::to_string(length) + "]");
  int64_t avail = static_cast<int64_t>(length) - offset;
  if (count < 0) {
    if (avail % item) ThrowRange("buffer length (" + std::to_string(avail) + " bytes after skipping offset) must be a multiple of the element size (" + std::to_string(item) + ")");
    count = avail / item;
  }
  if (count == 0) ThrowRange("both buffer length (" + std::to_string(avail) + ") and count (0) must not be 0");
  if (count * item > avail) ThrowRange("requested " + std::to_string(count * item) + " bytes but the buffer has " + std::to_string(avail) + " after offset");
  char* start = static_cast<char*>(data) + offset;
  if (reinterpret_cast<uintptr_t>(start) % static_cast<uintptr_t>(item))
    ThrowRange("the data at offset " + std::to_string(offset) + " is not aligned to the element size " + std::to_string(item));
  return Napi::Value(env, WrapTensor(env, BorrowArrayBuffer(env, buffer, start, count, st)));
}

// Storages shared with JS arrays (toTypedArray({ share: true })) may not be resized while an
// array lives (a resize frees the memory the array reads), as PyTorch does for numpy().
// The count per storage restores resizability when the last array is released.
struct ShareCount {
  int arrays = 0;
  bool wasResizable = false;
};
std::mutex g_sharedMutex;
std::unordered_map<c10::StorageImpl*, ShareCount> g_shared;

// What an ArrayBuffer over tensor memory holds: the storage (through a tensor) it must not outlive.
struct SharedArrayHolder {
  at::Tensor t;
  explicit SharedArrayHolder(at::Tensor tensor) : t(std::move(tensor)) {
    c10::StorageImpl* impl = t.storage().unsafeGetStorageImpl();
    std::lock_guard<std::mutex> lock(g_sharedMutex);
    ShareCount& c = g_shared[impl];
    if (c.arrays++ == 0) {
      c.wasResizable = impl->resizable();
      impl->set_resizable(false);
    }
  }
  // May run on any thread and must not touch V8: only native bookkeeping. A storage without an allocator
  // (moved to shared memory since) cannot be resizable: c10 asserts, and this runs inside the GC.
  ~SharedArrayHolder() {
    c10::StorageImpl* impl = t.storage().unsafeGetStorageImpl();
    std::lock_guard<std::mutex> lock(g_sharedMutex);
    auto it = g_shared.find(impl);
    if (it != g_shared.end() && --it->second.arrays == 0) {
      if (it->second.wasResizable && impl->allocator() != nullptr) impl->set_resizable(true);
      g_shared.erase(it);
    }
  }
};

}  // namespace

bool SharedWithArrays(const c10::StorageImpl* impl) {
  std::lock_guard<std::mutex> lock(g_sharedMutex);
  return g_shared.count(const_cast<c10::StorageImpl*>(impl)) > 0;
}

namespace {

// The tensor a shared array can view as is, or a TypeError naming why it cannot.
void CheckShareable(const at::Tensor& t, c10::ScalarType holds) {
  if (t.requires_grad()) ThrowError("cannot share the memory of a Tensor that requires grad; use x.detach().toTypedArray({ share: true })");
  if (t.device().type() != c10::kCPU) ThrowType("only CPU tensors can share their memory; use toTypedArray() for a copy");
  if (t.scalar_type() == c10::kBool) ThrowType("bool tensors cannot share their memory (a Uint8Array could store invalid booleans); use toTypedArray() for a copy");
  c10::ScalarType real = t.is_complex() ? c10::toRealValueType(t.scalar_type()) : t.scalar_type();
  if (real != holds) ThrowType(std::string("dtype ") + c10::toString(t.scalar_type()) + " has no TypedArray of the same element type; use toTypedArray() for a copy");
  if (!t.is_contiguous()) ThrowType("only contiguous tensors can share their memory; use x.contiguous() or toTypedArray() for a copy");
  if (t.is_conj() || t.is_neg()) ThrowType("a conjugated or negated view cannot share its memory; use resolveConj()/resolveNeg() or toTypedArray() for a copy");
}

// toTypedArray(t, share): the values, row-major, in the TypedArray matching the dtype (complex:
// interleaved real and imaginary parts): a copy, or with share the tensor's own memory (CPU,
// contiguous, same element type), which the array keeps alive and keeps from being resized.
Napi::Value ToTypedArray(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const at::Tensor& t = TensorOf(env, info[0], "self");
  bool share = !IsNullish(env, info[1]) && ToBool(env, info[1], "share");
  c10::ScalarType holds;
  ArrayMaker makeArray = ArrayTypeFor(t.scalar_type(), &holds);
  if (share) {
    CheckShareable(t, holds);
    if (BoxOf(env, info[0])->borrowed) ThrowType("the tensor views an ArrayBuffer (torch.frombuffer): use that buffer, or toTypedArray() for a copy");
  }
  OutsideTransformsGuard plain;  // inside torch.func.functionalize: read the wrapper's current values
  at::Tensor src = MemoryTensor(t).detach();
  // Autograd's ZeroTensor (e.g. the grad of sgn on real input) has no memory behind data_ptr().
  if (src._is_zerotensor()) src = at::zeros(src.sizes(), src.options());
  if (src.is_complex()) {
    if (src.scalar_type() == c10::kComplexHalf) src = src.to(c10::kComplexFloat);
    src = at::view_as_real(src.resolve_conj());
  }
  if (src.device().type() != c10::kCPU || src.scalar_type() != holds) src = src.to(c10::kCPU, holds);
  src = src.resolve_neg().contiguous();
  const size_t count = static_cast<size_t>(src.numel());
  const size_t bytes = count * c10::elementSize(holds);
  Napi::ArrayBuffer buffer;
  if (share && bytes > 0) {
    auto* holder = new SharedArrayHolder(src);
    // A basic finalizer: it runs inside GC and only does native bookkeeping.
    auto release = [](Napi::BasicEnv, void*, SharedArrayHolder* h) { delete h; };
    try {
      buffer = Napi::ArrayBuffer::New(env, src.data_ptr(), bytes, release, holder);
    } catch (const Napi::Error&) {
      delete holder;
      ThrowError("this runtime does not allow external ArrayBuffers; use toTypedArray() for a copy");
    }
  } else {
    buffer = Napi::ArrayBuffer::New(env, bytes);
    if (bytes) std::memcpy(buffer.Data(), src.data_ptr(), bytes);
  }
  return makeArray(env, count, buffer);
}

// names(t): dimension names of a named tensor (null for unnamed dims), or null when it has none.
Napi::Value Names(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const at::Tensor& t = TensorOf(env, info[0], "self");
#if TN_HAS_NAMED_TENSORS
  if (!t.has_names()) return env.Null();
  auto names = t.names();
  Napi::Array arr = Napi::Array::New(env, names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    const at::Dimname& d = names[i];
    arr.Set(static_cast<uint32_t>(i), d.isWildcard() ? env.Null() : Napi::String::New(env, d.symbol().toUnqualString()));
  }
  return arr;
#else
  (void)t;
  return env.Null();
#endif
}

// item(t): the single value as a number, boolean or (int64 beyond 2^53) BigInt.
Napi::Value Item(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const at::Tensor& t = TensorOf(env, info[0], "self");
  if (t.numel() != 1)
    ThrowError("a Tensor with " + std::to_string(t.numel()) + " elements cannot be converted to Scalar");
  c10::Scalar s = t.item();
  if (s.isBoolean()) return Napi::Boolean::New(env, s.toBool());
  if (s.isIntegral(false) && t.scalar_type() == c10::kUInt64) {
    const uint64_t u = s.toUInt64();  // values from 2^63 up do not fit toLong()
    return u > (1ULL << 53) ? Napi::Value(Napi::BigInt::New(env, u)) : Napi::Number::New(env, static_cast<double>(u));
  }
  if (s.isIntegral(false)) return Napi::Value(env, FromInt64(env, s.toLong()));
  if (s.isComplex()) ThrowType("complex values have no JS number; use tolist() ([real, imaginary]) or toTypedArray()");
  return Napi::Number::New(env, s.toDouble());
}

// typedArrays(): [{ name, dtype }] of kTypedArrays, for lib/creation.ts.
Napi::Value TypedArrays(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array out = Napi::Array::New(env, std::size(kTypedArrays));
  uint32_t i = 0;
  for (const TypedArrayKind& k : kTypedArrays) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", k.name);
    o.Set("dtype", static_cast<double>(k.scalar));
    out.Set(i++, o);
  }
  return out;
}

// Metadata properties, one call each (cheap; the JS layer caches nothing, so they stay correct after
// in-place ops).
napi_value ReadShape(napi_env env, const at::Tensor& t) { return FromIntList(env, t.sizes().data(), t.sizes().size()); }
napi_value ReadStride(napi_env env, const at::Tensor& t) { return FromIntList(env, t.strides().data(), t.strides().size()); }
napi_value ReadDTypeCode(napi_env env, const at::Tensor& t) { return FromInt64(env, static_cast<int64_t>(t.scalar_type())); }
napi_value ReadDevice(napi_env env, const at::Tensor& t) { return FromString(env, t.device().str()); }
napi_value ReadNumel(napi_env env, const at::Tensor& t) { return FromInt64(env, t.numel()); }
// Read from the TensorImpl: 2.11 has no aten::storage_offset operator (seen on the GPU machine).
napi_value ReadStorageOffset(napi_env env, const at::Tensor& t) { return FromInt64(env, t.storage_offset()); }
// Likewise aten::get_device (the device index, -1 on the CPU).
napi_value ReadDeviceIndex(napi_env env, const at::Tensor& t) { return FromInt64(env, t.get_device()); }
napi_value ReadDim(napi_env env, const at::Tensor& t) { return FromInt64(env, t.dim()); }
napi_value ReadLayout(napi_env env, const at::Tensor& t) { return FromString(env, LayoutName(t.layout())); }
// Nested tensors have no sizes(): the JS layer asks this instead of reading the shape and failing.
napi_value ReadIsNested(napi_env env, const at::Tensor& t) { return FromBool(env, t.is_nested()); }
constexpr TensorProperty kProperties[] = {
    {"shape", ReadShape}, {"stride", ReadStride}, {"dtype", ReadDTypeCode}, {"device", ReadDevice},
    {"layout", ReadLayout}, {"numel", ReadNumel}, {"dim", ReadDim}, {"isNested", ReadIsNested},
    {"storageOffset", ReadStorageOffset}, {"getDevice", ReadDeviceIndex},
};

// isContiguous(t, memoryFormat | null): not a dispatcher op, so bound here.
Napi::Value IsContiguous(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const at::Tensor& t = TensorOf(env, info[0], "self");
  if (IsNullish(env, info[1])) return Napi::Boolean::New(env, t.is_contiguous());
  c10::IValue fmt = ToIValue(info[1], c10::MemoryFormatType::get(), {}, "memoryFormat");
  return Napi::Boolean::New(env, t.is_contiguous(static_cast<c10::MemoryFormat>(fmt.toInt())));
}

}  // namespace

void RegisterTensorData(napi_env env, napi_value exports) {
  static constexpr MethodEntry kMethods[] = {
      {"fromTypedArray", FromTypedArray, "tensor"},
      {"toTypedArray", ToTypedArray},
      {"fromBuffer", FromBuffer, "frombuffer"},
      {"names", Names},
      {"item", Item},
      {"isContiguous", IsContiguous},
      {"typedArrays", TypedArrays},
  };
  ExportAll(env, exports, kMethods);
  ExportTensorProperties(env, exports, kProperties);
}

}  // namespace tn
