// The generic entry point: any operator registered with the c10 dispatcher (every ATen op),
// called with arguments converted from JS by the op's schema: boxed, or unboxed for a few common
// shapes (unboxed_call.h). Overloads are resolved the way Python's argument parser does: positional
// arguments in schema order, keyword arguments from a trailing options object (camelCase keys),
// defaults from the schema, best-scoring overload wins.
#include <ATen/FunctionalTensorWrapper.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/core/grad_mode.h>
#include <ATen/core/LegacyTypeDispatch.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <deque>
#include <mutex>
#include <optional>
#include <sstream>
#include <unordered_map>

#include "convert.h"
#include "ops.h"
#include "thread_generator.h"
#include "unboxed_call.h"

namespace tn {
namespace {

struct Overload {
  c10::OperatorHandle handle;
  std::vector<std::string> keys;  // camelCase argument names, as JS options objects spell them
  size_t positional = 0;          // arguments that may be given by position
  std::vector<std::string> returnNames;  // set when all of several returns are named (named tuples)
  std::vector<bool> dimname;             // per argument: a Dimname (list) that arrives as strings
  bool hasOut = false;                   // an out= overload: autograd cannot record it
  std::vector<bool> tensor;              // per argument: Tensor or Tensor? (a resolved handle converts directly)
  std::vector<size_t> written;           // arguments the op may write (Tensor(a!)): their metadata is restored on failure
  std::vector<size_t> outs;              // its out= arguments; several take Python's one `out` tuple (a JS array) as well
  bool takesGenerator = false;           // has a Generator? argument (a worker fills in its own)
  bool swapsStorage = false;             // set_ and set_data: a written tensor may get or lose an ArrayBuffer's storage
  bool factory = false;                  // makes a new tensor from TensorOptions: runs below ADInplaceOrView (IsFactory)
  OpCheck check = nullptr;               // argument check for input that crashes libtorch (op_checks.cc)
  UnboxedCaller unboxed;                 // set for the common Tensor/Scalar shapes (none written), when there is no check
  std::vector<bool> numberAsTensor;      // per argument: a Tensor (or Tensor?) that takes a number as a wrapped number (FamilyId)
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
// Argument-kinds key (KindsKey) -> overload picked for it, read without a lock on every call: a
// writer (holding g_opsMutex) fills an entry, then publishes it by raising `used`.
class ChoiceCache {
 public:
  static constexpr uint32_t kEntries = 16;
  bool Find(uint64_t key, size_t* index) const {
    uint32_t n = used_.load(std::memory_order_acquire);
    for (uint32_t i = 0; i < n; ++i)
      if (keys_[i].load(std::memory_order_relaxed) == key) {
        *index = indices_[i].load(std::memory_order_relaxed);
        return true;
      }
    return false;
  }
  void Add(uint64_t key, size_t index) {  // under g_opsMutex
    uint32_t n = used_.load(std::memory_order_relaxed);
    if (n == kEntries) return;
    keys_[n].store(key, std::memory_order_relaxed);
    indices_[n].store(static_cast<uint32_t>(index), std::memory_order_relaxed);
    used_.store(n + 1, std::memory_order_release);
  }

