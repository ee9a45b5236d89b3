// torch.jit: TorchScript modules (load, run, inspect, save), tracing JS code into TorchScript
// (libtorch's tracer, the JS callback running synchronously on this thread) and compiling source.
// A ScriptModule handle is a tagged External owning a ScriptBox (a torch::jit::Module, or a
// CompilationUnit for torch.jit.compile); dispose() empties the box, later use throws.
#include <torch/jit.h>
#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/frontend/schema_matching.h>
#include <torch/csrc/jit/frontend/tracer.h>
#include <torch/csrc/jit/passes/canonicalize.h>
#include <torch/csrc/jit/passes/erase_number_types.h>
#include <torch/csrc/jit/passes/freeze_module.h>
#include <torch/csrc/jit/passes/inliner.h>
#include <torch/csrc/jit/passes/shape_analysis.h>
#include <torch/csrc/jit/passes/frozen_graph_optimizations.h>
#include <torch/csrc/jit/runtime/jit_exception.h>
#include <torch/csrc/jit/serialization/import.h>
#include <torch/csrc/jit/serialization/python_print.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "convert.h"
#include "handle.h"
#include "ops.h"

namespace tn {
namespace {

using torch::jit::Module;

constexpr napi_type_tag kScriptTag = {0x3c9a7d1e5b2f4a86ULL, 0xa41e6c0d8f2b5937ULL};

struct ScriptBox {
  std::optional<Module> module;
  std::shared_ptr<torch::jit::CompilationUnit> unit;  // torch.jit.compile's functions
};
using ScriptExternal = Napi::External<ScriptBox>;

Napi::Value WrapScript(Napi::Env env, std::unique_ptr<ScriptBox> box) {
  // A basic finalizer: it runs inside GC and only frees native memory.
  ScriptExternal out = ScriptExternal::New(env, box.get(), [](Napi::BasicEnv, ScriptBox* b) { delete b; });
  box.release();  // the External owns it now
  out.TypeTag(&kScriptTag);
  return out;
}
Napi::Value WrapModule(Napi::Env env, Module m) { return WrapScript(env, std::make_unique<ScriptBox>(ScriptBox{std::move(m), nullptr})); }

// The box of a ScriptModule/CompilationUnit External, or nullptr for any other value.
ScriptBox* ScriptBoxOf(const Napi::Value& v) {
  if (!v.IsExternal() || !v.As<ScriptExternal>().CheckTypeTag(&kScriptTag)) return nullptr;
  return v.As<ScriptExternal>().Data();
}

Module& ModuleOf(const Napi::Value& v) {
  ScriptBox* b = ScriptBoxOf(v);
  if (!b || b->unit) ThrowType("expected a ScriptModule");
  if (!b->module) ThrowError("the ScriptModule was disposed");
  return *b->module;
}

torch::jit::CompilationUnit& UnitOf(const Napi::Value& v) {
  ScriptBox* b = ScriptBoxOf(v);
  if (!b || b->module) ThrowType("expected a CompilationUnit");
  if (!b->unit) ThrowError("the CompilationUnit was disposed");
  return *b->unit;
}

std::string KeyOf(const void* p) {
  char key[32];
  std::snprintf(key, sizeof key, "%p", p);
  return key;
}

Napi::Array NewArray(Napi::Env env, const std::vector<Napi::Value>& items) {
  Napi::Array arr = Napi::Array::New(env, items.size());
  for (size_t i = 0; i < items.size(); ++i) arr.Set(static_cast<uint32_t>(i), items[i]);
  return arr;
}
// A plain JS object ({...} or Object.create(null)): a dict or keyword arguments. Class instances
// (torch.device, torch.float32) are not.
bool IsPlainObject(const Napi::Value& v) {
  if (v.Type() != napi_object || v.IsArray()) return false;
  napi_value proto;
  if (napi_get_prototype(v.Env(), v, &proto) != napi_ok) return false;
  Napi::Value p(v.Env(), proto);
  return p.IsNull() || p.StrictEquals(v.Env().Global().Get("Object").As<Napi::Object>().Get("prototype"));
}
// The class name of a JS class instance ('Device', 'DType', ...), or "" for anything else.
std::string ClassNameOf(const Napi::Value& v) {
  if (v.Type() != napi_object || v.IsArray() || IsPlainObject(v)) return "";
  Napi::Value ctor = v.As<Napi::Object>().Get("constructor");
  if (!ctor.IsFunction()) return "";
  Napi::Value name = ctor.As<Napi::Object>().Get("name");
  return name.IsString() ? name.As<Napi::String>().Utf8Value() : "";
}
// torch.device (lib/device.ts).
bool IsDeviceObject(const Napi::Value& v) { return ClassNameOf(v) == "Device"; }
// The c10 code of a torch.dtype / torch.layout / torch.memory_format / torch.qscheme constant
// (lib/dtype.ts), which TorchScript passes as an int as Python does; nullopt for other values.
std::optional<int64_t> EnumCodeOf(const Napi::Value& v) {
  std::string cls = ClassNameOf(v);
  if (cls != "DType" && cls != "Layout" && cls != "MemoryFormat" && cls != "QScheme") return std::nullopt;
  Napi::Object o = v.As<Napi::Object>();
  Napi::Value code = o.Get("code");
  if (!code.IsNumber()) return std::nullopt;
  int64_t c = code.As<Napi::Number>().Int64Value();
  if (c < 0) ThrowType("torch." + ToString(v.Env(), o.Get("name"), "name") + " is not in this libtorch");
  return c;
}
std::vector<std::string> KeysOf(const Napi::Value& obj) {
  Napi::Array keys = OwnKeys(obj.As<Napi::Object>());
  std::vector<std::string> out;
  for (uint32_t i = 0, n = keys.Length(); i < n; ++i) out.push_back(ToString(obj.Env(), keys.Get(i), "key"));
  return out;
}

bool IsWholeNumber(const Napi::Value& v) {
  double d = v.As<Napi::Number>().DoubleValue();
  return std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9223372036854775808.0;
}

// A JS value's kind in Python's words, for "Expected a value of type 'Tensor' ... found type 'str'".
std::string PyTypeName(const Napi::Value& v) {
  switch (v.Type()) {
    case napi_undefined:
    case napi_null: return "NoneType";
    case napi_boolean: return "bool";
    case napi_number: return IsWholeNumber(v) ? "int" : "float";
    case napi_bigint: return "int";
    case napi_string: return "str";
    case napi_external:
      if (BoxOf(v.Env(), v)) return "Tensor";
      if (ScriptBoxOf(v)) return "ScriptModule";
      return "object";
    case napi_object: {
      if (v.IsArray()) return "list";
      std::string cls = ClassNameOf(v);
      if (cls == "Device") return "torch.device";
      if (cls == "DType") return "torch.dtype";
      if (cls == "Layout") return "torch.layout";
      if (cls == "MemoryFormat") return "torch.memory_format";
      if (cls == "QScheme") return "torch.qscheme";
      return "dict";
    }
    default: return "object";
  }
}

struct Mismatch {};  // a value does not fit the expected type (the caller words the error)

c10::IValue Infer(const Napi::Value& v);

// The IValue of a JS value for a TorchScript type: arrays are lists or tuples, plain objects
// Dict[str, T] (or Dict[int, T] from numeric keys), whole numbers ints (API.md).
c10::IValue ToScript(const Napi::Value& v, const c10::TypePtr& type) {
  Napi::Env env = v.Env();
  switch (type->kind()) {
    case c10::TypeKind::TensorType:
      if (v.IsExternal() && BoxOf(env, v)) return TensorOf(env, v, "argument");
      throw Mismatch{};
    case c10::TypeKind::IntType:
      if (v.IsBigInt() || (v.IsNumber() && IsWholeNumber(v))) return ToInt64(env, v, "argument");
      if (std::optional<int64_t> code = EnumCodeOf(v)) return *code;  // torch.dtype, torch.layout, ... (TorchScript's int)
      throw Mismatch{};
    case c10::TypeKind::FloatType:
      if (v.IsNumber()) return v.As<Napi::Number>().DoubleValue();
      throw Mismatch{};
    case c10::TypeKind::NumberType:
      if (v.IsNumber()) return IsWholeNumber(v) ? c10::IValue(ToInt64(env, v, "argument")) : c10::IValue(v.As<Napi::Number>().DoubleValue());
      if (v.IsBigInt()) return ToInt64(env, v, "argument");
      throw Mismatch{};
    case c10::TypeKind::BoolType:
      if (v.IsBoolean()) return v.As<Napi::Boolean>().Value();
      throw Mismatch{};
    case c10::TypeKind::StringType:
      if (v.IsString()) return v.As<Napi::String>().Utf8Value();
      throw Mismatch{};
    case c10::TypeKind::NoneType:
      if (IsNullish(v)) return c10::IValue();
      throw Mismatch{};
    case c10::TypeKind::OptionalType:
      if (IsNullish(v)) return c10::IValue();
      return ToScript(v, type->castRaw<c10::OptionalType>()->getElementType());
    case c10::TypeKind::DeviceObjType:
      if (v.IsString() || IsDeviceObject(v) || IsPlainObject(v)) return ToDevice(v);
      throw Mismatch{};
    case c10::TypeKind::ListType: {
      if (!v.IsArray()) throw Mismatch{};
      Napi::Array list = v.As<Napi::Array>();
      const c10::TypePtr& et = type->castRaw<c10::ListType>()->getElementType();
      c10::impl::GenericList out(et);
      for (uint32_t i = 0, n = list.Length(); i < n; ++i) out.push_back(ToScript(list.Get(i), et));
      return out;
    }
    case c10::TypeKind::TupleType: {
      if (!v.IsArray()) throw Mismatch{};
      Napi::Array list = v.As<Napi::Array>();
      const auto* tt = type->castRaw<c10::TupleType>();
      uint32_t n = list.Length();
      if (n != tt->elements().size()) throw Mismatch{};
      std::vector<c10::IValue> items;
      for (uint32_t i = 0; i < n; ++i) items.push_back(ToScript(list.Get(i), tt->elements()[i]));
      if (tt->schema()) return c10::ivalue::Tuple::createNamed(std::move(items), type->expect<c10::TupleType>());
      return c10::ivalue::Tuple::create(std::move(items));
    }
    case c10::TypeKind::DictType: {
      if (!IsPlainObject(v)) throw Mismatch{};
      Napi::Object obj = v.As<Napi::Object>();
      const auto* dt = type->castRaw<c10::DictType>();
      const c10::TypePtr& kt = dt->getKeyType();
      c10::impl::GenericDict out(kt, dt->getValueType());
      for (const std::string& key : KeysOf(v)) {
        c10::IValue k;
        if (kt->kind() == c10::TypeKind::StringType) {
          k = key;
        } else if (kt->kind() == c10::TypeKind::IntType) {
          char* end = nullptr;
          long long i = std::strtoll(key.c_str(), &end, 10);
          if (key.empty() || *end != '\0') throw Mismatch{};
          k = static_cast<int64_t>(i);
        } else {
          throw Mismatch{};
        }
        out.insert(std::move(k), ToScript(obj.Get(key), dt->getValueType()));
      }
      return out;
    }
    case c10::TypeKind::ClassType:
      if (ScriptBoxOf(v)) {
        Module& m = ModuleOf(v);
        if (m.type()->isSubtypeOf(*type)) return m._ivalue();
      }
      throw Mismatch{};
    case c10::TypeKind::UnionType:
      for (const c10::TypePtr& t : type->castRaw<c10::UnionType>()->containedTypes()) {
        try {
          return ToScript(v, t);
        } catch (const Mismatch&) {
        }
      }
      throw Mismatch{};
    case c10::TypeKind::AnyType: return Infer(v);
    default: break;
  }
  c10::IValue inferred = Infer(v);
  if (!inferred.type()->isSubtypeOf(*type)) throw Mismatch{};
  return inferred;
}

// The IValue of a JS value without an expected type (tracing inputs/outputs, Any): arrays are tuples,
// plain objects Dict[str, T] with T the common type of the values.
c10::IValue Infer(const Napi::Value& v) {
  Napi::Env env = v.Env();
  switch (v.Type()) {
    case napi_undefined:
    case napi_null: return c10::IValue();
    case napi_boolean: return v.As<Napi::Boolean>().Value();
    case napi_number: return IsWholeNumber(v) ? c10::IValue(ToInt64(env, v, "value")) : c10::IValue(v.As<Napi::Number>().DoubleValue());
    case napi_bigint: return ToInt64(env, v, "value");
    case napi_string: return v.As<Napi::String>().Utf8Value();
    case napi_external:
      if (BoxOf(env, v)) return TensorOf(env, v, "value");
      if (ScriptBoxOf(v)) return ModuleOf(v)._ivalue();
      break;
    case napi_object: {
      if (IsDeviceObject(v)) return ToDevice(v);
      if (std::optional<int64_t> code = EnumCodeOf(v)) return *code;
      if (v.IsArray()) {
        Napi::Array list = v.As<Napi::Array>();
        std::vector<c10::IValue> items;
        for (uint32_t i = 0, n = list.Length(); i < n; ++i) items.push_back(Infer(list.Get(i)));
        return c10::ivalue::Tuple::create(std::move(items));
      }
      Napi::Object obj = v.As<Napi::Object>();
      std::vector<std::pair<std::string, c10::IValue>> items;
      c10::TypePtr valueType;
      for (const std::string& key : KeysOf(v)) {
        c10::IValue value = Infer(obj.Get(key));
        c10::TypePtr t = value.type();
        if (!valueType) valueType = t;
        else if (auto u = c10::unifyTypes(valueType, t)) valueType = *u;
        else valueType = c10::AnyType::get();
        items.emplace_back(key, std::move(value));
      }
      c10::impl::GenericDict out(c10::StringType::get(), valueType ? valueType : c10::TensorType::get());
      for (auto& [key, value] : items) out.insert(key, std::move(value));
      return out;
    }
    default: break;
  }
  ThrowType("cannot pass a value of type " + PyTypeName(v) + " to TorchScript");
}

// FromScript's own values: a submodule becomes a ScriptModule handle, a device a { torchDevice: 'cpu' } object
// without prototype (lib/jit.ts makes it a torch.device).
Napi::Value ScriptLeaf(Napi::Env env, const c10::IValue& v) {
  if (v.isModule()) return WrapModule(env, Module(v.toObject()));
  if (!v.isDevice()) return Napi::Value();
  Napi::Object o = env.Global().Get("Object").As<Napi::Object>().Get("create").As<Napi::Function>().Call({env.Null()}).As<Napi::Object>();
  o.Set("torchDevice", v.toDevice().str());
  return o;
}

// A result, as the op results are but for ScriptLeaf's values, at any depth.
Napi::Value FromScript(Napi::Env env, const c10::IValue& v) { return FromIValue(env, v, nullptr, ScriptLeaf); }

// A ScriptModule's method called while torch.jit.trace runs (a scripted submodule of a traced JS
// module): recorded as one call of the method, as Python's tracer does (runAndInsertCall), then run
// with the tracer paused so that its ops are not recorded twice.
c10::IValue RunTraced(torch::jit::Function& fn, torch::jit::Stack stack, const torch::jit::Kwargs& kwargs) {
  const c10::FunctionSchema& schema = fn.getSchema();
  schema.checkAndNormalizeInputs(stack, kwargs);
  TORCH_CHECK(schema.returns().size() == 1, "tracing a call of ", schema.name(), ": methods with several results cannot be traced");
  std::shared_ptr<torch::jit::Graph> graph = torch::jit::tracer::getTracingState()->graph;
  std::vector<torch::jit::NamedValue> inputs;
  for (const c10::IValue& v : stack) inputs.emplace_back(torch::jit::tracer::getValueTrace(v));
  torch::jit::MatchedSchema match = torch::jit::matchSchema(schema, torch::jit::SourceRange(), *graph, inputs, {});
  torch::jit::Value* output = graph->insertMethodCall(fn.name(), match);
  std::function<void()> resume = torch::jit::tracer::pauseTracing();
  try {
    fn.run(stack);
  } catch (...) {
    resume();
    throw;
  }
  resume();
  torch::jit::tracer::setValueTrace(stack.back(), output);
  return stack.back();
}

// Whether a TorchScript type takes a dict: Dict, Optional[Dict], a Union with a Dict, Any.
bool TakesDict(const c10::TypePtr& type) {
  switch (type->kind()) {
    case c10::TypeKind::DictType:
    case c10::TypeKind::AnyType: return true;
    case c10::TypeKind::OptionalType:
    case c10::TypeKind::UnionType: {
      const auto types = type->containedTypes();
      return std::any_of(types.begin(), types.end(), [](const c10::TypePtr& t) { return TakesDict(t); });
    }
    default: return false;
  }
}

// Runs fn (a module's method when self is given, else a free function) on JS arguments converted
// by its schema. A trailing plain object is keyword arguments (camelCase or Python names) unless
// the schema takes a dict at that position (Dict, Optional[Dict], Union[Dict, ...], Any) and it is
// one (or names something else than arguments); class instances (torch.device, torch.float32) are
// never keyword arguments.
c10::IValue Run(torch::jit::Function& fn, const c10::IValue* self, const Napi::Value& args) {
  Napi::Env env = args.Env();
  const c10::FunctionSchema& schema = fn.getSchema();
  const std::vector<c10::Argument>& formals = schema.arguments();
  const size_t offset = self ? 1 : 0;
  Napi::Array list = args.IsArray() ? args.As<Napi::Array>() : Napi::Array::New(env, 0);
  uint32_t n = list.Length();
  torch::jit::Stack stack;
  torch::jit::Kwargs kwargs;
  if (self) stack.push_back(*self);
  auto mismatch = [&](const c10::Argument& formal, size_t position, const Napi::Value& value) {
    ThrowType(schema.name() + "() Expected a value of type '" + formal.type()->repr_str() + "' for argument '" + formal.name() +
              "' but instead found type '" + PyTypeName(value) + "'.\nPosition: " + std::to_string(position) +
              "\nDeclaration: " + c10::toString(schema));
  };
  if (n > 0) {
    Napi::Value last = list.Get(n - 1);
    size_t position = offset + n - 1;
    bool keywords = IsPlainObject(last);
    if (keywords && position < formals.size() && TakesDict(formals[position].type())) {
      // The dict argument, unless it is not one of that type and all its keys name arguments:
      // m.forward(x, {opts: {a: t}}) for forward(x, opts: Optional[Dict[str, Tensor]]).
      try {
        ToScript(last, formals[position].type());
        keywords = false;
      } catch (const Mismatch&) {
        for (const std::string& key : KeysOf(last))
          if (std::none_of(formals.begin() + offset, formals.end(), [&](const c10::Argument& a) { return a.name() == key || CamelCase(a.name()) == key; }))
            keywords = false;
      }
    }
    if (keywords) {
      --n;
      for (const std::string& key : KeysOf(last)) {
        Napi::Value value = last.As<Napi::Object>().Get(key);
        auto formal = std::find_if(formals.begin() + offset, formals.end(),
                                   [&](const c10::Argument& a) { return a.name() == key || CamelCase(a.name()) == key; });
        if (formal == formals.end()) {
          kwargs.emplace(key, Infer(value));  // libtorch names the unknown keyword
          continue;
        }
        try {
          kwargs.emplace(formal->name(), ToScript(value, formal->type()));
        } catch (const Mismatch&) {
          mismatch(*formal, formal - formals.begin(), value);
        }
      }
    }
  }
  for (uint32_t i = 0; i < n; ++i) {
    Napi::Value value = list.Get(i);
    size_t position = offset + i;
    if (position >= formals.size()) {
      stack.push_back(Infer(value));  // libtorch counts them in its error
      continue;
    }
    try {
      stack.push_back(ToScript(value, formals[position].type()));
    } catch (const Mismatch&) {
      mismatch(formals[position], position, value);
    }
  }
  try {
    if (self && torch::jit::tracer::isTracing()) return RunTraced(fn, std::move(stack), kwargs);
    return fn(std::move(stack), kwargs);
  } catch (const torch::jit::JITException& e) {
    // TorchScript's `raise`: Python's torch.jit.Error, lib/errors.ts's JITException (matched by name).
    Napi::Error error = Napi::Error::New(env, schema.name() + ": " + e.what());
    error.Set("name", Napi::String::New(env, "JITException"));
    throw error;
  }
}

torch::jit::Function& MethodFunction(const Module& m, const std::string& name) {
  if (auto method = m.find_method(name)) return method->function();
  TORCH_CHECK(false, m.type()->name() ? m.type()->name()->qualifiedName() : std::string("the module"), " has no method '", name, "'; its methods: ",
              c10::Join(", ", c10::fmap(m.get_methods(), [](const torch::jit::Method& x) { return x.name(); })));
}

std::string CodeOf(const torch::jit::Function& fn, bool method) {
  std::vector<c10::IValue> constants;
  torch::jit::PrintDepsTable deps;
  torch::jit::PythonPrint printer(constants, deps);
  if (method) printer.printMethod(fn);
  else printer.printFunction(fn);
  return printer.str();
}

std::string GraphOf(torch::jit::Function& fn) {
  std::ostringstream out;
  out << *torch::jit::toGraphFunction(fn).graph();
  return out.str();
}

std::optional<c10::Device> OptionalDevice(const Napi::Value& v) {
  if (IsNullish(v)) return std::nullopt;
  return ToDevice(v);
}

// ---- entry points -------------------------------------------------------------------------------

// The extra files (Python's _extra_files) an object names: its keys, with its string or byte values.
torch::jit::ExtraFilesMap ExtraFilesOf(const Napi::Value& v) {
  torch::jit::ExtraFilesMap files;
  if (IsNullish(v)) return files;
  if (!v.IsObject() || v.IsArray()) ThrowType("extraFiles must be an object of file names, got " + PyTypeName(v));
  Napi::Object o = v.As<Napi::Object>();
  Napi::Array names = o.GetPropertyNames();
  for (uint32_t i = 0; i < names.Length(); i++) {
    std::string name = names.Get(i).As<Napi::String>().Utf8Value();
    Napi::Value content = o.Get(name);
    if (content.IsString()) files[name] = content.As<Napi::String>().Utf8Value();
    else if (content.IsTypedArray() && content.As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array) {
      Napi::Uint8Array bytes = content.As<Napi::Uint8Array>();
      files[name] = std::string(reinterpret_cast<const char*>(bytes.Data()), bytes.ElementLength());
    } else {
      ThrowType("extraFiles['" + name + "'] must be a string or a Uint8Array, got " + PyTypeName(content));
    }
  }
  return files;
}

// jitLoad(path | Uint8Array, mapLocation | null, extraFiles | null): the module saved by torch.jit.save /
// ScriptModule.save; each extraFiles key gets the archive's file of that name as a Buffer, as Python fills _extra_files.
Napi::Value JitLoad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::optional<c10::Device> device = OptionalDevice(info[1]);
  torch::jit::ExtraFilesMap files = ExtraFilesOf(info[2]);
  Napi::Value module;
  if (info[0].IsString()) {
    module = WrapModule(env, torch::jit::load(info[0].As<Napi::String>().Utf8Value(), device, files));
  } else {
    if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
      ThrowType("expected a file path or a Uint8Array, got " + PyTypeName(info[0]));
    Napi::Uint8Array bytes = info[0].As<Napi::Uint8Array>();
    std::istringstream in(std::string(reinterpret_cast<const char*>(bytes.Data()), bytes.ElementLength()));
    module = WrapModule(env, torch::jit::load(in, device, files));
  }
  if (!IsNullish(info[2])) {
    Napi::Object o = info[2].As<Napi::Object>();
    for (const auto& [name, content] : files) o.Set(name, Napi::Buffer<char>::Copy(env, content.data(), content.size()));
  }
  return module;
}

// jitSave(m, path | null, extraFiles | null): writes the file, or returns its bytes as a Buffer.
Napi::Value JitSave(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Module& m = ModuleOf(info[0]);
  torch::jit::ExtraFilesMap files = ExtraFilesOf(info[2]);
  if (!IsNullish(info[1])) {
    m.save(ToString(env, info[1], "path"), files);
    return env.Undefined();
  }
  std::ostringstream out;
  m.save(out, files);
  std::string bytes = out.str();
  return Napi::Buffer<char>::Copy(env, bytes.data(), bytes.size());
}

Napi::Value JitDispose(const Napi::CallbackInfo& info) {
  ScriptBox* b = ScriptBoxOf(info[0]);
  if (!b) ThrowType("expected a ScriptModule");
  b->module.reset();
  b->unit.reset();
  return info.Env().Undefined();
}

// jitIsScript(v): whether v is a ScriptModule handle (live or disposed).
Napi::Value JitIsScript(const Napi::CallbackInfo& info) {
  ScriptBox* b = ScriptBoxOf(info[0]);
  return Napi::Boolean::New(info.Env(), b != nullptr && !b->unit);
}

Napi::Value JitIsDisposed(const Napi::CallbackInfo& info) {
  ScriptBox* b = ScriptBoxOf(info[0]);
  if (!b) ThrowType("expected a ScriptModule");
  return Napi::Boolean::New(info.Env(), !b->module && !b->unit);
}

// jitInfo(m): { key (the object's identity), typeName, methods, attributes: [name, kind][] } with
// kind 'parameter' | 'buffer' | 'module' | 'attribute' | 'constant', in the class's slot order.
Napi::Value JitInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Module& m = ModuleOf(info[0]);
  const c10::ClassTypePtr& type = m.type();
  Napi::Object out = Napi::Object::New(env);
  out.Set("key", KeyOf(m._ivalue().get()));
  out.Set("typeName", type->name() ? type->name()->qualifiedName() : std::string("Module"));
  auto str = [&](const std::string& s) -> Napi::Value { return Napi::String::New(env, s); };
  std::vector<Napi::Value> methods, attributes;
  for (const torch::jit::Method& method : m.get_methods()) methods.push_back(str(method.name()));
  for (size_t i = 0; i < type->numAttributes(); ++i) {
    const char* kind = type->is_parameter(i) ? "parameter" : type->is_buffer(i) ? "buffer" : type->getAttribute(i)->is_module() ? "module" : "attribute";
    attributes.push_back(NewArray(env, {str(type->getAttributeName(i)), str(kind)}));
  }
  for (size_t i = 0; i < type->numConstants(); ++i) attributes.push_back(NewArray(env, {str(type->getConstantName(i)), str("constant")}));
  out.Set("methods", NewArray(env, methods));
  out.Set("attributes", NewArray(env, attributes));
  return out;
}

