// The generic entry point: any operator registered with the c10 dispatcher (every ATen op),
// called boxed with arguments converted from JS by the op's schema. Overloads are resolved the
// way Python's argument parser does: positional arguments in schema order, keyword arguments from
// a trailing options object (camelCase keys), defaults from the schema, best-scoring overload wins.
#include <ATen/core/dispatch/Dispatcher.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <deque>
#include <mutex>
#include <sstream>
#include <unordered_map>

#include "convert.h"
#include "ops.h"

namespace tn {
namespace {

struct Overload {
  c10::OperatorHandle handle;
  std::vector<std::string> keys;  // camelCase argument names, as JS options objects spell them
  size_t positional = 0;          // arguments that may be given by position
  std::vector<std::string> returnNames;  // set when all of several returns are named (named tuples)
  std::vector<bool> dimname;             // per argument: a Dimname (list) that arrives as strings
  OpCheck check = nullptr;               // argument check for input that crashes libtorch (op_checks.cc)
};

// Schemas type Dimname arguments as str: they are told apart by name (these names are used for
// Dimname arguments only, never for a plain str, in all of ATen's schemas).
bool IsDimnameArgument(const c10::Argument& a) {
  static const char* const kNames[] = {"dim", "dim0", "dim1", "dim2", "dims", "names", "order", "out_dim", "outdim", "start_dim", "end_dim"};
  c10::TypePtr t = a.real_type();
  if (t->kind() == c10::TypeKind::OptionalType) t = t->castRaw<c10::OptionalType>()->getElementType();
  if (t->kind() == c10::TypeKind::ListType) t = t->castRaw<c10::ListType>()->getElementType();
  if (t->kind() != c10::TypeKind::StringType) return false;
  for (const char* n : kNames)
    if (a.name() == n) return true;
  return false;
}

// Dimnames travel as "dimname::N" symbols through the boxed calling convention.
void QualifyDimnames(c10::IValue& v) {
  auto qualify = [](const std::string& s) { return s.find("::") == std::string::npos ? "dimname::" + s : s; };
  if (v.isString()) {
    v = qualify(v.toStringRef());
  } else if (v.isList()) {
    c10::List<std::string> out;
    for (const c10::IValue& e : v.toListRef()) out.push_back(qualify(e.toStringRef()));
    v = out;
  }
}
struct Family {
  std::string name;  // "add" or "add.Tensor"
  std::vector<Overload> overloads;
  std::vector<std::pair<uint64_t, size_t>> chosen;  // argument-kinds key -> overload picked for it
};
// Shared by every thread that loads the addon (worker threads too): guarded by g_opsMutex. A deque
// keeps references to families stable while others are added.
std::mutex g_opsMutex;
std::deque<Family> g_families;
std::unordered_map<std::string, int> g_familyIds;
std::unordered_map<std::string, std::vector<c10::OperatorName>>* g_byName = nullptr;

std::string CamelCase(const std::string& s) {
  std::string out;
  bool up = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '_' && i > 0 && i + 1 < s.size()) {
      up = true;
      continue;
    }
    out += up ? static_cast<char>(std::toupper(c)) : c;
    up = false;
  }
  return out;
}

const std::vector<c10::OperatorName>& OverloadNames(const std::string& qualified) {
  if (!g_byName) {
    g_byName = new std::unordered_map<std::string, std::vector<c10::OperatorName>>();
    for (const c10::OperatorName& n : c10::Dispatcher::singleton().getAllOpNames()) (*g_byName)[n.name].push_back(n);
  }
  static const std::vector<c10::OperatorName> none;
  auto it = g_byName->find(qualified);
  return it == g_byName->end() ? none : it->second;
}

// Overloads Python's bindings leave out because numbers are accepted as tensors there
// (gen_python_functions.py): skipping them gives the same kernels and grad_fn as PyTorch.
bool HiddenInPython(const c10::OperatorName& n) {
  static const char* const kNames[] = {"aten::add", "aten::add_", "aten::sub", "aten::sub_",
                                       "aten::mul", "aten::mul_", "aten::div", "aten::div_"};
  if (n.overload_name != "Scalar") return false;
  for (const char* k : kNames)
    if (n.name == k) return true;
  return false;
}

Overload MakeOverload(const c10::OperatorHandle& h) {
  Overload o{h, {}, 0, {}, {}};
  o.check = FindOpCheck(h.schema());
  for (const c10::Argument& a : h.schema().arguments()) {
    o.keys.push_back(CamelCase(a.name()));
    o.dimname.push_back(IsDimnameArgument(a));
    if (!a.kwarg_only()) ++o.positional;
  }
  const auto& rets = h.schema().returns();
  bool named = rets.size() > 1;
  for (const c10::Argument& r : rets) named = named && !r.name().empty();
  if (named)
    for (const c10::Argument& r : rets) o.returnNames.push_back(r.name());
  return o;
}

