#include "napi_util.h"

#include <c10/util/Exception.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>

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

// Python's processErrorMsg: libtorch's type names in messages as Python's tensor types
// ("[CPUFloatType [3]]" -> "[torch.FloatTensor [3]]"), for the eight types Python's legacy names cover.
std::string PythonTypeNames(std::string m) {
  if (m.find("Type") == std::string::npos) return m;
  static const std::pair<const char*, const char*> kBackends[] = {
      {"SparseCUDA", "torch.cuda.sparse."}, {"SparseCPU", "torch.sparse."}, {"CUDA", "torch.cuda."}, {"CPU", "torch."}};
  static const char* const kScalars[] = {"Byte", "Char", "Double", "Float", "Int", "Long", "Short", "Half"};
  for (const auto& [backend, module] : kBackends)
    for (const char* scalar : kScalars) {
      const std::string from = std::string(backend) + scalar + "Type", to = std::string(module) + scalar + "Tensor";
      for (size_t at = 0; (at = m.find(from, at)) != std::string::npos;) {
        if (at > 0 && std::isalpha(static_cast<unsigned char>(m[at - 1]))) {  // CPUFloatType inside SparseCPUFloatType
          at += from.size();
          continue;
        }
        m.replace(at, from.size(), to);
        at += to.size();
      }
    }
  return m;
}

std::string TorchMessage(const std::exception& e) {
  // TORCH_SHOW_CPP_STACKTRACES=1 asks for the C++ backtrace, as it does in Python (and pays for it).
  static const bool showStack = [] {
    const char* v = std::getenv("TORCH_SHOW_CPP_STACKTRACES");
    return v && *v && std::strcmp(v, "0") != 0;
  }();
  if (showStack) return e.what();
  if (auto* c10error = dynamic_cast<const c10::Error*>(&e)) return PythonTypeNames(CleanTorchMessage(c10error->what_without_backtrace()));
  return PythonTypeNames(CleanTorchMessage(e.what()));
}

std::string PyRepr(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);  // shortest round trip
  std::string sci(buf, res.ptr);
  size_t e = sci.find('e');
  std::string digits, sign;
  for (char c : sci.substr(0, e)) {
    if (c == '-') sign = "-";
    else if (c != '.') digits += c;
  }
  int exp = std::stoi(sci.substr(e + 1));
  if (exp < -4 || exp >= 16) {  // Python's repr switches to exponent form outside [1e-4, 1e16)
    std::string m = digits.substr(0, 1) + (digits.size() > 1 ? "." + digits.substr(1) : "");
    std::string ex = std::to_string(std::abs(exp));
    return sign + m + "e" + (exp < 0 ? "-" : "+") + (ex.size() < 2 ? "0" : "") + ex;
  }
  if (exp < 0) return sign + "0." + std::string(static_cast<size_t>(-exp - 1), '0') + digits;
  size_t whole = static_cast<size_t>(exp) + 1;
  if (digits.size() <= whole) return sign + digits + std::string(whole - digits.size(), '0') + ".0";
  return sign + digits.substr(0, whole) + "." + digits.substr(whole);
}

std::string CamelCase(const std::string& name) {
  // A constant written in capitals (GRID_SAMPLE_PADDING_MODES, NO_SWIZZLE; not T_0) keeps its spelling.
  size_t head = name.find_first_not_of('_');
  size_t headEnd = head == std::string::npos ? head : name.find('_', head);
  bool longHead = head != std::string::npos && (headEnd == std::string::npos ? name.size() : headEnd) - head >= 2;
  if (longHead && std::none_of(name.begin(), name.end(), [](char c) { return std::islower(static_cast<unsigned char>(c)); })) return name;
  std::string s = name;
  // A capitalised first word joined by '_' starts lower-case: T_max -> tMax, LU_data -> luData.
  size_t first = s.find_first_not_of('_');
  size_t sep = first == std::string::npos ? std::string::npos : s.find('_', first);
  if (sep != std::string::npos && sep + 1 < s.size() &&
      std::all_of(s.begin() + first, s.begin() + sep, [](char c) { return !std::islower(static_cast<unsigned char>(c)); }))
    std::transform(s.begin() + first, s.begin() + sep, s.begin() + first, [](char c) { return static_cast<char>(std::tolower(c)); });
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    bool inner = i > 0 && i + 1 < s.size() && std::isalnum(static_cast<unsigned char>(s[i - 1])) && std::isalnum(static_cast<unsigned char>(s[i + 1]));
    if (s[i] == '_' && inner) {
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(s[++i])));
    } else {
      out += s[i];
    }
  }
  return out;
}

namespace {
size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (std::tolower(a[i - 1]) == std::tolower(b[j - 1]) ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}
}  // namespace

std::string OptionMessage(const std::string& key, const std::vector<std::string>& allowed, bool undefinedValue) {
  if (undefinedValue && std::find(allowed.begin(), allowed.end(), key) != allowed.end())
    return "option '" + key + "' is undefined; leave it out to get the default (is a constant misspelt?)";
  std::string msg = "unexpected option '" + key + "'";
  std::string camel = CamelCase(key), guess;
  size_t best = 3;  // suggest a near miss (a typo of up to 2 letters) when no camelCase spelling fits
  for (const std::string& a : allowed) {
    if (a == camel) {
      guess = a;
      break;
    }
    size_t d = EditDistance(camel, a);
    if (d < best && d < a.size()) best = d, guess = a;
  }
  if (!guess.empty()) msg += " (did you mean '" + guess + "'?" + (guess == camel ? " options are camelCase" : "") + ")";
  if (allowed.empty()) return msg + "; it takes no options";
  msg += "; expected one of {";
  for (size_t i = 0; i < allowed.size(); ++i) msg += (i ? ", " : " ") + allowed[i];
  return msg + " }";
}