// jitMethodInfo(m, name): { schema, code, graph } of a method.
Napi::Value JitMethodInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  torch::jit::Function& fn = MethodFunction(ModuleOf(info[0]), ToString(env, info[1], "name"));
  Napi::Object out = Napi::Object::New(env);
  out.Set("schema", c10::toString(fn.getSchema()));
  out.Set("code", CodeOf(fn, true));
  out.Set("graph", GraphOf(fn));
  return out;
}

// jitCheckGraph(m, name): what torch.jit.trace's check_trace compares, { text, nodes, nondeterministic }:
// the method's graph canonicalized, inlined and without shapes (its text, and [text, kind, tensor
// constant or null] of each top-level node), and the text of the graph's nondeterministic nodes.
Napi::Value JitCheckGraph(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<torch::jit::Graph> graph = torch::jit::toGraphFunction(MethodFunction(ModuleOf(info[0]), ToString(env, info[1], "name"))).graph();
  auto text = [](const auto& x) { std::ostringstream out; out << x; return out.str(); };
  std::vector<Napi::Value> nondeterministic;
  for (torch::jit::Node* n : graph->nodes())
    if (n->isNondeterministic()) nondeterministic.push_back(Napi::String::New(env, text(*n)));
  std::shared_ptr<torch::jit::Graph> canonical = torch::jit::Canonicalize(graph, /*keep_unique_names=*/true);
  torch::jit::Inline(*canonical);
  torch::jit::EraseShapeInformation(canonical);
  std::vector<Napi::Value> nodes;
  for (torch::jit::Node* n : canonical->nodes()) {
    Napi::Value constant = env.Null();
    if (n->kind() == c10::prim::Constant && !n->mustBeNone() && n->hasAttribute(c10::attr::value) && n->kindOf(c10::attr::value) == torch::jit::AttributeKind::t)
      constant = Napi::Value(env, WrapTensor(env, n->t(c10::attr::value)));
    nodes.push_back(NewArray(env, {Napi::String::New(env, text(*n)), Napi::String::New(env, n->kind().toQualString()), constant}));
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("text", text(*canonical));
  out.Set("nodes", NewArray(env, nodes));
  out.Set("nondeterministic", NewArray(env, nondeterministic));
  return out;
}

// jitRun(m, name, args[]): the method's result.
Napi::Value JitRun(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Module& m = ModuleOf(info[0]);
  std::string name = ToString(env, info[1], "name");
  torch::jit::Function& fn = MethodFunction(m, name);
  c10::IValue self = m._ivalue();
  return FromScript(env, Run(fn, &self, info[2]));
}

Napi::Value JitGetAttr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return FromScript(env, ModuleOf(info[0]).attr(ToString(env, info[1], "name")));
}