// Finds or creates the family for "ns::name" or "ns::name.overload"; -1 if no such op.
int FamilyId(const std::string& spec) {
  std::lock_guard<std::mutex> lock(g_opsMutex);
  auto it = g_familyIds.find(spec);
  if (it != g_familyIds.end()) return it->second;
  std::string qualified = spec, overload;
  size_t dot = spec.find('.');
  bool exact = dot != std::string::npos;
  if (exact) {
    qualified = spec.substr(0, dot);
    overload = spec.substr(dot + 1);
  }
  Family f;
  f.name = spec.rfind("aten::", 0) == 0 ? spec.substr(6) : spec;
  for (const c10::OperatorName& n : OverloadNames(qualified)) {
    if (exact && n.overload_name != (overload == "default" ? "" : overload)) continue;
    if (!exact && HiddenInPython(n)) continue;
    auto h = c10::Dispatcher::singleton().findOp(n);
    if (h && h->hasSchema()) f.overloads.push_back(MakeOverload(*h));
  }
  if (f.overloads.empty()) return -1;
  // out= overloads last: on equal scores the functional overload wins.
  std::stable_partition(f.overloads.begin(), f.overloads.end(), [](const Overload& o) {
    for (const c10::Argument& a : o.handle.schema().arguments())
      if (a.is_out()) return false;
    return true;
  });
  g_families.push_back(std::move(f));
  int id = static_cast<int>(g_families.size() - 1);
  g_familyIds.emplace(spec, id);
  return id;
}

// Lists that Python also takes as varargs: sizes (x.view(2, 3)) and dim names (x.refine_names('N', 'C')).
bool IsVarargsList(const c10::TypePtr& t) {
  if (t->kind() != c10::TypeKind::ListType) return false;
  c10::TypeKind k = t->castRaw<c10::ListType>()->getElementType()->kind();
  return k == c10::TypeKind::IntType || k == c10::TypeKind::SymIntType || k == c10::TypeKind::StringType;
}

struct Call {
  std::vector<napi_value> pos;
  std::vector<std::pair<std::string, napi_value>> kw;
};

// Score of an overload for this call (-1: does not apply); fills `slots` with the JS value per argument.
int ScoreOverload(napi_env env, const Overload& o, const Call& c, std::vector<napi_value>& slots) {
  const auto& args = o.handle.schema().arguments();
  slots.assign(args.size(), nullptr);
  size_t npos = c.pos.size();
  if (npos > o.positional) {
    // Python's varargs: x.view(2, 3) == x.view([2, 3]) when the last positional is an int (or name) list.
    if (o.positional == 0 || !IsVarargsList(args[o.positional - 1].real_type())) return -1;
    size_t from = o.positional - 1;
    napi_value packed;
    Check(napi_create_array_with_length(env, npos - from, &packed));
    for (size_t i = from; i < npos; ++i) Check(napi_set_element(env, packed, static_cast<uint32_t>(i - from), c.pos[i]));
    npos = from;
    slots[from] = packed;
  }
  for (size_t i = 0; i < npos; ++i) slots[i] = c.pos[i];
  for (const auto& kv : c.kw) {
    size_t j = 0;
    // Python's functions call `self` `input`; options may use either camelCase or the schema's name.
    while (j < o.keys.size() && o.keys[j] != kv.first && args[j].name() != kv.first &&
           !(kv.first == "input" && args[j].name() == "self"))
      ++j;
    if (j == o.keys.size() || slots[j]) return -1;
    slots[j] = kv.second;
  }
  int score = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    napi_valuetype jt = slots[i] ? TypeOf(env, slots[i]) : napi_undefined;
    bool optional = args[i].real_type()->kind() == c10::TypeKind::OptionalType;
    // undefined (or null for a non-optional argument) means "use the default".
    if (jt == napi_undefined || (jt == napi_null && !optional)) {
      if (!args[i].default_value()) return -1;  // a required argument is missing
      slots[i] = nullptr;
      continue;
    }
    int s = MatchScore(env, slots[i], args[i].real_type());
    if (s < 0) return -1;
    score += s;
  }
  return score;
}

