// Argument readers of the pixel kernels (pil_geometry.cc, pil_enhance.cc): a TypedArray of one element
// type, an integer within bounds; a wrong one throws a JS TypeError or RangeError naming the argument.
#pragma once
#include <cstdint>
#include <string>

#include "napi_util.h"

namespace tn {

// `kind` names the expected array with its article ("a Uint8Array").
template <class Array>
inline Array TypedArg(const Napi::Value& v, napi_typedarray_type type, const char* what, const char* kind) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type) ThrowType(std::string(what) + " must be " + kind);
  return v.As<Array>();
}
inline Napi::Uint8Array Bytes(const Napi::Value& v, const char* what) { return TypedArg<Napi::Uint8Array>(v, napi_uint8_array, what, "a Uint8Array"); }
inline Napi::Int32Array Ints(const Napi::Value& v, const char* what) { return TypedArg<Napi::Int32Array>(v, napi_int32_array, what, "an Int32Array"); }
inline Napi::Float32Array Floats(const Napi::Value& v, const char* what) { return TypedArg<Napi::Float32Array>(v, napi_float32_array, what, "a Float32Array"); }
inline Napi::Float64Array Doubles(const Napi::Value& v, const char* what) { return TypedArg<Napi::Float64Array>(v, napi_float64_array, what, "a Float64Array"); }

// An integer argument in [lo, hi].
inline int64_t IntArg(const Napi::Value& v, const char* what, int64_t lo, int64_t hi) {
  const int64_t i = ToInt64(v.Env(), v, what);
  if (i < lo || i > hi) ThrowRange(std::string(what) + " must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " + std::to_string(i));
  return i;
}

// A byte array of exactly n bytes.
inline void SameLength(const Napi::Uint8Array& a, const char* what, size_t n) {
  if (a.ElementLength() != n) ThrowRange(std::string(what) + " must hold " + std::to_string(n) + " bytes, got " + std::to_string(a.ElementLength()));
}

// An output that overlaps an input would give wrong pixels (never out-of-bounds ones): refused, except
// `out` being that input itself where `inPlace` (loops that read each byte before writing it).
inline void NoOverlap(const void* out, size_t outBytes, const void* in, size_t inBytes, const char* what, bool inPlace) {
  const uintptr_t o = reinterpret_cast<uintptr_t>(out), i = reinterpret_cast<uintptr_t>(in);  // addresses: the arrays may be unrelated
  if (inPlace && o == i && outBytes == inBytes) return;
  if (outBytes && inBytes && o < i + inBytes && i < o + outBytes) ThrowRange(std::string("out must not overlap ") + what);
}
inline void NoOverlap(const Napi::Uint8Array& out, const Napi::Uint8Array& in, const char* what, bool inPlace) {
  NoOverlap(out.Data(), out.ElementLength(), in.Data(), in.ElementLength(), what, inPlace);
}

}  // namespace tn