 private:
  std::atomic<uint64_t> keys_[kEntries] = {};
  std::atomic<uint32_t> indices_[kEntries] = {};
  std::atomic<uint32_t> used_{0};
};

struct Family {
  std::string name;  // "add" or "add.Tensor"
  std::vector<Overload> overloads;
  std::vector<std::string> optionKeys;  // every option name some overload takes, in schema order
  bool viaOps = false;                  // reached as torch.ops.<ns>.<op>: options use the schema's names (`self`)
  ChoiceCache chosen;
};
// Shared by every thread that loads the addon (worker threads too). Families are made under
// g_opsMutex and never removed or moved (a deque keeps references stable); each is published in
// g_familyTable, which op calls read without a lock.
std::mutex g_opsMutex;
std::deque<Family> g_families;
constexpr size_t kMaxFamilies = 1 << 15;  // ATen has about 2,500 op names and 7,000 overloads
std::atomic<const Family*> g_familyTable[kMaxFamilies] = {};
std::unordered_map<std::string, int> g_familyIds;
std::unordered_map<std::string, std::vector<c10::OperatorName>>* g_byName = nullptr;

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
// (gen_python_functions.py): skipping them gives the same kernels and grad_fn as PyTorch, and
// the out= checks (autograd, overlap) of the Tensor overloads: add.Scalar_out has neither.
bool HiddenInPython(const c10::OperatorName& n) {
  static const char* const kNames[] = {"aten::add", "aten::add_", "aten::sub", "aten::sub_",
                                       "aten::mul", "aten::mul_", "aten::div", "aten::div_"};
  if (n.overload_name.rfind("Scalar", 0) != 0) return false;
  for (const char* k : kNames)
    if (n.name == k) return true;
  return false;
}

// Tensor or Tensor?: a handle converts straight to its tensor.
bool IsTensorArgument(const c10::TypePtr& t) {
  if (t->kind() == c10::TypeKind::TensorType) return true;
  return t->kind() == c10::TypeKind::OptionalType && t->castRaw<c10::OptionalType>()->getElementType()->kind() == c10::TypeKind::TensorType;
}

// Python's variable factories (torch.ones, zeros_like, ...; variable_factories.h) run the op below the
// ADInplaceOrView key, so the in-place fills inside a composite factory leave the new tensor at version 0.
// A factory takes TensorOptions (dtype, layout, device, pin_memory) and no tensor it could differentiate:
// none at all, or only the template of a *_like / new_* op (x.to(dtype=...) has TensorOptions too).
bool IsFactory(const c10::FunctionSchema& schema) {
  int options = 0;
  bool tensors = false;
  for (const c10::Argument& a : schema.arguments()) {
    if (a.kwarg_only() && (a.name() == "dtype" || a.name() == "layout" || a.name() == "device" || a.name() == "pin_memory")) ++options;
    tensors = tensors || IsTensorArgument(a.real_type());
  }
  const std::string& name = schema.name();
  bool templateOnly = name.size() > 5 && (name.compare(name.size() - 5, 5, "_like") == 0 || name.rfind("aten::new_", 0) == 0);
  return options == 4 && (!tensors || templateOnly);
}

Overload MakeOverload(const c10::OperatorHandle& h) {
  Overload o{h, {}, 0, {}, {}};
  o.check = FindOpCheck(h.schema());
  for (const c10::Argument& a : h.schema().arguments()) {
    o.keys.push_back(CamelCase(a.name()));
    o.dimname.push_back(IsDimnameArgument(a));
    if (!a.kwarg_only()) ++o.positional;
    if (a.is_out()) {
      o.hasOut = true;
      o.outs.push_back(o.keys.size() - 1);
    }
    o.tensor.push_back(IsTensorArgument(a.real_type()));
    if (a.alias_info() && a.alias_info()->isWrite()) o.written.push_back(o.tensor.size() - 1);
    const c10::TypePtr& t = a.real_type();
    if (t->kind() == c10::TypeKind::OptionalType && t->castRaw<c10::OptionalType>()->getElementType()->kind() == c10::TypeKind::GeneratorType)
      o.takesGenerator = true;
  }
  o.factory = IsFactory(h.schema());
  o.swapsStorage = h.schema().name() == "aten::set_" || h.schema().name() == "aten::set_data";
  if (!o.check) o.unboxed = UnboxedCaller::For(h);  // its shapes leave out written, out= and Generator arguments
  const auto& rets = h.schema().returns();
  bool named = rets.size() > 1;
  for (const c10::Argument& r : rets) named = named && !r.name().empty();
  if (named)
    for (const c10::Argument& r : rets) o.returnNames.push_back(CamelCase(r.name()));  // named-tuple fields are JS identifiers
  return o;
}

// Python's should_allow_numbers_as_tensors (python_arg_parser.cpp; this list is what torch 2.13's
// torch._C._should_allow_numbers_as_tensors says yes to): the ops whose Tensor arguments Python also takes
// as numbers, by schema name without namespace.
bool PythonAllowsNumbersAsTensors(const std::string& qualified) {
  static const char* const kNames[] = {"add", "add_", "div", "div_", "divide", "divide_", "mul", "mul_", "multiply",
                                       "multiply_", "sub", "sub_", "subtract", "subtract_", "true_divide", "true_divide_",
                                       "floor_divide", "floor_divide_", "to", "_to_copy", "copy", "copy_", "_conj"};
  size_t colons = qualified.find("::");
  std::string name = colons == std::string::npos ? qualified : qualified.substr(colons + 2);
  for (const char* n : kNames)
    if (name == n) return true;
  return false;
}

// A type a JS number (or boolean) can stand for without becoming a tensor: int, float, Scalar, bool,
// an int list (a single int stands for it), or an optional one.
bool TakesNumber(const c10::TypePtr& type) {
  c10::TypePtr t = type;
  if (t->kind() == c10::TypeKind::OptionalType) t = t->castRaw<c10::OptionalType>()->getElementType();
  if (t->kind() == c10::TypeKind::ListType) {
    c10::TypeKind k = t->castRaw<c10::ListType>()->getElementType()->kind();
    return k == c10::TypeKind::IntType || k == c10::TypeKind::SymIntType;
  }
  switch (t->kind()) {
    case c10::TypeKind::IntType:
    case c10::TypeKind::SymIntType:
    case c10::TypeKind::FloatType:
    case c10::TypeKind::NumberType:
    case c10::TypeKind::BoolType: return true;
    default: return false;
  }
}

// Which Tensor arguments take a number (a Python-style wrapped number). Python takes one only in the ops
// PythonAllowsNumbersAsTensors names; torchnode takes one in any op (README: a superset a ported script
// never meets), except where that would silently run an overload Python would never pick for the call:
// never for out= or an argument the op writes (an output must be a tensor), and never at a position where another overload of the
// family takes a number as an argument of another name, so of another meaning (torch.max(x, 1, { out })
// misuses max.dim's dim, it is not max.out with other=1: Python says "invalid combination of arguments").
// The same name is the same argument (clamp.Tensor's max and clamp's Scalar max): a number stays welcome.
void SetNumberAsTensor(std::vector<Overload>& overloads) {
  for (Overload& o : overloads) {
    const auto& args = o.handle.schema().arguments();
    const bool python = PythonAllowsNumbersAsTensors(o.handle.schema().name());
    o.numberAsTensor.assign(args.size(), false);
    for (size_t i = 0; i < args.size(); ++i) {
      const bool written = args[i].alias_info() && args[i].alias_info()->isWrite();  // abs_(-7) would write a temporary
      if (!o.tensor[i] || args[i].is_out() || written) continue;
      bool ok = true;
      if (!python)
        for (const Overload& other : overloads) {
          if (&other == &o) continue;
          const auto& otherArgs = other.handle.schema().arguments();
          if (i < o.positional && i < other.positional && otherArgs[i].name() != args[i].name() && TakesNumber(otherArgs[i].real_type())) {
            ok = false;
            break;
          }
        }
      o.numberAsTensor[i] = ok;
    }
  }
}

// Finds or creates the family for "ns::name" or "ns::name.overload"; -1 if no such op. viaOps: the
// family of torch.ops.<ns>.<op>, whose options are the schema's argument names (`self`, not `input`).
int FamilyId(const std::string& spec, bool viaOps) {
  std::lock_guard<std::mutex> lock(g_opsMutex);
  const std::string familyKey = viaOps ? "ops:" + spec : spec;
  auto it = g_familyIds.find(familyKey);
  if (it != g_familyIds.end()) return it->second;
  std::string qualified = spec, overload;
  size_t dot = spec.find('.');
  bool exact = dot != std::string::npos;
  if (exact) {
    qualified = spec.substr(0, dot);
    overload = spec.substr(dot + 1);
  }
  std::vector<Overload> overloads;
  for (const c10::OperatorName& n : OverloadNames(qualified)) {
    if (exact && n.overload_name != (overload == "default" ? "" : overload)) continue;
    if (!exact && HiddenInPython(n)) continue;
    auto h = c10::Dispatcher::singleton().findOp(n);
    if (h && h->hasSchema()) overloads.push_back(MakeOverload(*h));
  }
  if (overloads.empty()) return -1;
  if (g_families.size() == kMaxFamilies) ThrowRange("too many operator families");
  Family& f = g_families.emplace_back();
  f.name = spec.rfind("aten::", 0) == 0 ? spec.substr(6) : spec;
  f.overloads = std::move(overloads);
  f.viaOps = viaOps;
  SetNumberAsTensor(f.overloads);
  for (const Overload& o : f.overloads)
    for (size_t i = 0; i < o.keys.size(); ++i) {
      // Python's functions call `self` `input`: options may name it so. torch.ops takes the schema's
      // names, `self` (ReadOptions still takes `input` there).
      const std::string& key = !viaOps && o.handle.schema().arguments()[i].name() == "self" ? "input" : o.keys[i];
      if (std::find(f.optionKeys.begin(), f.optionKeys.end(), key) == f.optionKeys.end()) f.optionKeys.push_back(key);
    }
  // Several outs (sort's values and indices) are also one `out` array, as Python's out=(values, indices).
  for (const Overload& o : f.overloads)
    if (o.outs.size() > 1 && std::find(f.optionKeys.begin(), f.optionKeys.end(), "out") == f.optionKeys.end()) f.optionKeys.push_back("out");
  // out= overloads last: on equal scores the functional overload wins.
  std::stable_partition(f.overloads.begin(), f.overloads.end(), [](const Overload& o) { return !o.hasOut; });
  int id = static_cast<int>(g_families.size() - 1);
  g_familyTable[id].store(&f, std::memory_order_release);
  g_familyIds.emplace(familyKey, id);
  return id;
}

// Lists that Python also takes as varargs: sizes (x.view(2, 3)) and dim names (x.refine_names('N', 'C')).
bool IsVarargsList(const c10::TypePtr& t) {
  if (t->kind() != c10::TypeKind::ListType) return false;
  c10::TypeKind k = t->castRaw<c10::ListType>()->getElementType()->kind();
  return k == c10::TypeKind::IntType || k == c10::TypeKind::SymIntType || k == c10::TypeKind::StringType;
}

// Inline capacities: an op call allocates nothing for its own bookkeeping up to these sizes.
using Slots = c10::SmallVector<Napi::Value, 12>;  // an empty Value: the argument's default
using Boxes = c10::SmallVector<Box*, 8>;

struct Call {
  c10::SmallVector<Napi::Value, 8> pos;
  std::vector<std::pair<std::string, Napi::Value>> kw;  // keyword arguments, by the op's option names
  std::vector<std::string> kwNames;                      // ... and as the caller named them (`axis` for dim), filled beside kw
  // Per positional argument, read once by KindsKey (each read is a Node-API call): its JS type,
  // and its Box when it is a tensor handle. Empty when KindsKey gave up.
  c10::SmallVector<napi_valuetype, 8> types;
  Boxes boxes;
};

// How a call's arguments filled an overload's slots; the failure path (Explain) also records where from.
enum class Fill { kOk, kTooMany, kBadOut, kUnknownOption };
struct FillTrace {
  std::vector<std::vector<size_t>> from;  // per argument: the call's arguments that filled it (keywords after positionals)
  std::vector<size_t> unknown;            // keywords (indices into c.kw) naming no argument, or one given by position too
  size_t badOut = 0;                      // the out= keyword that is not an array of the outputs (kBadOut)
};

// Puts the call's positional and keyword arguments in the overload's argument slots (an empty Value:
// not given). Without a trace it stops at the first problem; with one it collects every unknown keyword.
Fill FillSlots(const Overload& o, const Call& c, Slots& slots, FillTrace* trace) {
  const auto& args = o.handle.schema().arguments();
  slots.assign(args.size(), Napi::Value());
  if (trace) trace->from.assign(args.size(), {});
  size_t npos = c.pos.size();
  if (npos > o.positional) {
    // Python's varargs: x.view(2, 3) == x.view([2, 3]) when the last positional is an int (or name) list.
    if (o.positional == 0 || !IsVarargsList(args[o.positional - 1].real_type())) return Fill::kTooMany;
    size_t start = o.positional - 1;
    Napi::Array packed = Napi::Array::New(c.pos[0].Env(), npos - start);
    for (size_t i = start; i < npos; ++i) {
      packed.Set(static_cast<uint32_t>(i - start), c.pos[i]);
      if (trace) trace->from[start].push_back(i);
    }
    npos = start;
    slots[start] = packed;
  }
  for (size_t i = 0; i < npos; ++i) {
    slots[i] = c.pos[i];
    if (trace) trace->from[i].push_back(i);
  }
  for (size_t k = 0; k < c.kw.size(); ++k) {
    const auto& kv = c.kw[k];
    std::optional<size_t> taken;  // the slot this keyword would fill twice
    if (kv.first == "out" && o.outs.size() > 1) {  // out: [values, indices], one array of exactly that many
      if (!kv.second.IsArray() || kv.second.As<Napi::Array>().Length() != o.outs.size()) {
        if (trace) trace->badOut = k;
        return Fill::kBadOut;
      }
      Napi::Array list = kv.second.As<Napi::Array>();
      for (uint32_t j = 0; j < o.outs.size() && !taken; ++j) {
        if (!slots[o.outs[j]].IsEmpty()) taken = o.outs[j];
        else slots[o.outs[j]] = list.Get(j);
        if (trace && !taken) trace->from[o.outs[j]].push_back(c.pos.size() + k);
      }
    } else {
      size_t j = 0;
      while (j < o.keys.size() && o.keys[j] != kv.first && !(kv.first == "input" && args[j].name() == "self")) ++j;
      if (j == o.keys.size() || !slots[j].IsEmpty()) taken = j;
      else {
        slots[j] = kv.second;
        if (trace) trace->from[j].push_back(c.pos.size() + k);
      }
    }
    if (!taken) continue;
    if (!trace) return Fill::kUnknownOption;
    trace->unknown.push_back(k);
  }
  return trace && !trace->unknown.empty() ? Fill::kUnknownOption : Fill::kOk;
}

constexpr int kUsesDefault = -2;
// How a slot's value takes argument i: kUsesDefault (undefined, or null where the argument cannot be
// None, means "use the default"), else its MatchScore (-1: it does not fit).
int SlotScore(const Overload& o, size_t i, const Napi::Value& value) {
  const c10::Argument& a = o.handle.schema().arguments()[i];
  napi_valuetype jt = value.Type();  // an empty Value is undefined
  if (jt == napi_undefined || (jt == napi_null && a.real_type()->kind() != c10::TypeKind::OptionalType)) return kUsesDefault;
  // A number for a Tensor: only where this overload takes one (SetNumberAsTensor).
  if ((jt == napi_number || jt == napi_boolean || jt == napi_bigint) && o.tensor[i] && !o.numberAsTensor[i]) return -1;
  return MatchScore(value, a.real_type());
}

// Score of an overload for this call (-1: does not apply); fills `slots` with the JS value per argument.
int ScoreOverload(const Overload& o, const Call& c, Slots& slots) {
  if (FillSlots(o, c, slots, nullptr) != Fill::kOk) return -1;
  const auto& args = o.handle.schema().arguments();
  int score = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    int s = SlotScore(o, i, slots[i]);
    if (s == kUsesDefault) {
      if (!args[i].default_value()) return -1;  // a required argument is missing
      slots[i] = Napi::Value();
      continue;
    }
    if (s < 0) return -1;
    score += s;
  }
  return score;
}

// The kind of a short array whose elements alone decide how it matches a list type (MatchScore):
// 9 empty, 10 whole numbers, 11 numbers none whole, 12 numbers some whole, 13 tensors; 0 otherwise.
uint64_t ArrayKind(const Napi::Array& list) {
  uint32_t n = list.Length();
  if (n == 0) return 9;
  if (n > 16) return 0;
  uint32_t whole = 0, numbers = 0, tensors = 0;
  for (uint32_t i = 0; i < n; ++i) {
    Napi::Value e = list.Get(i);
    switch (e.Type()) {
      case napi_number:
        ++numbers;
        whole += IsWhole(e.As<Napi::Number>().DoubleValue()) ? 1 : 0;
        break;
      case napi_external:
        if (!BoxOf(e.Env(), e)) return 0;
        ++tensors;
        break;
      default: return 0;
    }
  }
  if (tensors == n) return 13;
  if (numbers != n) return 0;
  return whole == n ? 10 : whole == 0 ? 11 : 12;
}

// The kinds of a call's arguments, when they alone decide the overload (no options object, plain
// objects, strings or arrays of other things, whose contents matter): lets repeated calls skip
// overload scoring. Records each argument's type and Box in `c` for the rest of the call.
bool KindsKey(Call& c, uint64_t* key) {
  if (!c.kw.empty() || c.pos.size() > 14) return false;
  uint64_t k = c.pos.size();
  c.types.resize(c.pos.size());
  c.boxes.assign(c.pos.size(), nullptr);
  for (size_t i = 0; i < c.pos.size(); ++i) {
    const Napi::Value& v = c.pos[i];
    // A tensor first: the commonest argument, and napi_typeof tests an External's kind fifth.
    if ((c.boxes[i] = BoxOf(v.Env(), v))) {
      c.types[i] = napi_external;
      k = k * 16 + 5;
      continue;
    }
    uint64_t code;
    switch (c.types[i] = v.Type()) {
      case napi_number: code = IsWhole(v.As<Napi::Number>().DoubleValue()) ? 1 : 2; break;  // int and float schema types tell these apart
      case napi_boolean: code = 3; break;
      case napi_bigint: code = 4; break;
      case napi_external: code = 6; break;  // not a tensor handle (checked above)
      case napi_null: code = 7; break;
      case napi_undefined: code = 8; break;
      case napi_object: code = v.IsArray() ? ArrayKind(v.As<Napi::Array>()) : 0; break;
      default: code = 0; break;
    }
    if (code == 0) {
      c.types.clear();
      c.boxes.clear();
      return false;
    }
    k = k * 16 + code;
  }
  *key = k;
  return true;
}

// The slots of a call whose argument kinds already chose overload `o` (KindsKey): for these kinds
// (no generator handle, no varargs) MatchScore depends on the kind alone, so `o` applies unscored.
bool SlotsByKind(const Overload& o, const Call& c, Slots& slots) {
  if (c.pos.size() > o.positional) return false;
  const auto& args = o.handle.schema().arguments();
  slots.assign(args.size(), Napi::Value());
  for (size_t i = 0; i < c.pos.size(); ++i) {
    napi_valuetype t = c.types[i];
    if (t == napi_external && !c.boxes[i]) return false;  // a generator (or foreign) handle: scored
    // undefined, and null for a non-optional argument, mean "use the default" (as in SlotScore).
    if (t == napi_undefined || (t == napi_null && args[i].real_type()->kind() != c10::TypeKind::OptionalType)) continue;
    slots[i] = c.pos[i];
  }
  return true;
}

// A schema type as the JS values it accepts; `ints` names an integer argument "int", as Python's
// errors do (a fractional number is refused there: "must be int, not number (2.5)").
std::string JsType(const c10::TypePtr& t, bool ints = false) {
  switch (t->kind()) {
    case c10::TypeKind::TensorType: return "Tensor";
    case c10::TypeKind::OptionalType: return JsType(t->castRaw<c10::OptionalType>()->getElementType(), ints) + " | null";
    case c10::TypeKind::IntType:
    case c10::TypeKind::SymIntType: return ints ? "int" : "number";
    case c10::TypeKind::FloatType:
    case c10::TypeKind::NumberType: return "number";
    case c10::TypeKind::BoolType: return "boolean";
    case c10::TypeKind::StringType: return "string";
    case c10::TypeKind::ScalarTypeType: return "dtype";
    case c10::TypeKind::DeviceObjType: return "device";
    case c10::TypeKind::LayoutType: return "layout";
    case c10::TypeKind::MemoryFormatType: return "memoryFormat";
    case c10::TypeKind::GeneratorType: return "Generator";
    case c10::TypeKind::ListType: {
      const c10::TypePtr& et = t->castRaw<c10::ListType>()->getElementType();
      std::string e = JsType(et, ints);
      if (IsVarargsList(t)) return e + " | " + e + "[]";  // a single int (or name) stands for the list
      return e.find(' ') == std::string::npos ? e + "[]" : "(" + e + ")[]";
    }
    default: return t->str();
  }
}

// The overloads as JS signatures: `sum(dim: number | number[] | null, keepdim?: boolean, { dtype })`.
// An out= overload folds into its functional twin as one more option, as Python lists them. Each
// signature comes with the overloads it stands for (indices into f.overloads).
struct Signature {
  std::string text;
  std::vector<size_t> overloads;
};
std::vector<Signature> Signatures(const Family& f, bool method) {
  std::string base = CamelCase(f.name.substr(0, f.name.find('.')));  // the JS name: indexPut_
  struct Parts {
    std::string pos;
    std::vector<std::string> kw;
    std::vector<size_t> overloads;
  };
  std::vector<Parts> sigs;
  for (size_t n = 0; n < f.overloads.size(); ++n) {
    const Overload& o = f.overloads[n];
    std::string pos;
    std::vector<std::string> kw, outs;
    const auto& args = o.handle.schema().arguments();
    for (size_t i = 0; i < args.size(); ++i) {
      const c10::Argument& a = args[i];
      if (a.kwarg_only()) {
        if (!a.is_out()) kw.push_back(o.keys[i]);
        else if (o.outs.size() == 1) outs.push_back(o.keys[i]);
        else if (outs.empty()) outs.push_back("out: [" + std::to_string(o.outs.size()) + " Tensors]");  // Python's tuple
        continue;
      }
      if (method && i == 0 && a.name() == "self") continue;
      if (!pos.empty()) pos += ", ";
      pos += (a.name() == "self" && !f.viaOps ? "input" : o.keys[i]) + (a.default_value() ? "?: " : ": ") + JsType(a.real_type());
    }
    auto twin = std::find_if(sigs.begin(), sigs.end(), [&](const Parts& sig) { return sig.pos == pos && sig.kw == kw; });
    if (!outs.empty() && twin != sigs.end()) {
      twin->kw.insert(twin->kw.end(), outs.begin(), outs.end());
      twin->overloads.push_back(n);
      continue;
    }
    kw.insert(kw.end(), outs.begin(), outs.end());
    sigs.push_back({pos, kw, {n}});
  }
  std::vector<Signature> out;
  for (const Parts& p : sigs) {
    std::string opts;
    for (const std::string& k : p.kw) opts += (opts.empty() ? "{ " : ", ") + k;
    if (!opts.empty()) opts += " }";
    out.push_back({base + "(" + p.pos + (!p.pos.empty() && !opts.empty() ? ", " : "") + opts + ")", p.overloads});
  }
  return out;
}

// What a JS value is, for error messages: number, Tensor, number[], dtype, ...
std::string DescribeValue(const Napi::Value& v) {
  switch (v.Type()) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return "boolean";
    case napi_number: {
      double d = v.As<Napi::Number>().DoubleValue();
      return IsWhole(d) ? "number" : "number (" + PyRepr(d) + ")";  // a float, as Python would name it
    }
    case napi_bigint: return "bigint";
    case napi_string: return "string";
    case napi_symbol: return "symbol";
    case napi_function: return "function";
    case napi_external: return BoxOf(v.Env(), v) ? "Tensor" : GeneratorOf(v.Env(), v) ? "Generator" : "external";
    default: break;
  }
  if (v.IsArray()) {
    Napi::Array list = v.As<Napi::Array>();
    const uint32_t n = list.Length();
    if (n == 0) return "[]";
    std::vector<std::string> elements;
    for (uint32_t i = 0; i < std::min<uint32_t>(n, 8); ++i) elements.push_back(DescribeValue(list.Get(i)));
    // One kind throughout: number[]; mixed (a null among tensors, say): each element, as Python names them.
    if (std::all_of(elements.begin(), elements.end(), [&](const std::string& e) { return e == elements[0]; }) &&
        (n <= 8 || DescribeValue(list.Get(n - 1)) == elements[0]))
      return (elements[0].find(' ') == std::string::npos ? elements[0] : "(" + elements[0] + ")") + "[]";
    std::string s;
    for (const std::string& e : elements) s += (s.empty() ? "" : ", ") + e;
    return "[" + s + (n > elements.size() ? ", …" : "") + "]";
  }
  if (v.As<Napi::Object>().Has("itemsize")) return "dtype";
  return "object";
}

// The call's arguments as `(Tensor, string, { dim: number })`, self left out of a method call's. With
// `bad` (per positional argument, then per option), the arguments that do not fit are marked !so!, as
// Python marks them.
std::string DescribeCall(const Call& c, bool method, const std::vector<bool>* bad = nullptr) {
  auto item = [&](size_t k, const Napi::Value& v) {
    std::string d = DescribeValue(v);
    return bad && (*bad)[k] ? "!" + d + "!" : d;
  };
  std::string s;
  for (size_t i = method ? 1 : 0; i < c.pos.size(); ++i) s += (s.empty() ? "" : ", ") + item(i, c.pos[i]);
  if (!c.kw.empty()) {
    s += s.empty() ? "{ " : ", { ";
    for (size_t i = 0; i < c.kw.size(); ++i) s += (i ? ", " : "") + c.kwNames[i] + ": " + item(c.pos.size() + i, c.kw[i].second);
    s += " }";
  }
  return "(" + s + ")";
}

// Why an overload does not take a call (the failure path only; ScoreOverload decides, this explains),
// in Python's argument parser's terms: the first argument (in schema order) that is missing or of the
// wrong type, and which of the call's arguments do not fit.
struct Mismatch {
  enum Kind { kTooMany, kUnknownOption, kMissing, kBadType } kind;  // in rising order of how near the call came
  std::string text;    // one line: "argument 'other' (position 2) must be Tensor, not string"
  std::string reason;  // after "didn't match because "
};

Mismatch Explain(const Family& f, const Overload& o, const Call& c, bool method) {
  const auto& args = o.handle.schema().arguments();
  const size_t self = method ? 1 : 0;  // a method's positions leave self out, as Python's do
  std::vector<bool> bad(c.pos.size() + c.kw.size(), false);
  auto plural = [](size_t n, const char* word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); };
  Slots slots;
  FillTrace trace;
  switch (FillSlots(o, c, slots, &trace)) {
    case Fill::kTooMany: {
      size_t takes = o.positional - std::min(o.positional, self), given = c.pos.size() - self;
      return {Mismatch::kTooMany, "", "it takes " + plural(takes, "positional argument") + " but " + std::to_string(given) + (given == 1 ? " was" : " were") + " given"};
    }
    case Fill::kBadOut: {
      bad[c.pos.size() + trace.badOut] = true;
      const std::string expected = "[" + std::to_string(o.outs.size()) + " Tensors]";
      return {Mismatch::kBadType, "argument 'out' must be " + expected + ", not " + DescribeValue(c.kw[trace.badOut].second),
              "some of the arguments have invalid types: " + DescribeCall(c, method, &bad)};
    }
    case Fill::kUnknownOption: {
      std::string list;
      for (size_t k : trace.unknown) list += (list.empty() ? "" : ", ") + c.kwNames[k];
      return {Mismatch::kUnknownOption, "", "some of the options were incorrect: " + list};
    }
    case Fill::kOk: break;
  }
  const auto& from = trace.from;
  std::optional<Mismatch> first;
  for (size_t i = 0; i < args.size(); ++i) {
    const c10::Argument& a = args[i];
    const std::string name = a.name() == "self" && !f.viaOps ? "input" : o.keys[i];
    const bool positional = !from[i].empty() && from[i][0] < c.pos.size();
    // Positions count the call's arguments (self too in a function call), as Python's do.
    const std::string where = positional ? " (position " + std::to_string(from[i][0] + 1 - self) + ")" : "";
    int s = SlotScore(o, i, slots[i]);
    if (s >= 0 || (s == kUsesDefault && a.default_value())) continue;
    if (s == kUsesDefault && slots[i].Type() == napi_undefined) {  // nothing given: missing
      if (!first) {
        std::string at = a.kwarg_only() ? "option '" + name + "'" : "argument '" + name + "' (position " + std::to_string(i + 1 - std::min(i, self)) + ")";
        first = Mismatch{Mismatch::kMissing, "missing required " + at, "it is missing required " + at};
      }
      continue;
    }
    // A value of the wrong type, or null for an argument that must have a value.
    for (size_t k : from[i]) bad[k] = true;
    if (!first) first = Mismatch{Mismatch::kBadType, "argument '" + name + "'" + where + " must be " + JsType(a.real_type(), /*ints=*/true) + ", not " + DescribeValue(slots[i]), ""};
  }
  if (!first) return {Mismatch::kBadType, "", "some of the arguments have invalid types: " + DescribeCall(c, method, &bad)};  // not reached: the overload fits
  if (first->kind == Mismatch::kBadType) first->reason = "some of the arguments have invalid types: " + DescribeCall(c, method, &bad);
  return *first;
}

