#include "warnings.h"

#include <string>
#include <variant>

#include "napi_util.h"
#include "ops.h"

namespace tn {
namespace {

// The JS function (message, category) that shows a warning; one per thread, as each thread that
// loads the addon (main, workers) has its own JS environment.
thread_local napi_env t_handlerEnv = nullptr;
thread_local napi_ref t_handler = nullptr;

// setWarningHandler(fn | null)
napi_value SetWarningHandler(napi_env env, napi_callback_info info) {
  return Guard(env, "setWarningHandler", [&] {
    Args<1> a(env, info);
    if (t_handler && t_handlerEnv == env) napi_delete_reference(env, t_handler);
    t_handler = nullptr;
    t_handlerEnv = nullptr;
    if (!IsNullish(env, a[0])) {
      if (TypeOf(env, a[0]) != napi_function) ThrowType("handler must be a function");
      Check(napi_create_reference(env, a[0], 1, &t_handler));
      t_handlerEnv = env;
    }
    return Undefined(env);
  });
}

}  // namespace

WarningBuffer& ThreadWarnings() {
  thread_local WarningBuffer buffer;
  return buffer;
}

void InstallWarningBuffer() { c10::WarningUtils::set_warning_handler(&ThreadWarnings()); }

void WarningBuffer::Emit(napi_env env) {
  std::vector<c10::Warning> warnings;
  warnings.swap(warnings_);  // whatever happens below, each warning is handed on (or dropped) once
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) != napi_ok || pending) return;
  if (!t_handler || t_handlerEnv != env) return;
  napi_value fn, global, result;
  if (napi_get_reference_value(env, t_handler, &fn) != napi_ok || napi_get_global(env, &global) != napi_ok) return;
  for (const c10::Warning& w : warnings) {
    // PyTorch's text: the message, plus where libtorch raised it unless the warning is verbatim.
    std::string msg = w.msg();
    if (!w.verbatim()) {
      const c10::SourceLocation& loc = w.source_location();
      msg += " (Triggered internally at " + std::string(loc.file) + ":" + std::to_string(loc.line) + ".)";
    }
    const char* category = std::holds_alternative<c10::DeprecationWarning>(w.type()) ? "DeprecationWarning" : "UserWarning";
    napi_value args[2];
    if (napi_create_string_utf8(env, msg.data(), msg.size(), &args[0]) != napi_ok ||
        napi_create_string_utf8(env, category, NAPI_AUTO_LENGTH, &args[1]) != napi_ok ||
        napi_call_function(env, global, fn, 2, args, &result) != napi_ok)
      return;  // the handler threw: its exception stays pending and is reported by the caller
  }
}

void RegisterWarnings(napi_env env, napi_value exports) {
  InstallWarningBuffer();  // module init runs on the env's JS thread
  Export(env, exports, "setWarningHandler", SetWarningHandler);
}

}  // namespace tn
