#include "dtypes.h"

#include <array>
#include <cctype>
#include <cstring>
#include <vector>

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

const char* Kind(c10::ScalarType st) {
  if (st == c10::kBool) return "bool";
  if (c10::isQIntType(st)) return "quantized";
  if (c10::isBitsType(st)) return "bits";
  if (c10::isComplexType(st)) return "complex";
  if (c10::isFloatingType(st)) return "float";
  return c10::isSignedType(st) ? "int" : "uint";
}

// dtypes(): [{ code, name, aliases, itemsize, kind, signed }] for every dtype of this libtorch.
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
    o.Set("itemsize", static_cast<double>(c10::elementSize(st)));
    o.Set("kind", kind);
    o.Set("signed", isSigned);
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

void RegisterDTypes(napi_env env, napi_value exports) {
  static constexpr MethodEntry kEntries[] = {{"dtypes", DTypes}};
  ExportAll(env, exports, kEntries);
}

}  // namespace tn