// The message when no overload takes a call. Where the call fits exactly one signature but for the
// type of an argument (Python's one plausible signature), it names that argument:
// `argument 'other' (position 2) must be Tensor, not string`; otherwise it lists the signatures,
// each with why it did not match, as Python's "invalid combination of arguments" does.
std::string NoOverloadMessage(const Family& f, const Call& c, bool method) {
  std::vector<Signature> sigs = Signatures(f, method);
  std::vector<Mismatch> why;
  for (const Signature& sig : sigs) {
    std::optional<Mismatch> best;  // the overload the call came nearest (an out= twin only when out is given)
    for (size_t n : sig.overloads) {
      Mismatch m = Explain(f, f.overloads[n], c, method);
      if (!best || m.kind > best->kind) best = std::move(m);
    }
    why.push_back(std::move(*best));
  }
  std::string line;
  bool one = true;
  for (const Mismatch& m : why) {
    if (m.kind != Mismatch::kBadType || m.text.empty()) continue;
    if (line.empty()) line = m.text;
    else one = one && m.text == line;
  }
  if (!line.empty() && one) return line;
  std::string s = "received an invalid combination of arguments - got " + DescribeCall(c, method) + ", but expected one of:";  // Python's wording
  for (size_t i = 0; i < sigs.size(); ++i) s += "\n  " + sigs[i].text + "\n      didn't match because " + why[i].reason;
  return s;
}

