// libtorch's C++ log as Node warnings. Without glog (PyTorch's wheels), c10's LOG(WARNING) and
// LOG(ERROR) write "[W1203 05:20:08.109008902 NNPACK.cpp:56] message\n" to std::cerr, one whole
// record and a flush per line. std::cerr's buffer is replaced, once per process, by one that hands
// such records written on a JS thread to that thread's WarningBuffer (shown as TorchCppLogWarning,
// each distinct one once per thread: NNPACK's comes with every convolution on some CPUs) and passes
// everything else through to stderr unchanged: other output, INFO and FATAL records, records written
// by libtorch's own threads, and records longer than its buffer.
#include <c10/util/Logging.h>

#include <cctype>
#include <cstring>
#include <iostream>
#include <mutex>
#include <streambuf>
#include <string>

#include "napi_util.h"
#include "warnings.h"

namespace tn {
namespace {

// "[W1203 05:20:08.109008902 NNPACK.cpp:56] text\n" -> "text (Triggered internally at NNPACK.cpp:56.)",
// with c10's "[rank0]:" prefix (set by torch.distributed) kept in front; empty unless it is a warning
// or error record of c10's format (month and day as one unpadded number, time, file:line).
std::string WarningFromRecord(const std::string& record) {
  size_t at = 0;
  std::string rank;
  if (record.compare(0, 5, "[rank") == 0) {
    at = record.find("]:");
    if (at == std::string::npos) return {};
    at += 2;
    rank = record.substr(0, at) + " ";
  }
  auto digits = [&](size_t from) {
    size_t to = from;
    while (to < record.size() && std::isdigit(static_cast<unsigned char>(record[to]))) ++to;
    return to;
  };
  if (record.size() < at + 3 || record[at] != '[' || (record[at + 1] != 'W' && record[at + 1] != 'E')) return {};
  const size_t date = digits(at + 2);
  if (date == at + 2 || date >= record.size() || record[date] != ' ') return {};
  const size_t where = record.find(' ', date + 1);  // after the time
  const size_t end = where == std::string::npos ? where : record.find("] ", where);
  if (end == std::string::npos || record.find(' ', where + 1) < end) return {};
  std::string text = record.substr(end + 2);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return rank + text + " (Triggered internally at " + record.substr(where + 1, end - where - 1) + ".)";
}

// A record being written on this thread. Trivially destructible: libtorch may log from static
// destructors at exit, after this thread's other thread_locals are gone.
thread_local char pending[8192];
thread_local size_t pendingSize = 0;

class CppLogRouter : public std::streambuf {
 public:
  explicit CppLogRouter(std::streambuf* stderrBuffer) : stderr_(stderrBuffer) {}

 protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    // Only something that starts like a record waits for its flush; the rest goes out at once, and
    // so does a record too long for the buffer.
    if (pendingSize == 0 && (n == 0 || s[0] != '[')) return PassThrough(s, n) ? n : 0;
    if (pendingSize + static_cast<size_t>(n) > sizeof(pending)) {
      const bool ok = PassThrough(pending, static_cast<std::streamsize>(pendingSize)) && PassThrough(s, n);
      pendingSize = 0;
      return ok ? n : 0;
    }
    std::memcpy(pending + pendingSize, s, static_cast<size_t>(n));
    pendingSize += static_cast<size_t>(n);
    return n;
  }
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    const char ch = traits_type::to_char_type(c);
    return xsputn(&ch, 1) == 1 ? c : traits_type::eof();
  }
  // std::cerr is unit-buffered: every `<<` ends here, and c10 writes a record with one `<<`.
  int sync() override {
    if (pendingSize == 0) return 0;
    std::string record(pending, pendingSize);
    pendingSize = 0;
    WarningBuffer* js = JsThreadWarnings();
    if (js && record.back() == '\n') {
      std::string warning = WarningFromRecord(record);
      if (!warning.empty()) {
        js->Log(std::move(warning));
        return 0;
      }
    }
    return PassThrough(record.data(), static_cast<std::streamsize>(record.size())) ? 0 : -1;
  }

 private:
  bool PassThrough(const char* s, std::streamsize n) {
    std::lock_guard<std::mutex> lock(mutex_);
    const bool ok = stderr_->sputn(s, n) == n;
    return stderr_->pubsync() == 0 && ok;
  }

  std::streambuf* stderr_;
  std::mutex mutex_;
};

// writeCppLog(severity, message): one line through c10's LOG (what libtorch's own code calls), so that
// tests see the routing without depending on a CPU that makes libtorch log (NNPACK's on AMD).
Napi::Value WriteCppLog(const Napi::CallbackInfo& info) {
  const std::string severity = ToString(info.Env(), info[0], "severity");
  const std::string message = ToString(info.Env(), info[1], "message");
  // Braces: LOG is an unbraced `if`, which would take an `else` of ours.
  if (severity == "warning") {
    LOG(WARNING) << message;
  } else if (severity == "error") {
    LOG(ERROR) << message;
  } else if (severity == "info") {
    LOG(INFO) << message;
  } else {
    ThrowRange("severity must be 'info', 'warning' or 'error', got '" + severity + "'");
  }
  return info.Env().Undefined();
}

}  // namespace

void RouteCppLogToWarnings() {
  // Never freed: libtorch may log while the process exits, after static destructors ran.
  static CppLogRouter* router = new CppLogRouter(std::cerr.rdbuf());
  std::cerr.rdbuf(router);
}

void RegisterCppLog(napi_env env, napi_value exports) {
  static constexpr MethodEntry kEntries[] = {{"writeCppLog", WriteCppLog}};
  ExportAll(env, exports, kEntries);
}

}  // namespace tn