Napi::Value JitHasAttr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Napi::Boolean::New(env, ModuleOf(info[0]).hasattr(ToString(env, info[1], "name")));
}

// jitSetAttr(m, name, value): converted to the attribute's declared type.
Napi::Value JitSetAttr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Module& m = ModuleOf(info[0]);
  std::string name = ToString(env, info[1], "name");
  auto slot = m.type()->findAttributeSlot(name);
  if (!slot) {
    m.setattr(name, c10::IValue());  // libtorch's message (constant or missing attribute)
    return env.Undefined();
  }
  const c10::TypePtr& type = m.type()->getAttribute(*slot);
  try {
    m.setattr(name, ToScript(info[2], type));
  } catch (const Mismatch&) {
    ThrowType("Expected a value of type '" + type->repr_str() + "' for field '" + name + "', but found '" + PyTypeName(info[2]) + "'");
  }
  return env.Undefined();
}

// jitNamed(m, what, recurse): [name, handle, key][] of 'parameters' | 'buffers' | 'children'; the
// tensors are the module's own (same TensorImpl), the key tells the JS layer which wrapper to reuse.
Napi::Value JitNamed(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Module& m = ModuleOf(info[0]);
  std::string what = ToString(env, info[1], "what");
  bool recurse = ToBool(env, info[2], "recurse");
  std::vector<Napi::Value> out;
  auto add = [&](const std::string& name, Napi::Value handle, const void* identity) {
    out.push_back(NewArray(env, {Napi::String::New(env, name), handle, Napi::String::New(env, KeyOf(identity))}));
  };
  auto tensor = [&](const at::Tensor& t) { return Napi::Value(env, WrapTensor(env, t)); };
  if (what == "parameters") {
    for (const auto& p : m.named_parameters(recurse)) add(p.name, tensor(p.value), p.value.unsafeGetTensorImpl());
  } else if (what == "buffers") {
    for (const auto& b : m.named_buffers(recurse)) add(b.name, tensor(b.value), b.value.unsafeGetTensorImpl());
  } else if (what == "children") {
    for (const auto& c : m.named_children()) add(c.name, WrapModule(env, c.value), c.value._ivalue().get());
  } else {
    ThrowType("unknown kind '" + what + "'");
  }
  return NewArray(env, out);
}

