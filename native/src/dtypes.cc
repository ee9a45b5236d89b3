#include "dtypes.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include <c10/core/QScheme.h>

#include "napi_util.h"
#include "ops.h"

namespace tn {
namespace {

constexpr int kCount = static_cast<int>(c10::ScalarType::NumOptions);

// Python's names for the scalar types whose name is not simply c10's in lower case
// (torch/csrc/utils/tensor_dtypes.cpp), then the aliases torch also exports.
struct Named {
  c10::ScalarType type;
  const char* name;
};
constexpr Named kPrimary[] = {
    {c10::kByte, "uint8"},          {c10::kChar, "int8"},           {c10::kShort, "int16"},
    {c10::kInt, "int32"},           {c10::kLong, "int64"},          {c10::kHalf, "float16"},
    {c10::kFloat, "float32"},       {c10::kDouble, "float64"},      {c10::kComplexHalf, "complex32"},
    {c10::kComplexFloat, "complex64"}, {c10::kComplexDouble, "complex128"},
};
constexpr Named kAliases[] = {
    {c10::kFloat, "float"}, {c10::kDouble, "double"}, {c10::kHalf, "half"},          {c10::kShort, "short"},
    {c10::kInt, "int"},     {c10::kLong, "long"},     {c10::kComplexFloat, "cfloat"}, {c10::kComplexDouble, "cdouble"},
    {c10::kComplexHalf, "chalf"}, {c10::ScalarType::UInt1, "bit"},
};

struct Table {
  std::array<std::string, kCount> names;  // primary name per code ("" where none)
  Table() {
    for (int i = 0; i < kCount; ++i) {
      std::string n = c10::toString(static_cast<c10::ScalarType>(i));
      if (n == "UNKNOWN_SCALAR" || n == "Undefined") continue;
      for (char& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      names[i] = n;
    }
    for (const Named& p : kPrimary) names[static_cast<int>(p.type)] = p.name;
  }
};
const Table& TheTable() {
  static const Table table;  // immutable once built: safe to share between threads
  return table;
}

// Python's torch.layout and torch.memory_format names (torch/csrc/utils/tensor_layouts.cpp,
// tensor_memoryformats.cpp), in c10's enum order.
constexpr std::pair<c10::Layout, const char*> kLayouts[] = {
    {c10::kStrided, "strided"},       {c10::kSparse, "sparse_coo"},     {c10::kSparseCsr, "sparse_csr"},
    {c10::kMkldnn, "_mkldnn"},        {c10::kSparseCsc, "sparse_csc"},  {c10::kSparseBsr, "sparse_bsr"},
    {c10::kSparseBsc, "sparse_bsc"},  {c10::kJagged, "jagged"},
};
constexpr std::pair<c10::MemoryFormat, const char*> kMemoryFormats[] = {
    {c10::MemoryFormat::Contiguous, "contiguous_format"},
    {c10::MemoryFormat::Preserve, "preserve_format"},
    {c10::MemoryFormat::ChannelsLast, "channels_last"},
    {c10::MemoryFormat::ChannelsLast3d, "channels_last_3d"},
};
// Python's torch.qscheme names (torch/csrc/utils/tensor_qschemes.cpp), in c10::QScheme order.
constexpr std::pair<c10::QScheme, const char*> kQSchemes[] = {
    {c10::kPerTensorAffine, "per_tensor_affine"},
    {c10::kPerChannelAffine, "per_channel_affine"},
    {c10::kPerTensorSymmetric, "per_tensor_symmetric"},
    {c10::kPerChannelSymmetric, "per_channel_symmetric"},
    {c10::kPerChannelAffineFloatQParams, "per_channel_affine_float_qparams"},
};

template <class E, size_t N>
bool ParseEnum(const std::pair<E, const char*> (&table)[N], const std::string& name, int64_t* code) {
  std::string n = name.rfind("torch.", 0) == 0 ? name.substr(6) : name;
  for (const auto& e : table)
    if (n == e.second) {
      *code = static_cast<int64_t>(e.first);
      return true;
    }
  return false;
}

template <class E, size_t N>
Napi::Array EnumList(Napi::Env env, const std::pair<E, const char*> (&table)[N]) {
  Napi::Array arr = Napi::Array::New(env, N);
  uint32_t n = 0;
  for (const auto& e : table) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("code", static_cast<double>(e.first));
    o.Set("name", e.second);
    arr.Set(n++, o);
  }
  return arr;
}

// torch.finfo's fields, as torch/csrc/TypeInfo.cpp computes them from std::numeric_limits of the
// (real) value type: bits, eps, max, min = lowest(), tiny = smallest_normal = min(), resolution = 10^-digits10.
template <c10::ScalarType ST>
Napi::Value FloatInfoOf(Napi::Env env) {
  using T = c10::impl::ScalarTypeToCPPTypeT<ST>;
  using L = std::numeric_limits<T>;
  Napi::Object o = Napi::Object::New(env);
  o.Set("bits", static_cast<double>(sizeof(T) * 8));
  o.Set("eps", static_cast<double>(L::epsilon()));
  o.Set("max", static_cast<double>(L::max()));
  o.Set("min", static_cast<double>(L::lowest()));
  o.Set("tiny", static_cast<double>(L::min()));
  o.Set("resolution", std::pow(10.0, -L::digits10));
  o.Set("dtype", DTypeName(ST));
  return o;
}

// torch.iinfo's fields; min and max as BigInts (int64/uint64 limits are beyond 2^53).
template <c10::ScalarType ST>
Napi::Value IntInfoOf(Napi::Env env) {
  using T = c10::impl::ScalarTypeToCPPTypeT<ST>;
  Napi::Object o = Napi::Object::New(env);
  o.Set("bits", static_cast<double>(sizeof(T) * 8));
  o.Set("min", Napi::BigInt::New(env, static_cast<int64_t>(std::numeric_limits<T>::lowest())));
  o.Set("max", Napi::BigInt::New(env, static_cast<uint64_t>(std::numeric_limits<T>::max())));
  o.Set("dtype", DTypeName(ST));
  return o;
}

// finfo of a floating or complex dtype (complex: its real type's, as Python), iinfo of an integer
// dtype; an empty value where Python's finfo/iinfo raise (float4_e2m1fn_x2, bool, quantized, bits, uint1..7).
Napi::Value FloatInfo(Napi::Env env, c10::ScalarType st) {
  switch (c10::isComplexType(st) ? c10::toRealValueType(st) : st) {
#define TN_FLOAT_INFO(name) \
  case c10::ScalarType::name: return FloatInfoOf<c10::ScalarType::name>(env);
    TN_FLOAT_INFO(Half)
    TN_FLOAT_INFO(BFloat16)
    TN_FLOAT_INFO(Float)
    TN_FLOAT_INFO(Double)
    TN_FLOAT_INFO(Float8_e5m2)
    TN_FLOAT_INFO(Float8_e4m3fn)
    TN_FLOAT_INFO(Float8_e5m2fnuz)
    TN_FLOAT_INFO(Float8_e4m3fnuz)
    TN_FLOAT_INFO(Float8_e8m0fnu)
#undef TN_FLOAT_INFO
    default: return Napi::Value();
  }
}
Napi::Value IntInfo(Napi::Env env, c10::ScalarType st) {
  switch (st) {
#define TN_INT_INFO(name) \
  case c10::ScalarType::name: return IntInfoOf<c10::ScalarType::name>(env);
    TN_INT_INFO(Byte)
    TN_INT_INFO(Char)
    TN_INT_INFO(Short)
    TN_INT_INFO(Int)
    TN_INT_INFO(Long)
    TN_INT_INFO(UInt16)
    TN_INT_INFO(UInt32)
    TN_INT_INFO(UInt64)
#undef TN_INT_INFO
    default: return Napi::Value();
  }
}

const char* Kind(c10::ScalarType st) {
  if (st == c10::kBool) return "bool";
  if (c10::isQIntType(st)) return "quantized";
  if (c10::isBitsType(st)) return "bits";
  if (c10::isComplexType(st)) return "complex";
  if (c10::isFloatingType(st)) return "float";
  return c10::isSignedType(st) ? "int" : "uint";
}

// dtypes(): [{ code, name, c10Name, aliases, itemsize, kind, signed, finfo?, iinfo? }] for every dtype of this libtorch.
Napi::Value DTypes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Table& t = TheTable();
  Napi::Array arr = Napi::Array::New(env);
  uint32_t n = 0;
  for (int i = 0; i < kCount; ++i) {
    if (t.names[i].empty()) continue;
    auto st = static_cast<c10::ScalarType>(i);
    Napi::Array aliases = Napi::Array::New(env);
    uint32_t k = 0;
    for (const Named& a : kAliases)
      if (a.type == st) aliases.Set(k++, a.name);
    const char* kind = Kind(st);
    bool isSigned = std::strcmp(kind, "quantized") != 0 && std::strcmp(kind, "bits") != 0 && c10::isSignedType(st);
    Napi::Object o = Napi::Object::New(env);
    o.Set("code", i);
    o.Set("name", t.names[i]);
    o.Set("aliases", aliases);
    o.Set("c10Name", c10::toString(st));  // 'Float', 'Long': how libtorch's messages and legacy type names spell it
    o.Set("itemsize", static_cast<double>(c10::elementSize(st)));
    o.Set("kind", kind);
    o.Set("signed", isSigned);
    // dtype.to_real() / to_complex(): c10's own mapping, or its error for types without a complex one
    o.Set("toReal", static_cast<int>(c10::toRealValueType(st)));
    if (c10::isComplexType(st) || c10::isFloatingType(st)) {
      try {
        o.Set("toComplex", static_cast<int>(c10::toComplexType(st)));
      } catch (const c10::Error& e) {
        o.Set("toComplex", e.what_without_backtrace());
      }
    } else {
      o.Set("toComplex", std::string("Unknown Complex ScalarType for ") + c10::toString(st));
    }
    if (Napi::Value fi = FloatInfo(env, st); !fi.IsEmpty()) o.Set("finfo", fi);
    if (Napi::Value ii = IntInfo(env, st); !ii.IsEmpty()) o.Set("iinfo", ii);
    arr.Set(n++, o);
  }
  return arr;
}

}  // namespace