// The kinds of a call's arguments, when they alone decide the overload (no options object, arrays,
// plain objects or strings, whose contents matter): lets repeated calls skip overload scoring.
bool KindsKey(napi_env env, const Call& c, uint64_t* key) {
  if (!c.kw.empty() || c.pos.size() > 14) return false;
  uint64_t k = c.pos.size();
  for (napi_value v : c.pos) {
    uint64_t code;
    switch (TypeOf(env, v)) {
      case napi_number: {
        double d;
        Check(napi_get_value_double(env, v, &d));
        code = std::isfinite(d) && std::floor(d) == d ? 1 : 2;
        break;
      }
      case napi_boolean: code = 3; break;
      case napi_bigint: code = 4; break;
      case napi_external: code = BoxOf(env, v) ? 5 : 6; break;
      case napi_null: code = 7; break;
      case napi_undefined: code = 8; break;
      default: return false;
    }
    k = k * 16 + code;
  }
  *key = k;
  return true;
}

std::string Signatures(const Family& f) {
  std::string s;
  for (const Overload& o : f.overloads) {
    std::ostringstream os;
    os << o.handle.schema();
    s += "\n  " + os.str();
  }
  return s;
}

// A failed in-place op must not leave a tensor half-changed: resize_/set_ write sizes before their
// checks (a later use would then read past the storage). Restores the metadata of written tensors.
class MetadataGuard {
 public:
  void Watch(const at::Tensor& t) {
    saved_.push_back({t, t.sizes().vec(), t.strides().vec(), t.storage_offset(), t.has_storage() ? t.storage() : c10::Storage()});
  }
  void Restore() {
    for (Saved& s : saved_) {
      c10::TensorImpl* impl = s.tensor.unsafeGetTensorImpl();
      if (s.tensor.sizes() == c10::IntArrayRef(s.sizes) && s.tensor.strides() == c10::IntArrayRef(s.strides) &&
          s.tensor.storage_offset() == s.offset)
        continue;
      if (s.storage && s.tensor.has_storage() && !s.tensor.storage().is_alias_of(s.storage)) impl->set_storage_keep_dtype(s.storage);
      impl->set_sizes_and_strides(s.sizes, s.strides, s.offset);
    }
  }

 private:
  struct Saved {
    at::Tensor tensor;
    std::vector<int64_t> sizes, strides;
    int64_t offset;
    c10::Storage storage;
  };
  std::vector<Saved> saved_;
};

napi_value RunOverload(napi_env env, const Overload& o, const std::vector<napi_value>& slots) {
  const auto& args = o.handle.schema().arguments();
  torch::jit::Stack stack;
  stack.reserve(args.size());
  AliasMap aliases;
  for (size_t i = 0; i < args.size(); ++i) {
    napi_value v = slots[i];
    if (!v) {
      stack.push_back(*args[i].default_value());
      continue;
    }
    stack.push_back(ToIValue(env, v, args[i].real_type(), args[i].N(), args[i].name().c_str()));
    if (o.dimname[i]) QualifyDimnames(stack.back());
    if (stack.back().isTensor()) aliases.inputs.emplace_back(stack.back().toTensor().unsafeGetTensorImpl(), v);
  }
  MetadataGuard guard;
  for (size_t i = 0; i < args.size(); ++i) {
    const c10::AliasInfo* alias = args[i].alias_info();
    if (alias && alias->isWrite() && stack[i].isTensor() && stack[i].toTensor().defined()) guard.Watch(stack[i].toTensor());
  }
  try {
    if (o.check) o.check(o.handle.schema(), stack);
    o.handle.callBoxed(stack);
  } catch (...) {
    guard.Restore();
    throw;
  }
  if (stack.empty()) return Undefined(env);
  if (stack.size() == 1) return FromIValue(env, stack[0], &aliases);
  napi_value arr;
  Check(napi_create_array_with_length(env, stack.size(), &arr));
  for (size_t i = 0; i < stack.size(); ++i) {
    napi_value item = FromIValue(env, stack[i], &aliases);
    Check(napi_set_element(env, arr, static_cast<uint32_t>(i), item));
    if (i < o.returnNames.size()) Check(napi_set_named_property(env, arr, o.returnNames[i].c_str(), item));
  }
  return arr;
}

// The family of an id from opId (stable: families are never removed).
const Family& FamilyAt(napi_env env, napi_value idValue) {
  int64_t id = ToInt64(env, idValue, "op id");
  std::lock_guard<std::mutex> lock(g_opsMutex);
  if (id < 0 || id >= static_cast<int64_t>(g_families.size())) ThrowRange("unknown op id");
  return g_families[static_cast<size_t>(id)];
}

