#include "convert.h"

#include <ATen/Context.h>
#include <ATen/ScalarOps.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace tn {
namespace {

bool IsDTypeLike(const Napi::Value& v) {
  napi_valuetype t = v.Type();
  if (t == napi_string) {
    c10::ScalarType st;
    return ParseScalarType(v.As<Napi::String>().Utf8Value(), &st);
  }
  return t == napi_object && v.As<Napi::Object>().Has("itemsize");
}

bool IsDeviceLike(const Napi::Value& v) {
  napi_valuetype t = v.Type();
  if (t == napi_string) {
    std::string s = v.As<Napi::String>().Utf8Value();
    // Whatever libtorch's own device-string parser takes (the one list of device types).
    try {
      c10::Device{s};
      return true;
    } catch (const std::exception&) {
      return false;
    }
  }
  return t == napi_object && v.As<Napi::Object>().Has("type") && !v.IsArray();
}

// A layout or memory format: its constant (whose String() is Python's 'torch.channels_last'), its
// name, or its c10 code; anything else is a TypeError naming it.
int64_t EnumCode(const Napi::Value& v, const char* what, const char* kind, bool (*parse)(const std::string&, int64_t*),
                 bool (*valid)(int64_t)) {
  napi_valuetype t = v.Type();
  if (t == napi_number) {
    int64_t code = ToInt64(v.Env(), v, what);
    if (!valid(code)) ThrowRange(std::string(what) + ": invalid " + kind + " code " + std::to_string(code));
    return code;
  }
  if (t == napi_string || (t == napi_object && !v.IsArray())) {
    std::string name = v.ToString().Utf8Value();
    int64_t code;
    if (parse(name, &code)) return code;
    ThrowType(std::string(what) + ": unknown " + kind + " '" + name + "'");
  }
  ThrowType(std::string(what) + ": expected a torch " + kind + " (e.g. " +
            (std::strcmp(kind, "layout") == 0 ? "torch.strided" : "torch.channelsLast") + "), got " +
            (t == napi_undefined ? "undefined" : t == napi_null ? "null" : "a value of another type"));
}

c10::TypeKind ElementKind(const c10::TypePtr& list) {
  return list->castRaw<c10::ListType>()->getElementType()->kind();
}

// A number known to be one (its type was read): a whole one is an int.
bool IsWholeNumber(const Napi::Value& v) { return IsWhole(v.As<Napi::Number>().DoubleValue()); }

}  // namespace

bool IsWhole(double d) { return std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 18446744073709551616.0; }

at::Tensor WrappedScalar(const c10::Scalar& s) {
  at::Tensor t = c10::scalar_to_tensor(s);
  t.unsafeGetTensorImpl()->set_wrapped_number(true);
  return t;
}

c10::ScalarType ToScalarType(const Napi::Value& v) {
  switch (v.Type()) {
    case napi_string: {
      std::string s = v.As<Napi::String>().Utf8Value();
      c10::ScalarType st;
      if (!ParseScalarType(s, &st)) ThrowType("unknown dtype '" + s + "'");
      return st;
    }
    case napi_number: {
      int64_t code = ToInt64(v.Env(), v, "dtype");
      if (IsScalarTypeCode(code)) return static_cast<c10::ScalarType>(code);
      ThrowRange("invalid dtype code " + std::to_string(code));
    }
    case napi_object: {
      Napi::Value code = v.As<Napi::Object>().Get("code");
      if (code.IsNumber()) return ToScalarType(code);
      break;
    }
    default: break;
  }
  ThrowType("dtype must be a torch dtype (e.g. torch.float32) or its name");
}

