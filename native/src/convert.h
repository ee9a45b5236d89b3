// JS <-> c10 value conversion shared by the generic op entry point and the hand-written bindings.
#pragma once
#include <ATen/core/ivalue.h>
#include <ATen/core/jit_type.h>
#include <c10/util/SmallVector.h>

#include "dtypes.h"
#include "handle.h"

namespace tn {

// A whole JS number is a Python int (API.md). From 2^64 on a JS number cannot hold an integer
// exactly, so it can only be meant as a float (-1e30 as a mask value, float32's max): a float there.
bool IsWhole(double d);

// dtype: a DType object (its `code`), a name ('float32', 'long', ...) or a ScalarType code.
c10::ScalarType ToScalarType(const Napi::Value& v);
// device: 'cpu', 'cuda', 'cuda:1' or a Device object ({type, index}).
c10::Device ToDevice(const Napi::Value& v);
// Why CUDA is unusable on a CUDA build of libtorch (torch.cuda.isAvailable() false): for every error that says so.
inline constexpr const char* kNoCudaDevice = "no CUDA device was found (no NVIDIA driver, or none visible through CUDA_VISIBLE_DEVICES)";
// A JS number/boolean/BigInt as a c10::Scalar: whole numbers are ints, as Python ints are.
c10::Scalar ToScalar(const Napi::Value& v, const char* what);

// A number given for a Tensor argument, as Python makes it: a 0-dim "wrapped number" tensor, which
// takes part in type promotion like a Python scalar.
at::Tensor WrappedScalar(const c10::Scalar& s);

// How well a JS value fits a schema type: -1 no, 0 exact, higher = needs a coercion.
int MatchScore(const Napi::Value& v, const c10::TypePtr& type);
// Converts a JS value to the IValue a schema argument of this type expects (N: fixed list size).
c10::IValue ToIValue(const Napi::Value& v, const c10::TypePtr& type, c10::optional<int32_t> n, const char* what);

// Maps result tensors that alias an input back to that input's handle (in-place / out= ops).
struct AliasMap {
  c10::SmallVector<std::pair<const c10::TensorImpl*, Napi::Value>, 4> inputs;
  Napi::Value Find(const at::Tensor& t) const;  // empty when t is no input
};
// A caller's own conversion of some values (TorchScript's modules and devices), tried on every value of a
// result before the usual one; an empty Value leaves it to the usual one.
using IValueLeaf = Napi::Value (*)(Napi::Env env, const c10::IValue& v);
// A result as JS: tensors as handles (aliases: inputs returned as themselves), tuples and lists as
// arrays, dicts as objects with their keys in order, devices as strings.
Napi::Value FromIValue(Napi::Env env, const c10::IValue& v, const AliasMap* aliases, IValueLeaf leaf = nullptr);

}  // namespace tn