// callOp(familyId, options | undefined, ...positional)
napi_value CallOp(napi_env env, napi_callback_info info) {
  return Guard(env, "", [&]() -> napi_value {  // messages are prefixed with the op's name below
    constexpr size_t kMaxArgs = 32;
    napi_value argv[kMaxArgs];
    size_t argc = kMaxArgs;
    Check(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
    if (argc < 2) ThrowRange("callOp(id, options, ...args)");
    const Family& f = FamilyAt(env, argv[0]);
    try {
      if (argc > kMaxArgs) ThrowType("too many arguments (" + std::to_string(argc - 2) + "); no operator takes more than " + std::to_string(kMaxArgs - 2));
      Call c;
      c.pos.assign(argv + 2, argv + argc);
      if (!IsNullish(env, argv[1])) {
        napi_value keys;
        Check(napi_get_property_names(env, argv[1], &keys));
        uint32_t n = 0;
        Check(napi_get_array_length(env, keys, &n));
        for (uint32_t i = 0; i < n; ++i) {
          napi_value k, val;
          Check(napi_get_element(env, keys, i, &k));
          Check(napi_get_property(env, argv[1], k, &val));
          if (TypeOf(env, val) == napi_undefined) continue;
          c.kw.emplace_back(ToString(env, k, "option name"), val);
        }
      }
      std::vector<napi_value> slots, best;
      uint64_t key = 0;
      bool keyed = KindsKey(env, c, &key);
      if (keyed) {
        size_t cached = f.overloads.size();
        {
          std::lock_guard<std::mutex> lock(g_opsMutex);
          for (const auto& [k, index] : f.chosen)
            if (k == key) cached = index;
        }
        if (cached < f.overloads.size() && ScoreOverload(env, f.overloads[cached], c, best) >= 0) return RunOverload(env, f.overloads[cached], best);
      }
      const Overload* chosen = nullptr;
      int bestScore = 1 << 30;
      for (const Overload& o : f.overloads) {
        int s = ScoreOverload(env, o, c, slots);
        if (s >= 0 && s < bestScore) {
          bestScore = s;
          chosen = &o;
          best.swap(slots);
        }
      }
      if (!chosen) ThrowType("no overload matches these arguments; expected one of:" + Signatures(f));
      if (keyed) {
        std::lock_guard<std::mutex> lock(g_opsMutex);
        auto& cache = const_cast<Family&>(f).chosen;
        if (cache.size() < 16) cache.emplace_back(key, static_cast<size_t>(chosen - f.overloads.data()));
      }
      return RunOverload(env, *chosen, best);
    } catch (const JsError& e) {
      throw JsError{e.kind, f.name + ": " + e.msg};
    } catch (const std::exception& e) {
      throw JsError{KindOf(e), f.name + ": " + CleanTorchMessage(e.what())};
    }
  });
}

// opId(name): family id of 'name' / 'name.overload' (aten:: implied), or -1.
napi_value OpId(napi_env env, napi_callback_info info) {
  return Guard(env, "opId", [&] {
    Args<1> a(env, info);
    std::string name = ToString(env, a[0], "op name");
    if (name.find("::") == std::string::npos) name = "aten::" + name;
    return FromInt64(env, FamilyId(name));
  });
}

// opSchemas(id): the schema strings of a family's overloads.
napi_value OpSchemas(napi_env env, napi_callback_info info) {
  return Guard(env, "opSchemas", [&] {
    Args<1> a(env, info);
    const Family& f = FamilyAt(env, a[0]);
    napi_value arr;
    Check(napi_create_array_with_length(env, f.overloads.size(), &arr));
    for (size_t i = 0; i < f.overloads.size(); ++i) {
      std::ostringstream os;
      os << f.overloads[i].handle.schema();
      Check(napi_set_element(env, arr, static_cast<uint32_t>(i), FromString(env, os.str())));
    }
    return arr;
  });
}

// opNames(): every operator name the dispatcher knows ("aten::add", ...), once each.
napi_value OpNames(napi_env env, napi_callback_info) {
  return Guard(env, "opNames", [&] {
    std::lock_guard<std::mutex> lock(g_opsMutex);
    OverloadNames("");
    napi_value arr;
    Check(napi_create_array_with_length(env, g_byName->size(), &arr));
    uint32_t i = 0;
    for (const auto& kv : *g_byName) Check(napi_set_element(env, arr, i++, FromString(env, kv.first)));
    return arr;
  });
}

}  // namespace

void RegisterOps(napi_env env, napi_value exports) {
  Export(env, exports, "callOp", CallOp);
  Export(env, exports, "opId", OpId);
  Export(env, exports, "opSchemas", OpSchemas);
  Export(env, exports, "opNames", OpNames);
}

}  // namespace tn