Napi::Value JitTrain(const Napi::CallbackInfo& info) {
  Module& m = ModuleOf(info[0]);
  for (const Module& sub : m.modules())
    if (!sub.hasattr("training")) ThrowError(sub.type()->repr_str() + " has no 'training' attribute");
  m.train(ToBool(info.Env(), info[1], "mode"));
  return info.Env().Undefined();
}

Napi::Value JitTraining(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), ModuleOf(info[0]).attr("training", true).toBool());
}

Napi::Value JitSetTraining(const Napi::CallbackInfo& info) {
  ModuleOf(info[0]).setattr("training", ToBool(info.Env(), info[1], "training"));
  return info.Env().Undefined();
}

// jitCreate(spec): a module for tracing; spec = { typeName, training, parameters: [name, tensor][],
// buffers: [name, tensor][], children: [name, spec][] }. Tensors are registered as they are (shared).
Module CreateModule(const Napi::Object& spec, const std::shared_ptr<torch::jit::CompilationUnit>& unit) {
  Napi::Env env = spec.Env();
  Module m(c10::QualifiedName("__torch__." + ToString(env, spec.Get("typeName"), "typeName")), unit, /*shouldMangle=*/true);
  m.register_attribute("training", c10::BoolType::get(), ToBool(env, spec.Get("training"), "training"));
  auto each = [&](const char* list, auto&& fn) {
    Napi::Array items = spec.Get(list).As<Napi::Array>();
    for (uint32_t i = 0, n = items.Length(); i < n; ++i) {
      Napi::Array item = items.Get(i).As<Napi::Array>();
      fn(ToString(env, item.Get(0u), "name"), item.Get(1u));
    }
  };
  each("parameters", [&](const std::string& name, const Napi::Value& t) { m.register_parameter(name, TensorOf(env, t, name.c_str()), false); });
  each("buffers", [&](const std::string& name, const Napi::Value& t) { m.register_buffer(name, TensorOf(env, t, name.c_str())); });
  // A child { script: handle } is an existing ScriptModule (shared, not copied).
  each("children", [&](const std::string& name, const Napi::Value& child) {
    Napi::Value script = child.As<Napi::Object>().Get("script");
    m.register_module(name, IsNullish(script) ? CreateModule(child.As<Napi::Object>(), unit) : ModuleOf(script));
  });
  return m;
}

