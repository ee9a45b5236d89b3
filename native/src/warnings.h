// libtorch's warnings (TORCH_WARN, TORCH_WARN_ONCE, deprecations) reach JS as process warnings:
// each native call collects them (a thread-local c10::WarningHandler, as Python's bindings do) and
// hands them to the JS handler lib/warnings.ts registered, which shows each once per call site.
#pragma once
#include <c10/util/Exception.h>
#include <node_api.h>

#include <vector>

namespace tn {

class WarningCapture : public c10::WarningHandler {
 public:
  WarningCapture() : guard_(this) {}
  void process(const c10::Warning& warning) override { warnings_.push_back(warning); }
  // Passes the collected warnings to JS; only while no JS exception is pending.
  void Flush(napi_env env) {
    if (!warnings_.empty()) Emit(env);
  }

 private:
  void Emit(napi_env env);
  c10::WarningUtils::WarningHandlerGuard guard_;
  std::vector<c10::Warning> warnings_;
};

}  // namespace tn