bool IsScalarTypeCode(int64_t code) { return code >= 0 && code < kCount && !TheTable().names[code].empty(); }

const char* DTypeName(c10::ScalarType st) {
  int i = static_cast<int>(st);
  return IsScalarTypeCode(i) ? TheTable().names[i].c_str() : nullptr;
}

std::string DTypeAbbr(c10::ScalarType st) {
  const char* name = DTypeName(st);
  if (!name) return "";
  std::string n = name;
  // the exceptions to the rule below, as torch.bool.abbr and torch.bits8.abbr print
  if (n == "bool") return "b8";
  if (n == "bits8" || n == "bits16") return "b" + n.substr(4) + "x1";
  static constexpr std::pair<const char*, const char*> kPrefixes[] = {
      {"bfloat", "bf"}, {"float", "f"}, {"complex", "c"}, {"uint", "u"}, {"int", "i"}, {"bits", "b"}};
  for (const auto& [prefix, abbr] : kPrefixes)
    if (n.rfind(prefix, 0) == 0) {
      n = abbr + n.substr(std::strlen(prefix));
      break;
    }
  n.erase(std::remove(n.begin(), n.end(), '_'), n.end());  // float8_e4m3fn -> f8e4m3fn
  return n;
}

bool ParseScalarType(const std::string& name, c10::ScalarType* out) {
  std::string n = name.rfind("torch.", 0) == 0 ? name.substr(6) : name;
  const Table& t = TheTable();
  for (int i = 0; i < kCount; ++i)
    if (!t.names[i].empty() && t.names[i] == n) {
      *out = static_cast<c10::ScalarType>(i);
      return true;
    }
  for (const Named& a : kAliases)
    if (n == a.name) {
      *out = a.type;
      return true;
    }
  return false;
}