ErrKind KindOf(const std::exception& e) {
  if (dynamic_cast<const c10::IndexError*>(&e)) return ErrKind::Range;
  if (dynamic_cast<const c10::TypeError*>(&e)) return ErrKind::Type;
  if (dynamic_cast<const c10::LinAlgError*>(&e)) return ErrKind::LinAlg;
  if (dynamic_cast<const c10::OutOfMemoryError*>(&e)) return ErrKind::OutOfMemory;
  if (dynamic_cast<const c10::AcceleratorError*>(&e)) return ErrKind::Accelerator;
  return ErrKind::Error;
}

napi_value ThrowPending(napi_env env, const char* op, ErrKind kind, const std::string& msg) {
  std::string full = op && *op ? std::string(op) + ": " + msg : msg;
  switch (kind) {
    case ErrKind::Type: napi_throw_type_error(env, nullptr, full.c_str()); break;
    case ErrKind::Range: napi_throw_range_error(env, nullptr, full.c_str()); break;
    case ErrKind::LinAlg:
    case ErrKind::OutOfMemory:
    case ErrKind::Accelerator: {  // Python's error classes: lib/errors.ts recognises them by name
      const char* names[] = {"LinAlgError", "OutOfMemoryError", "AcceleratorError"};
      napi_value message, error, name;
      napi_create_string_utf8(env, full.c_str(), full.size(), &message);
      napi_create_error(env, nullptr, message, &error);
      napi_create_string_utf8(env, names[static_cast<int>(kind) - static_cast<int>(ErrKind::LinAlg)], NAPI_AUTO_LENGTH, &name);
      napi_set_named_property(env, error, "name", name);
      napi_throw(env, error);
      break;
    }
    default: napi_throw_error(env, nullptr, full.c_str()); break;
  }
  return nullptr;
}

napi_value RethrowJs(napi_env env, const Napi::Error& e) {
  try {
    e.ThrowAsJavaScriptException();
  } catch (const Napi::Error&) {
    // napi_throw failed (the env is shutting down): nothing can reach JS any more.
  }
  return nullptr;
}

namespace {
napi_valuetype TypeOf(napi_env env, napi_value v) {
  napi_valuetype t;
  Check(napi_typeof(env, v, &t));
  return t;
}
}  // namespace
bool IsNullish(napi_env env, napi_value v) {
  napi_valuetype t = TypeOf(env, v);
  return t == napi_undefined || t == napi_null;
}
bool IsArray(napi_env env, napi_value v) {
  bool a = false;
  Check(napi_is_array(env, v, &a));
  return a;
}

Napi::Array OwnKeys(const Napi::Object& object) {
  napi_value keys;
  const auto filter = static_cast<napi_key_filter>(napi_key_enumerable | napi_key_skip_symbols);
  if (napi_get_all_property_names(object.Env(), object, napi_key_own_only, filter, napi_key_numbers_to_strings, &keys) != napi_ok)
    throw Napi::Error::New(object.Env());  // the pending exception (a Proxy's ownKeys trap that threw)
  return Napi::Array(object.Env(), keys);
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
      ThrowType(std::string(what) + " must be an integer, got " + PyRepr(d));
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

std::vector<int64_t> ToIntList(napi_env env, napi_value v, const char* what, int64_t (*element)(napi_env, napi_value, const char*)) {
  if (!IsArray(env, v)) return {element(env, v, what)};
  uint32_t n = 0;
  Check(napi_get_array_length(env, v, &n));
  std::vector<int64_t> out(n);
  for (uint32_t i = 0; i < n; ++i) {
    napi_value e;
    Check(napi_get_element(env, v, i, &e));
    out[i] = element(env, e, what);
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
  napi_value f;  // a plain napi_callback: Napi::Function::New takes only C++ callables
  Check(napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, data, &f));
  Napi::Object(env, exports).Set(name, Napi::Function(env, f));
}

namespace {
// The C callback of every MethodEntry: finds the entry in the callback data, runs it inside Guard.
// One napi_get_cb_info (in CallbackInfo's constructor) serves both the entry and the arguments.
napi_value CallMethod(napi_env env, napi_callback_info cbinfo) {
  std::optional<Napi::CallbackInfo> info;
  try {
    info.emplace(env, cbinfo);
  } catch (const Napi::Error& e) {
    return RethrowJs(env, e);
  }
  const auto* m = static_cast<const MethodEntry*>(info->Data());
  return Guard(env, m->op ? m->op : m->name, [&]() -> napi_value { return m->fn(*info); });
}
}  // namespace

void ExportMethod(napi_env env, napi_value exports, const MethodEntry& m) {
  Export(env, exports, m.name, CallMethod, const_cast<MethodEntry*>(&m));
}

}  // namespace tn
