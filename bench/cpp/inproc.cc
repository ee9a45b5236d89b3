// The C++ workloads of bench.cpp as a Node addon (bench/build/bench_inproc.node), so that
// bench/node/inproc.mjs can time them and torchnode's in the same process, round by round: this
// machine's speed drifts between processes by more than the differences asked about.
#define main bench_cpp_main  // bench.cpp's workloads and their dispatch, one source for both builds
#include "bench.cpp"
#undef main

#include <ATen/record_function.h>
#include <node_api.h>
#include <torch/csrc/autograd/graph_task.h>

#include <map>
#include <optional>

namespace {

// Start and End as a RecordFunction callback of this thread while alive (OpTimes, BetweenOps).
class ThreadCallback {
 public:
  ThreadCallback(at::RecordFunctionCallback::StartCallback start, at::RecordFunctionCallback::EndCallback end)
      : handle_(at::addThreadLocalCallback(at::RecordFunctionCallback(start, end).needsInputs(false))) {}
  ~ThreadCallback() { at::removeCallback(handle_); }
  ThreadCallback(const ThreadCallback&) = delete;
  ThreadCallback& operator=(const ThreadCallback&) = delete;

 private:
  at::CallbackHandle handle_;
};

// Inclusive time of every op (each RecordFunction: aten ops, autograd nodes) that runs on this thread
// while an OpTimes is alive, per name, added into *sink: what compareOps reports for each side.
class OpTimes {
 public:
  explicit OpTimes(std::map<std::string, double>* sink) { t_sink = sink; }
  ~OpTimes() { t_sink = nullptr; }

 private:
  struct Began : at::ObserverContext {
    Clock::time_point at = Clock::now();
  };
  static std::unique_ptr<at::ObserverContext> Start(const at::RecordFunction&) { return std::make_unique<Began>(); }
  static void End(const at::RecordFunction& fn, at::ObserverContext* began) {
    if (t_sink) (*t_sink)[fn.name()] += std::chrono::duration<double, std::micro>(Clock::now() - static_cast<Began*>(began)->at).count();
  }
  static thread_local std::map<std::string, double>* t_sink;
  ThreadCallback callback_{Start, End};
};
thread_local std::map<std::string, double>* OpTimes::t_sink = nullptr;

// While alive, calls `between` after every top-level op that runs on this thread outside a backward
// pass (Node runs a backward as one native call), and keeps the calls' time in excludedS; without
// `between` it only counts, so that both sides pay the same RecordFunction overhead.
class BetweenOps {
 public:
  explicit BetweenOps(std::function<void()> between) : between_(std::move(between)) { t_self = this; }
  ~BetweenOps() { t_self = nullptr; }
  double excludedS = 0;

