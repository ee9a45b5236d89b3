#include "napi_util.h"

#include <c10/util/Exception.h>

#include <cmath>
#include <cstring>

namespace tn {

std::string CleanTorchMessage(const char* what) {
  std::string m(what ? what : "");
  // c10::Error::what() appends "Exception raised from <fn> at <file>:<line> ..." and a backtrace.
  // CAFFE_ENFORCE / internal asserts put a frame list ("frame #0: ...") after the message instead.
  for (const char* marker : {"Exception raised from", "frame #0"}) {
    size_t cut = m.find(marker);
    if (cut != std::string::npos) m.resize(cut);
  }
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

ErrKind KindOf(const std::exception& e) {
  if (dynamic_cast<const c10::IndexError*>(&e)) return ErrKind::Range;
  if (dynamic_cast<const c10::TypeError*>(&e)) return ErrKind::Type;
  return ErrKind::Error;
}

napi_value ThrowPending(napi_env env, const char* op, ErrKind kind, const std::string& msg) {
  std::string full = op && *op ? std::string(op) + ": " + msg : msg;
  switch (kind) {
    case ErrKind::Type: napi_throw_type_error(env, nullptr, full.c_str()); break;
    case ErrKind::Range: napi_throw_range_error(env, nullptr, full.c_str()); break;
    default: napi_throw_error(env, nullptr, full.c_str()); break;
  }
  return nullptr;
}

napi_valuetype TypeOf(napi_env env, napi_value v) {
  napi_valuetype t;
  Check(napi_typeof(env, v, &t));
  return t;
}
bool IsNullish(napi_env env, napi_value v) {
  napi_valuetype t = TypeOf(env, v);
  return t == napi_undefined || t == napi_null;
}
bool IsArray(napi_env env, napi_value v) {
  bool a = false;
  Check(napi_is_array(env, v, &a));
  return a;
}

double ToDouble(napi_env env, napi_value v, const char* what) {
  double d;
  if (napi_get_value_double(env, v, &d) == napi_ok) return d;
  napi_valuetype t = TypeOf(env, v);
  if (t == napi_bigint) {
    int64_t i;
    bool lossless;
    Check(napi_get_value_bigint_int64(env, v, &i, &lossless));
    return static_cast<double>(i);
  }
  if (t == napi_boolean) return ToBool(env, v, what) ? 1.0 : 0.0;
  ThrowType(std::string(what) + " must be a number");
}

int64_t ToInt64(napi_env env, napi_value v, const char* what) {
  double d;
  if (napi_get_value_double(env, v, &d) == napi_ok) {
    if (!std::isfinite(d) || std::floor(d) != d)
      ThrowType(std::string(what) + " must be an integer, got " + std::to_string(d));
    if (std::fabs(d) > 9007199254740992.0) ThrowRange(std::string(what) + " is beyond 2^53: pass a BigInt");
    return static_cast<int64_t>(d);
  }
  napi_valuetype t = TypeOf(env, v);
  if (t == napi_bigint) {
    int64_t i;
    bool lossless;
    Check(napi_get_value_bigint_int64(env, v, &i, &lossless));
    if (!lossless) ThrowRange(std::string(what) + " does not fit in int64");
    return i;
  }
  if (t == napi_boolean) return ToBool(env, v, what) ? 1 : 0;
  ThrowType(std::string(what) + " must be an integer");
}

bool ToBool(napi_env env, napi_value v, const char* what) {
  bool b;
  if (napi_get_value_bool(env, v, &b) != napi_ok) ThrowType(std::string(what) + " must be a boolean");
  return b;
}

std::string ToString(napi_env env, napi_value v, const char* what) {
  size_t n = 0;
  if (napi_get_value_string_utf8(env, v, nullptr, 0, &n) != napi_ok)
    ThrowType(std::string(what) + " must be a string");
  std::string s(n, '\0');
  Check(napi_get_value_string_utf8(env, v, s.data(), n + 1, &n));
  return s;
}

std::vector<int64_t> ToIntList(napi_env env, napi_value v, const char* what) {
  if (!IsArray(env, v)) return {ToInt64(env, v, what)};
  uint32_t n = 0;
  Check(napi_get_array_length(env, v, &n));
  std::vector<int64_t> out(n);
  for (uint32_t i = 0; i < n; ++i) {
    napi_value e;
    Check(napi_get_element(env, v, i, &e));
    out[i] = ToInt64(env, e, what);
  }
  return out;
}

napi_value Undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}
napi_value Null(napi_env env) {
  napi_value u;
  napi_get_null(env, &u);
  return u;
}
napi_value FromDouble(napi_env env, double d) {
  napi_value out;
  Check(napi_create_double(env, d, &out));
  return out;
}
napi_value FromInt64(napi_env env, int64_t i) {
  napi_value out;
  if (i >= -9007199254740992LL && i <= 9007199254740992LL)
    Check(napi_create_int64(env, i, &out));
  else
    Check(napi_create_bigint_int64(env, i, &out));
  return out;
}
napi_value FromBool(napi_env env, bool b) {
  napi_value out;
  Check(napi_get_boolean(env, b, &out));
  return out;
}
napi_value FromString(napi_env env, const std::string& s) {
  napi_value out;
  Check(napi_create_string_utf8(env, s.data(), s.size(), &out));
  return out;
}
napi_value FromIntList(napi_env env, const int64_t* p, size_t n) {
  napi_value arr;
  Check(napi_create_array_with_length(env, n, &arr));
  for (size_t i = 0; i < n; ++i) Check(napi_set_element(env, arr, static_cast<uint32_t>(i), FromInt64(env, p[i])));
  return arr;
}

void Export(napi_env env, napi_value exports, const char* name, napi_callback cb, void* data) {
  napi_value f;
  Check(napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, data, &f));
  Check(napi_set_named_property(env, exports, name, f));
}

}  // namespace tn
