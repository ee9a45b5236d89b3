// libtorch's warnings (TORCH_WARN, TORCH_WARN_ONCE, deprecations) reach JS as process warnings:
// each JS thread's c10 warning handler (installed when the addon loads there, as Python's bindings
// install theirs) buffers them, and every native call hands the buffer to the JS handler that
// lib/warnings.ts registered, which shows each once per call site. libtorch's C++ log lines
// (`[W… NNPACK.cpp:56] …` on stderr) take the same way: cpp_log.cc.
#pragma once
#include <c10/util/Exception.h>
#include <node_api.h>

#include <string>
#include <unordered_set>
#include <vector>

namespace tn {

class WarningBuffer : public c10::WarningHandler {
 public:
  // At thread exit: c10 and cpp_log.cc stop handing this thread's warnings to it.
  ~WarningBuffer() override;
  void process(const c10::Warning& warning) override { warnings_.push_back(warning); }
  // A warning or error record of libtorch's C++ log, as "text (Triggered internally at file:line.)":
  // each distinct one once per thread (libtorch logs NNPACK's on every convolution on some CPUs).
  void Log(std::string line);
  bool empty() const { return warnings_.empty() && logLines_.empty(); }
  // Passes the buffered warnings to JS; only while no JS exception is pending.
  void Emit(napi_env env);

 private:
  std::vector<c10::Warning> warnings_;
  std::vector<std::string> logLines_;
  std::unordered_set<std::string> loggedBefore_;
};

// This thread's buffer (the handler c10 calls on this thread once InstallWarningBuffer ran).
WarningBuffer& ThreadWarnings();
void InstallWarningBuffer();
// This thread's buffer on a JS thread (where InstallWarningBuffer ran), else null.
WarningBuffer* JsThreadWarnings();
// Once per process: libtorch's log lines written on a JS thread become that thread's warnings.
void RouteCppLogToWarnings();

// Used by Guard around every native call: a thread-local check, no call into libc10 per call.
struct WarningCapture {
  void Flush(napi_env env) {
    WarningBuffer& b = ThreadWarnings();
    if (!b.empty()) b.Emit(env);
  }
};

}  // namespace tn