Napi::Value JitCreate(const Napi::CallbackInfo& info) {
  return WrapModule(info.Env(), CreateModule(info[0].As<Napi::Object>(), std::make_shared<torch::jit::CompilationUnit>()));
}

// jitTrace(m, methodName, fn, inputs[], strict, argumentNames[]): traces fn (a JS function called
// once, synchronously, with the inputs as handles/arrays/objects) with m as `self`, so that m's
// parameters and buffers become GetAttr nodes, and adds the graph to m as the method.
Napi::Value JitTrace(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Module& m = ModuleOf(info[0]);
  std::string methodName = ToString(env, info[1], "methodName");
  if (!info[2].IsFunction()) ThrowType("expected a function to trace");
  Napi::Function fn = info[2].As<Napi::Function>();
  if (!info[3].IsArray()) ThrowType("example inputs must be an array");
  Napi::Array examples = info[3].As<Napi::Array>();
  torch::jit::Stack inputs;
  for (uint32_t i = 0, n = examples.Length(); i < n; ++i) inputs.push_back(Infer(examples.Get(i)));
  bool strict = ToBool(env, info[4], "strict");
  std::vector<std::string> argumentNames;
  if (info[5].IsArray()) {
    Napi::Array names = info[5].As<Napi::Array>();
    for (uint32_t i = 0, n = names.Length(); i < n; ++i) argumentNames.push_back(ToString(env, names.Get(i), "argument name"));
  }
  if (m.find_method(methodName)) ThrowError("the module already has a method '" + methodName + "'");
  auto traced = [&](torch::jit::Stack stack) -> torch::jit::Stack {
    std::vector<Napi::Value> args;
    for (const c10::IValue& v : stack) args.push_back(FromIValue(env, v, nullptr));
    Napi::Value result = fn.Call(env.Undefined(), {NewArray(env, args)});
    if (IsNullish(result))
      ThrowError("The traced function didn't return any values! Side-effects are not captured in traces, so it would be a no-op.");
    return {Infer(result)};
  };
  auto names = [](const torch::autograd::Variable&) { return std::string(); };
  std::shared_ptr<torch::jit::Graph> graph =
      torch::jit::tracer::trace(std::move(inputs), traced, names, strict, /*force_outplace=*/false, &m, argumentNames).first->graph;
  auto function = m._ivalue()->compilation_unit()->create_function(c10::QualifiedName(*m.type()->name(), methodName), graph);
  m.type()->addMethod(function);
  return env.Undefined();
}

