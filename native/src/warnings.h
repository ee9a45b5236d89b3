// libtorch's warnings (TORCH_WARN, TORCH_WARN_ONCE, deprecations) reach JS as process warnings:
// each JS thread's c10 warning handler (installed when the addon loads there, as Python's bindings
// install theirs) buffers them, and every native call hands the buffer to the JS handler that
// lib/warnings.ts registered, which shows each once per call site.
#pragma once
#include <c10/util/Exception.h>
#include <node_api.h>

#include <vector>

namespace tn {

class WarningBuffer : public c10::WarningHandler {
 public:
  void process(const c10::Warning& warning) override { warnings_.push_back(warning); }
  bool empty() const { return warnings_.empty(); }
  // Passes the buffered warnings to JS; only while no JS exception is pending.
  void Emit(napi_env env);

 private:
  std::vector<c10::Warning> warnings_;
};

// This thread's buffer (the handler c10 calls on this thread once InstallWarningBuffer ran).
WarningBuffer& ThreadWarnings();
void InstallWarningBuffer();

// Used by Guard around every native call: a thread-local check, no call into libc10 per call.
struct WarningCapture {
  void Flush(napi_env env) {
    WarningBuffer& b = ThreadWarnings();
    if (!b.empty()) b.Emit(env);
  }
};

}  // namespace tn