c10::Device ToDevice(const Napi::Value& v) {
  napi_valuetype t = v.Type();
  if (t == napi_string) {
    std::string s = v.As<Napi::String>().Utf8Value();
    c10::Device d(c10::kCPU);
    try {
      d = c10::Device(s);
    } catch (const std::exception&) {
      ThrowType("invalid device string '" + s + "'");
    }
    // Said here, before libtorch's "Could not run 'aten::empty.memory_format' with arguments from the 'CUDA' backend".
    if (d.is_cuda() && !at::hasCUDA())
      ThrowError(TN_WITH_CUDA
                     ? "device '" + s + "': " + kNoCudaDevice + "; torch.cuda.isAvailable() says whether CUDA is usable"
                     : "device '" + s + "': this libtorch has no CUDA support. To use a GPU, point LIBTORCH at a CUDA build of "
                       "libtorch (or install a CUDA build of Python's torch) and run `npm rebuild torchnode`; "
                       "torch.cuda.isAvailable() says whether CUDA is usable");
    return d;
  }
  if (t == napi_object) {
    Napi::Object device = v.As<Napi::Object>();
    std::string type = ToString(v.Env(), device.Get("type"), "device.type");
    Napi::Value idx = device.Get("index");
    c10::Device d = ToDevice(Napi::String::New(v.Env(), type));
    if (!IsNullish(idx)) d.set_index(static_cast<c10::DeviceIndex>(ToInt64(v.Env(), idx, "device.index")));
    return d;
  }
  ThrowType("device must be a string like 'cpu' or 'cuda:0', or a torch.device");
}

c10::Scalar ToScalar(const Napi::Value& v, const char* what) {
  switch (v.Type()) {
    case napi_number: {
      double d = v.As<Napi::Number>().DoubleValue();
      if (!IsWhole(d)) return c10::Scalar(d);
      // Python's arg parser: an int beyond int64 is tried as uint64; beyond that it overflows.
      constexpr double kTwo63 = 9223372036854775808.0, kTwo64 = 18446744073709551616.0;
      if (d >= -kTwo63 && d < kTwo63) return c10::Scalar(static_cast<int64_t>(d));
      if (d >= kTwo63 && d < kTwo64) return c10::Scalar(static_cast<uint64_t>(d));
      char digits[400];
      std::snprintf(digits, sizeof digits, "%.0f", d);
      ThrowRange(std::string(what) + ": " + digits + " is a whole number, so it counts as a Python int, and it is " +
                 (d < 0 ? "below int64" : "beyond uint64") + " (Python raises OverflowError); pass a float " +
                 "as a 0-dim tensor: torch.tensor(" + PyRepr(d) + ", { dtype: torch.float64 })");
    }
    case napi_boolean: return c10::Scalar(v.As<Napi::Boolean>().Value());
    case napi_bigint: {
      // as a number: int64, else (2^63 up to 2^64 - 1) uint64, as Python's arg parser reads an int
      int64_t i;
      bool lossless;
      if (napi_get_value_bigint_int64(v.Env(), v, &i, &lossless) == napi_ok && lossless) return c10::Scalar(i);
      uint64_t u;
      if (napi_get_value_bigint_uint64(v.Env(), v, &u, &lossless) == napi_ok && lossless) return c10::Scalar(u);
      const std::string digits = v.ToString().Utf8Value();
      ThrowRange(std::string(what) + ": " + digits + " is " + (digits[0] == '-' ? "below int64" : "beyond uint64") + " (Python raises OverflowError)");
    }
    default: break;
  }
  Box* b = BoxOf(v.Env(), v);
  if (b && b->t.defined() && b->t.numel() == 1) return LiveTensor(v.Env(), b, what).item();
  ThrowType(std::string(what) + " must be a number");
}