// ---- torch.jit.compile -------------------------------------------------------------------------

Napi::Value JitCompile(const Napi::CallbackInfo& info) {
  std::shared_ptr<torch::jit::CompilationUnit> unit = torch::jit::compile(ToString(info.Env(), info[0], "source"));
  return WrapScript(info.Env(), std::make_unique<ScriptBox>(ScriptBox{std::nullopt, std::move(unit)}));
}

// unitFunctions(cu): [name, schema, code, graph][] of its functions.
Napi::Value UnitFunctions(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto str = [&](const std::string& s) -> Napi::Value { return Napi::String::New(env, s); };
  std::vector<Napi::Value> out;
  for (torch::jit::Function* fn : UnitOf(info[0]).get_functions())
    out.push_back(NewArray(env, {str(fn->name()), str(c10::toString(fn->getSchema())), str(CodeOf(*fn, false)), str(GraphOf(*fn))}));
  return NewArray(env, out);
}

Napi::Value UnitRun(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  torch::jit::CompilationUnit& unit = UnitOf(info[0]);
  std::string name = ToString(env, info[1], "name");
  torch::jit::Function* fn = unit.find_function(c10::QualifiedName(name));
  if (!fn) ThrowError("the CompilationUnit has no function '" + name + "'");
  return FromScript(env, Run(*fn, nullptr, info[2]));
}