// A failed in-place op must not leave a tensor half-changed: resize_/set_ write sizes before their
// checks (a later use would then read past the storage). Restores the metadata of written tensors.
class MetadataGuard {
 public:
  void Watch(const at::Tensor& t) {
    // Not a functional wrapper's storage: its resize_ refuses to grow a storage that anyone else holds.
    const bool keepStorage = t.has_storage() && !at::functionalization::impl::isFunctionalTensor(t);
    saved_.push_back({t, t.sizes().vec(), t.strides().vec(), t.storage_offset(), keepStorage ? t.storage() : c10::Storage()});
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

// PyTorch refuses out= when autograd would have to record the op (VariableType does it for the
// out= kernels it has; composite ones would return grad_fn=<NotImplemented> instead).
void CheckOutNeedsNoGrad(const torch::jit::Stack& stack) {
  if (!at::GradMode::is_enabled()) return;
  auto requiresGrad = [](const c10::IValue& v) { return v.isTensor() && v.toTensor().defined() && v.toTensor().requires_grad(); };
  for (const c10::IValue& v : stack) {
    bool any = requiresGrad(v);
    if (v.isTensorList())
      for (const at::Tensor& t : v.toTensorList().vec()) any = any || (t.defined() && t.requires_grad());
    if (any) ThrowError("functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.");
  }
}

// In a worker thread, a random op called without a generator draws from the thread's own default
// generator (thread_generator.h), as it would from its process's in Python; CPU tensors only.
void FillThreadGenerator(const std::vector<c10::Argument>& args, torch::jit::Stack& stack) {
  at::Generator* own = ThreadGenerator();
  if (!own) return;
  for (const c10::IValue& v : stack)
    if (v.isTensor() && v.toTensor().defined() && !v.toTensor().is_cpu()) return;
  for (size_t i = 0; i < args.size(); ++i) {
    if (!stack[i].isNone()) continue;
    const c10::TypePtr& t = args[i].real_type();
    if (t->kind() == c10::TypeKind::OptionalType && t->castRaw<c10::OptionalType>()->getElementType()->kind() == c10::TypeKind::GeneratorType)
      stack[i] = c10::IValue(*own);
  }
}

// The Box of slot i when it holds the positional tensor handle of the same position (KindsKey found
// the Box); compared as handles, not with Napi::Value's == (a napi_strict_equals call).
Box* PositionalBox(const Slots& slots, const Call& c, size_t i) {
  return i < c.boxes.size() && napi_value(slots[i]) == napi_value(c.pos[i]) ? c.boxes[i] : nullptr;
}

// The arguments of an unboxed call (o.unboxed), when every tensor is a positional handle whose Box
// KindsKey found: anything else (a number for a tensor, a tensor in the options) goes boxed.
bool ReadUnboxedArgs(Napi::Env env, const Overload& o, const Slots& slots, const Call& c, UnboxedArg* out, AliasMap& aliases) {
  const auto& args = o.handle.schema().arguments();
  for (size_t i = 0; i < args.size(); ++i) {
    const Napi::Value& v = slots[i];
    if (o.tensor[i]) {
      Box* known = PositionalBox(slots, c, i);
      if (!known) return false;
      out[i].tensor = &LiveTensor(env, known, args[i].name().c_str());
      aliases.inputs.emplace_back(out[i].tensor->unsafeGetTensorImpl(), v);
    } else {
      out[i].scalar = v.IsEmpty() ? args[i].default_value()->toScalar() : ToScalar(v, args[i].name().c_str());
    }
  }
  return true;
}

Napi::Value RunOverload(Napi::Env env, const Overload& o, const Slots& slots, const Call& c) {
  const auto& args = o.handle.schema().arguments();
  std::optional<at::AutoDispatchBelowADInplaceOrView> belowInplaceOrView;
  if (o.factory) belowInplaceOrView.emplace();
  if (o.unboxed) {
    UnboxedArg unboxedArgs[UnboxedCaller::kMaxArgs];
    AliasMap aliases;
    if (ReadUnboxedArgs(env, o, slots, c, unboxedArgs, aliases)) {
      at::Tensor result = o.unboxed.Call(unboxedArgs);
      if (Napi::Value same = aliases.Find(result); !same.IsEmpty()) return same;
      return Napi::Value(env, WrapTensor(env, std::move(result)));
    }
  }
  torch::jit::Stack stack;
  stack.reserve(args.size());
  AliasMap aliases;
  for (size_t i = 0; i < args.size(); ++i) {
    const Napi::Value& v = slots[i];
    if (v.IsEmpty()) {
      stack.push_back(*args[i].default_value());
      continue;
    }
    Box* known = PositionalBox(slots, c, i);
    if (known && o.tensor[i]) stack.push_back(LiveTensor(env, known, args[i].name().c_str()));
    else stack.push_back(ToIValue(v, args[i].real_type(), args[i].N(), args[i].name().c_str()));
    if (o.dimname[i]) QualifyDimnames(stack.back());
    if (stack.back().isTensor()) aliases.inputs.emplace_back(stack.back().toTensor().unsafeGetTensorImpl(), v);
  }
  if (o.hasOut) CheckOutNeedsNoGrad(stack);
  if (o.takesGenerator) FillThreadGenerator(args, stack);
  MetadataGuard guard;
  for (size_t i : o.written)
    if (stack[i].isTensor() && stack[i].toTensor().defined()) guard.Watch(stack[i].toTensor());
  try {
    if (o.check) o.check(o.handle.schema(), stack);
    o.handle.callBoxed(stack);
  } catch (...) {
    guard.Restore();
    throw;
  }
  if (o.swapsStorage)
    for (size_t i : o.written)
      if (Box* b = slots[i].IsEmpty() ? nullptr : BoxOf(env, slots[i])) RefreshBorrowed(b);
  if (stack.empty()) return env.Null();  // a schema that returns nothing: Python's None
  if (stack.size() == 1) return FromIValue(env, stack[0], &aliases);
  Napi::Array arr = Napi::Array::New(env, stack.size());
  for (size_t i = 0; i < stack.size(); ++i) {
    Napi::Value item = FromIValue(env, stack[i], &aliases);
    arr.Set(static_cast<uint32_t>(i), item);
    if (i < o.returnNames.size()) arr.Set(o.returnNames[i], item);
  }
  return arr;
}

// The family of an id from opId (stable: families are never removed).
const Family& FamilyAt(const Napi::Value& idValue) {
  if (!idValue.IsNumber()) ThrowType("op id must be a number");
  int32_t id = idValue.As<Napi::Number>().Int32Value();
  const Family* f = id >= 0 && static_cast<size_t>(id) < kMaxFamilies ? g_familyTable[id].load(std::memory_order_acquire) : nullptr;
  if (!f) ThrowRange("unknown op id");
  return *f;
}

// NumPy's names for arguments, which Python's functions take too (python_arg_parser.cpp's
// numpy_compatibility_arg_names): the name an option key stands for, or nullptr. In Python's order of
// preference: `input` first, then `x`, `a`, `x1`.
const char* NumpyAliasTarget(const std::string& key, int* rank) {
  static const struct { const char* alias; const char* target; int rank; } kAliases[] = {
      {"axis", "dim", 1}, {"keepdims", "keepdim", 1}, {"x", "input", 1}, {"a", "input", 2}, {"x1", "input", 3}, {"x2", "other", 1}};
  for (const auto& a : kAliases)
    if (key == a.alias) {
      *rank = a.rank;
      return a.target;
    }
  return nullptr;
}

// The options object's own enumerable string keys (never inherited ones: a polluted
// Object.prototype must not reach an op), each a known option with a value. torch.* functions also
// take NumPy's names (axis for dim, keepdims for keepdim, x / a / x1 for input, x2 for other) where the
// op has no argument of that name itself; torch.ops takes `input` for `self` as well.
void ReadOptions(const Napi::Object& object, const Family& f, Call& c) {
  Napi::Array keys = OwnKeys(object);
  auto known = [&](const std::string& k) { return std::find(f.optionKeys.begin(), f.optionKeys.end(), k) != f.optionKeys.end(); };
  std::vector<int> ranks;  // per option, beside c.kw and c.kwNames: 0 for the argument's own name, else its alias's rank
  for (uint32_t i = 0, n = keys.Length(); i < n; ++i) {
    Napi::Value k = keys.Get(i);
    std::string key = ToString(object.Env(), k, "option name");
    Napi::Value val = object.Get(k);
    bool undefinedValue = val.IsUndefined();
    std::string given = key;
    int rank = 0;
    const char* target = nullptr;
    if (!undefinedValue && !known(key)) {
      if (f.viaOps && key == "input" && known("self")) target = "self", rank = 1;
      else if (!f.viaOps && (target = NumpyAliasTarget(key, &rank)) && !known(target)) target = nullptr;
      if (target) key = target;
    }
    if (undefinedValue || !known(key)) ThrowType(OptionMessage(given, f.optionKeys, undefinedValue));
    c.kw.emplace_back(std::move(key), val);
    c.kwNames.push_back(std::move(given));
    ranks.push_back(rank);
  }
  // One argument under two names: Python takes the preferred one and calls the other unexpected.
  for (size_t i = 0; i < c.kw.size(); ++i)
    for (size_t j = 0; j < i; ++j) {
      if (c.kw[i].first != c.kw[j].first) continue;
      size_t extra = ranks[i] > ranks[j] ? i : j, kept = extra == i ? j : i;
      ThrowType("got an unexpected keyword argument '" + c.kwNames[extra] + "' (Python's words: it names argument '" +
                c.kw[i].first + "', given as '" + c.kwNames[kept] + "' too)");
    }
}

// callOp(familyId, options | undefined, ...positional); callMethod: the same, with positional[0] as `this`
// (only error messages differ: they leave self out, as x.sum(...) does).
Napi::Value CallOp(const Napi::CallbackInfo& info, bool method) {
  constexpr size_t kMaxArgs = 32;
  Napi::Env env = info.Env();
  size_t argc = info.Length();
  if (argc < 2) ThrowRange("callOp(id, options, ...args)");
  const Family& f = FamilyAt(info[0]);
  try {
    if (argc > kMaxArgs) ThrowType("too many arguments (" + std::to_string(argc - 2) + "); no operator takes more than " + std::to_string(kMaxArgs - 2));
    Call c;
    for (size_t i = 2; i < argc; ++i) c.pos.push_back(info[i]);
    if (!IsNullish(info[1])) ReadOptions(info[1].As<Napi::Object>(), f, c);
    Slots slots, best;
    uint64_t key = 0;
    bool keyed = KindsKey(c, &key);
    if (keyed) {
      size_t cached = f.overloads.size();
      f.chosen.Find(key, &cached);
      if (cached < f.overloads.size()) {
        const Overload& o = f.overloads[cached];
        if (SlotsByKind(o, c, best) || ScoreOverload(o, c, best) >= 0) return RunOverload(env, o, best, c);
      }
    }
    const Overload* chosen = nullptr;
    int bestScore = 1 << 30;
    for (const Overload& o : f.overloads) {
      int s = ScoreOverload(o, c, slots);
      if (s >= 0 && s < bestScore) {
        bestScore = s;
        chosen = &o;
        best.swap(slots);
      }
    }
    if (!chosen) ThrowType(NoOverloadMessage(f, c, method));
    if (keyed) {
      std::lock_guard<std::mutex> lock(g_opsMutex);
      const_cast<Family&>(f).chosen.Add(key, static_cast<size_t>(chosen - f.overloads.data()));
    }
    return RunOverload(env, *chosen, best, c);
  } catch (const JsError& e) {
    throw JsError{e.kind, f.name.substr(0, f.name.find('.')) + ": " + e.msg};  // "to", not "to.dtype_layout"
  } catch (const Napi::Error&) {
    throw;  // a JS exception (an argument's getter or toString threw): reaches the caller unchanged
  } catch (const std::exception& e) {
    throw JsError{KindOf(e), f.name.substr(0, f.name.find('.')) + ": " + TorchMessage(e)};
  }
}

// The two entry points (MethodEntry): callOp, and callMethod whose messages leave self out.
Napi::Value CallFunctionJs(const Napi::CallbackInfo& info) { return CallOp(info, false); }
Napi::Value CallMethodJs(const Napi::CallbackInfo& info) { return CallOp(info, true); }

// A string list as a JS array.
Napi::Array StringArray(Napi::Env env, const std::vector<std::string>& items) {
  Napi::Array arr = Napi::Array::New(env, items.size());
  for (size_t i = 0; i < items.size(); ++i) arr.Set(static_cast<uint32_t>(i), items[i]);
  return arr;
}

// opOptionKeys(id): the option names the family's overloads take (camelCase; 'input' for self).
Napi::Value OpOptionKeys(const Napi::CallbackInfo& info) { return StringArray(info.Env(), FamilyAt(info[0]).optionKeys); }

// camelCase(name): the one snake_case -> camelCase rule, for the JS layer and scripts/gen-ops.mjs.
Napi::Value CamelCaseJs(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), CamelCase(ToString(info.Env(), info[0], "name")));
}