namespace {
// Python's arg parser takes a tensor for an int argument through __index__ (one element, an integer
// dtype), and for a float or Scalar argument when it is 0-dim; never one that requires grad.
// The handle's Box when it holds such a tensor, else nullptr (LiveTensor then checks it is still usable).
Box* NumberTensor(napi_env env, napi_value v, bool index) {
  Box* b = BoxOf(env, v);
  if (!b || !b->t.defined() || b->t.requires_grad()) return nullptr;
  const at::Tensor& t = b->t;
  if (index) return t.numel() == 1 && at::isIntegralType(t.scalar_type(), /*includeBool=*/false) ? b : nullptr;
  return t.dim() == 0 && !t.is_complex() ? b : nullptr;
}

int64_t ToIndex(napi_env env, napi_value v, const char* what) {
  if (Box* b = NumberTensor(env, v, true)) return LiveTensor(env, b, what).item<int64_t>();
  return ToInt64(env, v, what);
}
}  // namespace

int MatchScore(const Napi::Value& v, const c10::TypePtr& type) {
  napi_valuetype jt = v.Type();
  switch (type->kind()) {
    case c10::TypeKind::TensorType:
      if (jt == napi_external) return BoxOf(v.Env(), v) ? 0 : -1;
      return (jt == napi_number || jt == napi_boolean || jt == napi_bigint) ? 3 : -1;
    case c10::TypeKind::OptionalType:
      if (jt == napi_undefined || jt == napi_null) return 0;
      return MatchScore(v, type->castRaw<c10::OptionalType>()->getElementType());
    case c10::TypeKind::IntType:
    case c10::TypeKind::SymIntType:
      if (jt == napi_bigint) return 0;
      if (jt == napi_number) return IsWholeNumber(v) ? 0 : -1;
      return jt == napi_external && NumberTensor(v.Env(), v, true) ? 2 : -1;  // below a Tensor overload's 0
    case c10::TypeKind::FloatType:
      if (jt == napi_number) return IsWholeNumber(v) ? 1 : 0;
      return jt == napi_external && NumberTensor(v.Env(), v, false) ? 2 : -1;
    case c10::TypeKind::NumberType:
      if (jt == napi_number || jt == napi_boolean || jt == napi_bigint) return 1;
      return jt == napi_external && NumberTensor(v.Env(), v, false) ? 2 : -1;
    case c10::TypeKind::BoolType: return jt == napi_boolean ? 0 : -1;
    case c10::TypeKind::StringType: return jt == napi_string ? 0 : -1;
    case c10::TypeKind::ScalarTypeType:
      if (jt == napi_number) return IsWholeNumber(v) ? 2 : -1;  // a raw ScalarType code
      return IsDTypeLike(v) ? 0 : -1;
    case c10::TypeKind::DeviceObjType: return IsDeviceLike(v) ? 0 : -1;
    case c10::TypeKind::LayoutType:
    case c10::TypeKind::MemoryFormatType:
      // A constant (torch.strided, torch.channelsLast), its name or its code; ToIValue names a bad one.
      return (jt == napi_number || jt == napi_string || (jt == napi_object && !v.IsArray())) ? 0 : -1;
    case c10::TypeKind::GeneratorType: return jt == napi_external && GeneratorOf(v.Env(), v) ? 0 : -1;
    case c10::TypeKind::ListType: {
      c10::TypeKind ek = ElementKind(type);
      if (!v.IsArray()) {
        // A single int stands for a fixed-size int list (kernel_size=3 means [3, 3]), and a single
        // name for a list of names (sum('N')), as in Python.
        bool intList = ek == c10::TypeKind::IntType || ek == c10::TypeKind::SymIntType;
        if (intList && ((jt == napi_number && IsWholeNumber(v)) || (jt == napi_external && NumberTensor(v.Env(), v, true)))) return 1;
        return ek == c10::TypeKind::StringType && jt == napi_string ? 1 : -1;
      }
      Napi::Array list = v.As<Napi::Array>();
      const c10::TypePtr& et = type->castRaw<c10::ListType>()->getElementType();
      // Python takes numbers for a Tensor argument, but not inside a list of tensors.
      bool tensors = et->kind() == c10::TypeKind::TensorType;
      int worst = 0;
      for (uint32_t i = 0, n = list.Length(); i < n; ++i) {
        Napi::Value e = list.Get(i);
        if (tensors && e.Type() != napi_external) return -1;
        // null in a list of names is an unnamed dim (Python's None), as in refine_names('N', None).
        if (et->kind() == c10::TypeKind::StringType && e.IsNull()) continue;
        int s = MatchScore(e, et);
        if (s < 0) return -1;
        worst = std::max(worst, s);
      }
      return worst;
    }
    default: return -1;
  }
}

