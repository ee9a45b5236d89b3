#include "warnings.h"

#include <string>
#include <variant>

#include "handle.h"
#include "ops.h"

namespace tn {
namespace {

// setWarningHandler(fn | null): the JS function (message, category) that shows a warning; one per
// env (main thread, each worker), kept by the env's Torchnode.
Napi::Value SetWarningHandler(const Napi::CallbackInfo& info) {
  Torchnode& addon = *info.Env().GetInstanceData<Torchnode>();
  addon.warningHandler.Reset();
  if (!IsNullish(info.Env(), info[0])) {
    if (!info[0].IsFunction()) ThrowType("handler must be a function");
    addon.warningHandler = Napi::Persistent(info[0].As<Napi::Function>());
  }
  return info.Env().Undefined();
}

}  // namespace

namespace {
thread_local bool bufferInstalled = false;  // this thread's buffer became c10's handler here
}  // namespace

WarningBuffer::~WarningBuffer() {
  bufferInstalled = false;
  if (c10::WarningUtils::get_warning_handler() == this) c10::WarningUtils::set_warning_handler(nullptr);  // c10's default
}

WarningBuffer& ThreadWarnings() {
  thread_local WarningBuffer buffer;
  return buffer;
}

void InstallWarningBuffer() {
  c10::WarningUtils::set_warning_handler(&ThreadWarnings());
  bufferInstalled = true;
}

WarningBuffer* JsThreadWarnings() {
  // Not "while c10's handler is ours": a backward pass swaps in the engine's own (it replays
  // TORCH_WARNs afterwards, but never sees log records), and the call's Flush empties ours anyway.
  return bufferInstalled ? &ThreadWarnings() : nullptr;  // libtorch's own threads: no buffer is made there
}

void WarningBuffer::Log(std::string line) {
  constexpr size_t kRemembered = 10000;  // bounded, as lib/warnings.ts's registry
  if (loggedBefore_.count(line)) return;
  if (loggedBefore_.size() >= kRemembered) loggedBefore_.clear();
  loggedBefore_.insert(line);
  logLines_.push_back(std::move(line));
}

void WarningBuffer::Emit(napi_env env) {
  std::vector<c10::Warning> warnings;
  std::vector<std::string> logLines;
  warnings.swap(warnings_);  // whatever happens below, each warning is handed on (or dropped) once
  logLines.swap(logLines_);
  Napi::Env e(env);
  if (e.IsExceptionPending()) return;
  auto* addon = e.GetInstanceData<Torchnode>();  // null during module init
  if (!addon || addon->warningHandler.IsEmpty()) return;
  auto show = [&](const std::string& msg, const char* category) {
    try {
      addon->warningHandler.Call(e.Global(), {Napi::String::New(e, msg), Napi::String::New(e, category)});
      return true;
    } catch (const Napi::Error& error) {
      RethrowJs(env, error);  // the handler threw: its exception is reported by the caller
      return false;
    }
  };
  for (const c10::Warning& w : warnings) {
    // PyTorch's text: the message, plus where libtorch raised it unless the warning is verbatim.
    std::string msg = w.msg();
    if (!w.verbatim()) {
      const c10::SourceLocation& loc = w.source_location();
      msg += " (Triggered internally at " + std::string(loc.file) + ":" + std::to_string(loc.line) + ".)";
    }
    if (!show(msg, std::holds_alternative<c10::DeprecationWarning>(w.type()) ? "DeprecationWarning" : "UserWarning")) return;
  }
  for (const std::string& line : logLines)
    if (!show(line, "TorchCppLogWarning")) return;
}

void RegisterWarnings(napi_env env, napi_value exports) {
  InstallWarningBuffer();  // module init runs on the env's JS thread
  static constexpr MethodEntry kEntries[] = {{"setWarningHandler", SetWarningHandler}};
  ExportAll(env, exports, kEntries);
}

}  // namespace tn