// A JS array of names (attribute or method names).
std::vector<std::string> NamesOf(const Napi::Value& v, const char* what) {
  Napi::Env env = v.Env();
  if (!v.IsArray()) ThrowType(std::string(what) + " must be an array of names");
  Napi::Array list = v.As<Napi::Array>();
  std::vector<std::string> out;
  for (uint32_t i = 0, n = list.Length(); i < n; ++i) out.push_back(ToString(env, list.Get(i), what));
  return out;
}

// jitFreeze(m, preservedAttrs): torch._C._freeze_module, a clone whose attributes, parameters and
// submodules (but the preserved ones and what preserved methods modify) are constants of its graphs.
Napi::Value JitFreeze(const Napi::CallbackInfo& info) {
  const Module& m = ModuleOf(info[0]);
  return WrapModule(info.Env(), torch::jit::freeze_module(m, NamesOf(info[1], "preserved_attrs")));
}

// jitDeepcopy(m): copy.deepcopy of a ScriptModule (its own parameters, buffers and attributes; shared code).
Napi::Value JitDeepcopy(const Napi::CallbackInfo& info) { return WrapModule(info.Env(), ModuleOf(info[0]).deepcopy()); }

// jitOptimizeFrozen(m, methods, optimizeNumerics): torch._C._jit_pass_optimize_frozen_graph on each method's graph.
Napi::Value JitOptimizeFrozen(const Napi::CallbackInfo& info) {
  Module& m = ModuleOf(info[0]);
  bool optimizeNumerics = ToBool(info.Env(), info[2], "optimize_numerics");
  for (const std::string& name : NamesOf(info[1], "preserved_methods")) {
    std::shared_ptr<torch::jit::Graph> graph = m.get_method(name).graph();
    torch::jit::OptimizeFrozenGraph(graph, optimizeNumerics);
  }
  return info.Env().Undefined();
}