bool ParseLayout(const std::string& name, int64_t* code) { return ParseEnum(kLayouts, name, code); }
const char* LayoutName(c10::Layout layout) {
  for (const auto& e : kLayouts)
    if (e.first == layout) return e.second;
  return "unknown";
}
bool ParseMemoryFormat(const std::string& name, int64_t* code) { return ParseEnum(kMemoryFormats, name, code); }
const char* MemoryFormatName(c10::MemoryFormat format) {
  for (const auto& e : kMemoryFormats)
    if (e.first == format) return e.second;
  return "unknown";
}
bool IsLayoutCode(int64_t code) {
  for (const auto& e : kLayouts)
    if (static_cast<int64_t>(e.first) == code) return true;
  return false;
}
bool IsMemoryFormatCode(int64_t code) {
  for (const auto& e : kMemoryFormats)
    if (static_cast<int64_t>(e.first) == code) return true;
  return false;
}

namespace {
Napi::Value Layouts(const Napi::CallbackInfo& info) { return EnumList(info.Env(), kLayouts); }
Napi::Value MemoryFormats(const Napi::CallbackInfo& info) { return EnumList(info.Env(), kMemoryFormats); }
Napi::Value QSchemes(const Napi::CallbackInfo& info) { return EnumList(info.Env(), kQSchemes); }
}  // namespace

void RegisterDTypes(napi_env env, napi_value exports) {
  static constexpr MethodEntry kEntries[] = {
      {"dtypes", DTypes},
      {"layouts", Layouts},
      {"memoryFormats", MemoryFormats},
      {"qschemes", QSchemes},
  };
  ExportAll(env, exports, kEntries);
}

}  // namespace tn