c10::IValue ToIValue(const Napi::Value& v, const c10::TypePtr& type, c10::optional<int32_t> n, const char* what) {
  Napi::Env env = v.Env();
  switch (type->kind()) {
    case c10::TypeKind::TensorType: {
      napi_valuetype jt = v.Type();
      if (jt == napi_number || jt == napi_boolean || jt == napi_bigint) return WrappedScalar(ToScalar(v, what));
      return TensorOf(env, v, what);
    }
    case c10::TypeKind::OptionalType:
      if (IsNullish(v)) return c10::IValue();
      return ToIValue(v, type->castRaw<c10::OptionalType>()->getElementType(), n, what);
    case c10::TypeKind::IntType:
    case c10::TypeKind::SymIntType: return ToIndex(env, v, what);
    case c10::TypeKind::FloatType:
      if (Box* b = NumberTensor(env, v, false)) return LiveTensor(env, b, what).item<double>();
      return ToDouble(env, v, what);
    case c10::TypeKind::NumberType: return ToScalar(v, what);
    case c10::TypeKind::BoolType: return ToBool(env, v, what);
    case c10::TypeKind::StringType: return ToString(env, v, what);
    case c10::TypeKind::ScalarTypeType: return ToScalarType(v);
    case c10::TypeKind::DeviceObjType: return ToDevice(v);
    case c10::TypeKind::GeneratorType: {
      GeneratorBox* g = GeneratorOf(env, v);
      if (!g) ThrowType(std::string(what) + " must be a torch.Generator");
      return g->gen;
    }
    case c10::TypeKind::LayoutType: return EnumCode(v, what, "layout", ParseLayout, IsLayoutCode);
    case c10::TypeKind::MemoryFormatType: return EnumCode(v, what, "memory format", ParseMemoryFormat, IsMemoryFormatCode);
    case c10::TypeKind::ListType: {
      const c10::TypePtr& et = type->castRaw<c10::ListType>()->getElementType();
      c10::TypeKind ek = et->kind();
      if (ek == c10::TypeKind::IntType || ek == c10::TypeKind::SymIntType) {
        std::vector<int64_t> ints = ToIntList(env, v, what, ToIndex);
        if (!v.IsArray() && n && *n > 1) ints.assign(*n, ints[0]);
        return ints;
      }
      if (ek == c10::TypeKind::StringType && v.IsString()) return std::vector<std::string>{ToString(env, v, what)};
      if (!v.IsArray()) ThrowType(std::string(what) + " must be an array");
      Napi::Array list = v.As<Napi::Array>();
      uint32_t len = list.Length();
      switch (ek) {
        case c10::TypeKind::TensorType: {
          c10::List<at::Tensor> out;
          out.reserve(len);
          for (uint32_t i = 0; i < len; ++i) out.push_back(TensorOf(env, list.Get(i), what));
          return out;
        }
        case c10::TypeKind::OptionalType: {
          c10::List<c10::optional<at::Tensor>> out;
          for (uint32_t i = 0; i < len; ++i) {
            Napi::Value e = list.Get(i);
            if (IsNullish(e)) out.push_back(c10::nullopt);
            else out.push_back(TensorOf(env, e, what));
          }
          return out;
        }
        case c10::TypeKind::NumberType: {  // Scalar[] (torch.gradient's spacing=[2.0, 1.5])
          std::vector<c10::Scalar> out;
          out.reserve(len);
          for (uint32_t i = 0; i < len; ++i) out.push_back(ToScalar(list.Get(i), what));
          return out;
        }
        case c10::TypeKind::FloatType: {
          std::vector<double> out(len);
          for (uint32_t i = 0; i < len; ++i) out[i] = ToDouble(env, list.Get(i), what);
          return out;
        }
        case c10::TypeKind::BoolType: {
          c10::List<bool> out;
          for (uint32_t i = 0; i < len; ++i) out.push_back(ToBool(env, list.Get(i), what));
          return out;
        }
        case c10::TypeKind::StringType: {
          std::vector<std::string> out(len);
          for (uint32_t i = 0; i < len; ++i) {
            Napi::Value e = list.Get(i);
            out[i] = e.IsNull() ? "*" : ToString(env, e, what);  // "*": the unnamed (wildcard) dim
          }
          return out;
        }
        default: break;
      }
      ThrowType(std::string(what) + ": list of " + et->str() + " is not supported yet");
    }
    default: break;
  }
  ThrowType(std::string(what) + ": argument type " + type->str() + " is not supported yet");
}