// jitOptimizeForInference(m, otherMethods): torch._C._jit_pass_optimize_for_inference on a frozen
// module, in place (its forward and otherMethods: conv-add-relu fusion, MKLDNN ops, pre-transposed linear).
Napi::Value JitOptimizeForInference(const Napi::CallbackInfo& info) {
  Module& m = ModuleOf(info[0]);
  if (m.hasattr("training")) ThrowError("optimize_for_inference: the module must be frozen first");
  torch::jit::optimize_for_inference(m, NamesOf(info[1], "other_methods"));
  return info.Env().Undefined();
}

}  // namespace

void RegisterJit(napi_env env, napi_value exports) {
  static constexpr MethodEntry kEntries[] = {
      {"jitLoad", JitLoad, "torch.jit.load"},
      {"jitSave", JitSave, "torch.jit.save"},
      {"jitDispose", JitDispose, "ScriptModule.dispose"},
      {"jitIsScript", JitIsScript},
      {"jitIsDisposed", JitIsDisposed},
      {"jitInfo", JitInfo, "ScriptModule"},
      {"jitMethodInfo", JitMethodInfo, "ScriptModule"},
      {"jitRun", JitRun, "ScriptModule"},
      {"jitGetAttr", JitGetAttr, "ScriptModule.attr"},
      {"jitHasAttr", JitHasAttr, "ScriptModule.hasattr"},
      {"jitSetAttr", JitSetAttr, "ScriptModule.setAttr"},
      {"jitNamed", JitNamed, "ScriptModule"},
      {"jitTrain", JitTrain, "ScriptModule.train"},
      {"jitTraining", JitTraining, "ScriptModule.training"},
      {"jitSetTraining", JitSetTraining, "ScriptModule.training"},
      {"jitCreate", JitCreate, "torch.jit.trace"},
      {"jitTrace", JitTrace, "torch.jit.trace"},
      {"jitCheckGraph", JitCheckGraph, "torch.jit.trace"},
      {"jitCompile", JitCompile, "torch.jit.compile"},
      {"jitUnitFunctions", UnitFunctions, "CompilationUnit"},
      {"jitUnitRun", UnitRun, "CompilationUnit"},
      {"jitFreeze", JitFreeze, "torch.jit.freeze"},
      {"jitDeepcopy", JitDeepcopy, "copy.deepcopy"},
      {"jitOptimizeFrozen", JitOptimizeFrozen, "torch.jit.run_frozen_optimizations"},
      {"jitOptimizeForInference", JitOptimizeForInference, "torch.jit.optimize_for_inference"},
  };
  ExportAll(env, exports, kEntries);
}

}  // namespace tn
