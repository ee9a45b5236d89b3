// The error boundary, value conversion and registration shared by every native file. Entry points
// are node-addon-api (Napi::) functions in MethodEntry tables. Raw Node-API remains where
// node-addon-api has no wrapper (napi_get_all_property_names, basic-finalizer handles).
#pragma once
// Napi:: calls that fail throw Napi::Error (NAPI_CPP_EXCEPTIONS): libtorch throws C++ exceptions
// anyway, so one try/catch (Guard) turns every failure into a JS error.
#include <napi.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "warnings.h"

namespace tn {

// Thrown by binding code; turned into a JS error of the given kind at the boundary.
enum class ErrKind { Error, Type, Range, LinAlg, OutOfMemory, Accelerator };
struct JsError {
  ErrKind kind;
  std::string msg;
};
[[noreturn]] inline void ThrowType(std::string m) { throw JsError{ErrKind::Type, std::move(m)}; }
[[noreturn]] inline void ThrowRange(std::string m) { throw JsError{ErrKind::Range, std::move(m)}; }
[[noreturn]] inline void ThrowError(std::string m) { throw JsError{ErrKind::Error, std::move(m)}; }

// A Node-API call failed: a JS exception may already be pending (e.g. a throwing getter).
// A std::exception so that code catching only those (libtorch's autograd engine) passes it on.
struct NapiFailed : std::exception {
  const char* what() const noexcept override { return "a Node-API call failed"; }
};
inline void Check(napi_status s) {
  if (s != napi_ok) throw NapiFailed{};
}

// Strips libtorch's C++ backtrace ("Exception raised from ...") from c10::Error messages.
std::string CleanTorchMessage(const char* what);
// The message of a libtorch exception without its C++ backtrace. c10::Error::what() symbolizes the
// lazily captured backtrace (milliseconds); what_without_backtrace() does not.
std::string TorchMessage(const std::exception& e);

// A number as Python's repr prints it: 2.5, 1e+20, nan, inf (not std::to_string's 2.500000).
std::string PyRepr(double d);

// The one rule from Python's snake_case names to torchnode's camelCase (API.md "Naming"):
// rounding_mode -> roundingMode, T_max -> tMax, LU_data -> luData; leading/trailing '_' stay.
std::string CamelCase(const std::string& name);
// What is wrong with option `key`: "unexpected option 'rounding_mode' (did you mean 'roundingMode'?
// options are camelCase); expected one of { ... }", or, for a known key, that its value is undefined.
std::string OptionMessage(const std::string& key, const std::vector<std::string>& allowed, bool undefinedValue);

// The JS error class for a libtorch exception: IndexError -> RangeError, TypeError -> TypeError,
// LinAlgError, OutOfMemoryError, AcceleratorError -> an Error of that name (lib/errors.ts's classes).
ErrKind KindOf(const std::exception& e);

// Runs f; converts every C++ exception into a pending JS exception prefixed with `op`, and passes
// libtorch's warnings raised meanwhile to JS (before the error, as Python shows them).
napi_value ThrowPending(napi_env env, const char* op, ErrKind kind, const std::string& msg);
// Makes the JS exception that e holds pending again.
napi_value RethrowJs(napi_env env, const Napi::Error& e);
// Throws now the exception a Node-API call left for Node to rethrow (env->last_exception). Node 20 rethrows it
// only after the callback returns; a GC during that rethrow runs this addon's GC-time finalizers while it is
// still set, and Node then reports it as uncaught from inside the GC, a fatal V8 check (seen once in CI).
inline napi_value ThrowLastException(napi_env env) {
  napi_value error = nullptr;
  if (napi_get_and_clear_last_exception(env, &error) == napi_ok && error != nullptr) napi_throw(env, error);
  return nullptr;
}

template <class F>
inline napi_value Guard(napi_env env, const char* op, F&& f) {
  WarningCapture warnings;
  try {
    napi_value result = f();
    warnings.Flush(env);
    return result;
  } catch (const JsError& e) {
    warnings.Flush(env);
    return ThrowPending(env, op, e.kind, e.msg);
  } catch (const Napi::Error& e) {
    // A failed Napi:: call or a JS callback that threw: that JS exception, unchanged.
    return RethrowJs(env, e);
  } catch (const NapiFailed&) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (!pending) return ThrowPending(env, op, ErrKind::Error, "internal Node-API call failed");
    return ThrowLastException(env);
  } catch (const std::exception& e) {
    // A JS callback (a tensor hook) that threw leaves its exception pending: let it through as is.
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (pending) return ThrowLastException(env);
    warnings.Flush(env);
    return ThrowPending(env, op, KindOf(e), TorchMessage(e));
  } catch (...) {
    return ThrowPending(env, op, ErrKind::Error, "unknown native exception");
  }
}

bool IsNullish(napi_env env, napi_value v);
inline bool IsNullish(const Napi::Value& v) {  // one napi_typeof
  napi_valuetype t = v.Type();
  return t == napi_null || t == napi_undefined;
}
bool IsArray(napi_env env, napi_value v);
// An object's own enumerable string keys (numbers as strings), never inherited ones: a polluted
// Object.prototype must not reach native code. node-addon-api has no napi_get_all_property_names.
Napi::Array OwnKeys(const Napi::Object& object);
double ToDouble(napi_env env, napi_value v, const char* what);
int64_t ToInt64(napi_env env, napi_value v, const char* what);  // whole numbers or BigInt
bool ToBool(napi_env env, napi_value v, const char* what);
std::string ToString(napi_env env, napi_value v, const char* what);
// `element` converts each entry (ToInt64, or convert.cc's ToIndex that also takes Python's __index__ tensors).
std::vector<int64_t> ToIntList(napi_env env, napi_value v, const char* what,
                               int64_t (*element)(napi_env, napi_value, const char*) = ToInt64);

napi_value Undefined(napi_env env);
napi_value Null(napi_env env);
napi_value FromInt64(napi_env env, int64_t i);  // a number when exact, else a BigInt
napi_value FromBool(napi_env env, bool b);
napi_value FromString(napi_env env, const std::string& s);
napi_value FromIntList(napi_env env, const int64_t* p, size_t n);

// Registers a C Node-API function on `exports`: the MethodEntry trampoline and the tensor property
// readers (handle.cc), which find their table entry in the callback data.
void Export(napi_env env, napi_value exports, const char* name, napi_callback cb, void* data = nullptr);

// A file's node-addon-api entry points as one table: { JS name, Napi::Value fn(const
// Napi::CallbackInfo&), error prefix (default: the JS name) }, each run inside Guard by one shared
// trampoline.
using Method = Napi::Value (*)(const Napi::CallbackInfo& info);
struct MethodEntry {
  const char* name;
  Method fn;
  const char* op = nullptr;
};
void ExportMethod(napi_env env, napi_value exports, const MethodEntry& m);  // m: static storage
template <size_t N>
inline void ExportAll(napi_env env, napi_value exports, const MethodEntry (&entries)[N]) {
  for (const MethodEntry& m : entries) ExportMethod(env, exports, m);
}

}  // namespace tn