Napi::Value AliasMap::Find(const at::Tensor& t) const {
  for (const auto& p : inputs)
    if (p.first == t.unsafeGetTensorImpl()) return p.second;
  return Napi::Value();
}

Napi::Value FromIValue(Napi::Env env, const c10::IValue& v, const AliasMap* aliases, IValueLeaf leaf) {
  if (leaf)
    if (Napi::Value own = leaf(env, v); !own.IsEmpty()) return own;
  if (v.isTensor()) {
    const at::Tensor& t = v.toTensor();
    if (aliases && t.defined())
      if (Napi::Value same = aliases->Find(t); !same.IsEmpty()) return same;
    return Napi::Value(env, WrapTensor(env, t));
  }
  if (v.isNone()) return env.Null();
  if (v.isInt()) return Napi::Value(env, FromInt64(env, v.toInt()));
  if (v.isDouble()) return Napi::Number::New(env, v.toDouble());
  if (v.isBool()) return Napi::Boolean::New(env, v.toBool());
  if (v.isString()) return Napi::String::New(env, v.toStringRef());
  if (v.isScalar()) {
    c10::Scalar s = v.toScalar();
    if (s.isIntegral(false)) return Napi::Value(env, FromInt64(env, s.toLong()));
    if (s.isBoolean()) return Napi::Boolean::New(env, s.toBool());
    return Napi::Number::New(env, s.toDouble());
  }
  if (v.isTuple() || v.isList()) {
    std::vector<c10::IValue> items;
    if (v.isTuple()) {
      const auto& e = v.toTupleRef().elements();
      items.assign(e.begin(), e.end());
    } else {
      items = v.toListRef().vec();
    }
    Napi::Array arr = Napi::Array::New(env, items.size());
    for (size_t i = 0; i < items.size(); ++i) arr.Set(static_cast<uint32_t>(i), FromIValue(env, items[i], aliases, leaf));
    return arr;
  }
  if (v.isGenericDict()) {
    // A dict is a plain object with its keys in order; int keys become strings, as torch.load gives them.
    Napi::Object obj = Napi::Object::New(env);
    for (const auto& item : v.toGenericDict()) {
      const c10::IValue& k = item.key();
      std::string key = k.isString() ? k.toStringRef() : k.isInt() ? std::to_string(k.toInt()) : "";
      if (!k.isString() && !k.isInt()) ThrowType("dict with keys of type " + k.tagKind() + " is not supported yet");
      // Defined, not assigned: a key '__proto__' is a key like any other.
      obj.DefineProperty(Napi::PropertyDescriptor::Value(key, FromIValue(env, item.value(), aliases, leaf), napi_default_jsproperty));
    }
    return obj;
  }
  if (v.isDevice()) return Napi::String::New(env, v.toDevice().str());
  ThrowType("result of type " + v.tagKind() + " is not supported yet");
}

}  // namespace tn
