// Small helpers over the plain C Node-API: argument access, errors, value conversion.
// The hot path uses the C API directly (node-addon-api's C++ wrappers add exception plumbing).
#pragma once
#include <node_api.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace tn {

// Thrown by binding code; turned into a JS error of the given kind at the boundary.
enum class ErrKind { Error, Type, Range };
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

// The JS error class for a libtorch exception: IndexError -> RangeError, TypeError -> TypeError.
ErrKind KindOf(const std::exception& e);

// Runs f; converts every C++ exception into a pending JS exception prefixed with `op`.
napi_value ThrowPending(napi_env env, const char* op, ErrKind kind, const std::string& msg);
template <class F>
inline napi_value Guard(napi_env env, const char* op, F&& f) {
  try {
    return f();
  } catch (const JsError& e) {
    return ThrowPending(env, op, e.kind, e.msg);
  } catch (const NapiFailed&) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (!pending) return ThrowPending(env, op, ErrKind::Error, "internal Node-API call failed");
    return nullptr;
  } catch (const std::exception& e) {
    // A JS callback (a tensor hook) that threw leaves its exception pending: let it through as is.
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (pending) return nullptr;
    return ThrowPending(env, op, KindOf(e), CleanTorchMessage(e.what()));
  } catch (...) {
    return ThrowPending(env, op, ErrKind::Error, "unknown native exception");
  }
}

// Fixed-capacity argument list of one call.
template <size_t N>
struct Args {
  napi_value v[N];
  napi_value self = nullptr;
  size_t argc = N;
  void* data = nullptr;
  Args(napi_env env, napi_callback_info info) {
    Check(napi_get_cb_info(env, info, &argc, v, &self, &data));
    napi_value u;
    napi_get_undefined(env, &u);
    for (size_t i = argc < N ? argc : N; i < N; ++i) v[i] = u;
  }
  napi_value operator[](size_t i) const { return v[i]; }
};

napi_valuetype TypeOf(napi_env env, napi_value v);
bool IsNullish(napi_env env, napi_value v);
bool IsArray(napi_env env, napi_value v);
double ToDouble(napi_env env, napi_value v, const char* what);
int64_t ToInt64(napi_env env, napi_value v, const char* what);  // whole numbers or BigInt
bool ToBool(napi_env env, napi_value v, const char* what);
std::string ToString(napi_env env, napi_value v, const char* what);
std::vector<int64_t> ToIntList(napi_env env, napi_value v, const char* what);

napi_value Undefined(napi_env env);
napi_value Null(napi_env env);
napi_value FromDouble(napi_env env, double d);
napi_value FromInt64(napi_env env, int64_t i);  // a number when exact, else a BigInt
napi_value FromBool(napi_env env, bool b);
napi_value FromString(napi_env env, const std::string& s);
napi_value FromIntList(napi_env env, const int64_t* p, size_t n);

// Registers a function on `exports`.
void Export(napi_env env, napi_value exports, const char* name, napi_callback cb, void* data = nullptr);

}  // namespace tn