 private:
  static std::unique_ptr<at::ObserverContext> Start(const at::RecordFunction&) {
    if (t_self) ++t_self->depth_;
    return nullptr;
  }
  static void End(const at::RecordFunction& fn, at::ObserverContext*) {
    BetweenOps* self = t_self;
    if (!self || --self->depth_ != 0 || !self->between_ || self->calling_ || fn.scope() != at::RecordScope::FUNCTION ||
        torch::autograd::get_current_graph_task_id() != -1)
      return;
    const auto t0 = Clock::now();
    self->calling_ = true;  // ops that between() itself runs call nothing
    self->between_();
    self->calling_ = false;
    self->excludedS += std::chrono::duration<double>(Clock::now() - t0).count();
  }
  static thread_local BetweenOps* t_self;
  std::function<void()> between_;
  long depth_ = 0;
  bool calling_ = false;
  ThreadCallback callback_{Start, End};
};
thread_local BetweenOps* BetweenOps::t_self = nullptr;

// [a, b] as a JS array.
napi_value PairOf(napi_env env, double a, double b) {
  napi_value pair, first, second;
  napi_create_array_with_length(env, 2, &pair);
  napi_create_double(env, a, &first);
  napi_create_double(env, b, &second);
  napi_set_element(env, pair, 0, first);
  napi_set_element(env, pair, 1, second);
  return pair;
}

// compare(workload, jsRun, rounds) -> [[cppUs, jsUs], ...]: builds the C++ workload, warms it up for
// kWarmupS and JS for as many steps, then alternates one round of n C++ steps with one of jsRun(n)
// (n sized to half a kTargetS round of C++). jsRun runs n steps of the torchnode workload.
// With a 4th argument, between (a JS function), compare and compareOps run the C++ steps one at a time and call
// between() after each, outside the timing: what JS run between libtorch calls does to them.
// compareOps(workload, jsRun, rounds) -> { opName: [cppUs, jsUs] per step }: the same rounds with
// every op timed (OpTimes), which slows both sides alike; where in the step the two sides differ.
// compareBetweenOps(workload, jsRun, rounds[, between]): compare's rounds with between() after every
// top-level op of the C++ step instead (BetweenOps), its time left out; both sides carry the hook.
napi_value CompareRounds(napi_env env, napi_callback_info info, bool ops, bool atOps = false) {
  size_t argc = 4;
  napi_value args[4];
  napi_get_cb_info(env, info, &argc, args, nullptr, nullptr);
  char workload[32] = {0};
  size_t len = 0;
  int32_t rounds = 0;
  if (argc < 3 || napi_get_value_string_utf8(env, args[0], workload, sizeof workload, &len) != napi_ok ||
      napi_get_value_int32(env, args[2], &rounds) != napi_ok || rounds < 1) {
    napi_throw_type_error(env, nullptr, "compare/compareOps(workload: string, jsRun: (n) => void, rounds >= 1)");
    return nullptr;
  }
  napi_value jsRun = args[1];
  napi_valuetype betweenType = napi_undefined;
  if (argc == 4) napi_typeof(env, args[3], &betweenType);
  bool failed = false;
  const auto call = [&](napi_value fn, size_t argn, napi_value* argv) {
    napi_value global, ignored;
    napi_get_global(env, &global);
    failed = failed || napi_call_function(env, global, fn, argn, argv, &ignored) != napi_ok;
  };
  const std::function<void(long)> js = [&](long n) {
    napi_value count;
    napi_create_int64(env, n, &count);
    call(jsRun, 1, &count);
  };
  // Microseconds per C++ step, with between() after each step (or each op: atOps) when given.
  const auto cppRound = [&](const std::function<void(long)>& run, long n) {
    if (atOps) {
      BetweenOps hook(betweenType == napi_function ? std::function<void()>([&] { call(args[3], 0, nullptr); }) : nullptr);
      return (seconds(run, n) - hook.excludedS) * 1e6 / n;
    }
    if (betweenType != napi_function) return seconds(run, n) * 1e6 / n;
    double total = 0;
    for (long i = 0; i < n && !failed; ++i) {
      total += seconds(run, 1);
      call(args[3], 0, nullptr);
    }
    return total * 1e6 / n;
  };
  std::vector<std::pair<double, double>> rows;
  std::map<std::string, double> cppOps, jsOps;
  long steps = 0;
  measure_hook = [&](const std::function<void(long)>& run) {
    const Warmup w = warm_up(run);
    const long iters = std::max(1L, std::lround(w.last * kTargetS / 2 / w.lastS));
    // As many warm-up steps on the JS side, so that every round finds both models at the same point
    // of training: W3's kernels get faster or slower as training changes its activations.
    js(w.steps);
    for (int r = 0; r < rounds && !failed; ++r) {
      std::optional<OpTimes> timed;
      if (ops) timed.emplace(&cppOps);
      double cpp = cppRound(run, iters);
      if (ops) timed.emplace(&jsOps);
      std::optional<BetweenOps> counting;  // the same RecordFunction overhead as the C++ round's
      if (atOps) counting.emplace(nullptr);
      double jsUs = seconds(js, iters) * 1e6 / iters;
      counting.reset();
      timed.reset();
      rows.emplace_back(cpp, jsUs);
      steps += iters;
    }
  };
  char arg0[] = "bench_cpp", arg2[] = "1";
  char* argv[] = {arg0, workload, arg2, nullptr};
  int status = bench_cpp_main(3, argv);
  measure_hook = nullptr;
  if (failed) return nullptr;  // jsRun's exception is pending
  if (status != 0) {
    napi_throw_error(env, nullptr, "bench_cpp: unknown workload (see its usage line)");
    return nullptr;
  }
  napi_value out;
  if (ops) {
    napi_create_object(env, &out);
    for (const auto& [name, cppUs] : cppOps) jsOps.try_emplace(name, 0.0);
    const double perStep = 1.0 / std::max(steps, 1L);
    for (const auto& [name, jsUs] : jsOps) {
      auto c = cppOps.find(name);
      napi_set_named_property(env, out, name.c_str(), PairOf(env, (c == cppOps.end() ? 0.0 : c->second) * perStep, jsUs * perStep));
    }
    return out;
  }
  napi_create_array_with_length(env, rows.size(), &out);
  for (size_t i = 0; i < rows.size(); ++i) napi_set_element(env, out, static_cast<uint32_t>(i), PairOf(env, rows[i].first, rows[i].second));
  return out;
}

napi_value Compare(napi_env env, napi_callback_info info) { return CompareRounds(env, info, false); }
napi_value CompareOps(napi_env env, napi_callback_info info) { return CompareRounds(env, info, true); }
napi_value CompareBetweenOps(napi_env env, napi_callback_info info) { return CompareRounds(env, info, false, true); }

}  // namespace

NAPI_MODULE_INIT() {
  for (auto [name, cb] : {std::pair{"compare", Compare}, std::pair{"compareOps", CompareOps}, std::pair{"compareBetweenOps", CompareBetweenOps}}) {
    napi_value fn;
    napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, nullptr, &fn);
    napi_set_named_property(env, exports, name, fn);
  }
  return exports;
}