// optionMessage(key, allowed[], undefinedValue): what is wrong with an option (OptionMessage).
Napi::Value OptionMessageJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[1].IsArray()) ThrowType("allowed must be an array of option names");
  Napi::Array list = info[1].As<Napi::Array>();
  std::vector<std::string> allowed;
  for (uint32_t i = 0, n = list.Length(); i < n; ++i) allowed.push_back(ToString(env, list.Get(i), "option name"));
  return Napi::String::New(env, OptionMessage(ToString(env, info[0], "option name"), allowed, ToBool(env, info[2], "undefinedValue")));
}

// opId(name): family id of 'name' / 'name.overload' (aten:: implied), or -1.
Napi::Value OpId(const Napi::CallbackInfo& info) {
  std::string name = ToString(info.Env(), info[0], "op name");
  // A name with its namespace is torch.ops' (lib/ops.ts); the generated functions name ATen ops without one.
  bool viaOps = name.find("::") != std::string::npos;
  if (!viaOps) name = "aten::" + name;
  return Napi::Number::New(info.Env(), static_cast<double>(FamilyId(name, viaOps)));
}

// opSchemas(id): the schema strings of a family's overloads.
Napi::Value OpSchemas(const Napi::CallbackInfo& info) {
  std::vector<std::string> schemas;
  for (const Overload& o : FamilyAt(info[0]).overloads) {
    std::ostringstream os;
    os << o.handle.schema();
    schemas.push_back(os.str());
  }
  return StringArray(info.Env(), schemas);
}

// opNames(): every operator name the dispatcher knows ("aten::add", ...), once each.
Napi::Value OpNames(const Napi::CallbackInfo& info) {
  std::lock_guard<std::mutex> lock(g_opsMutex);
  OverloadNames("");
  Napi::Array arr = Napi::Array::New(info.Env(), g_byName->size());
  uint32_t i = 0;
  for (const auto& kv : *g_byName) arr.Set(i++, kv.first);
  return arr;
}

}  // namespace

void RegisterOps(napi_env env, napi_value exports) {
  static constexpr MethodEntry kEntries[] = {
      {"callOp", CallFunctionJs, ""},  // "": CallOp prefixes messages with the op's name itself
      {"callMethod", CallMethodJs, ""},
      {"opOptionKeys", OpOptionKeys},
      {"camelCase", CamelCaseJs},
      {"optionMessage", OptionMessageJs},
      {"opId", OpId},
      {"opSchemas", OpSchemas},
      {"opNames", OpNames},
  };
  ExportAll(env, exports, kEntries);
}

}  // namespace tn
