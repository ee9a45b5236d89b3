// The C++ workloads of bench.cpp as a Node addon (bench/build/bench_inproc.node), so that
// bench/node/inproc.mjs can time them and torchnode's in the same process, round by round: this
// machine's speed drifts between processes by more than the differences asked about.
#define main bench_cpp_main  // bench.cpp's workloads and their dispatch, one source for both builds
#include "bench.cpp"
#undef main

#include <node_api.h>

namespace {

// compare(workload, jsRun, rounds) -> [[cppUs, jsUs], ...]: builds the C++ workload, warms it up for
// kWarmupS and JS for as many steps, then alternates one round of n C++ steps with one of jsRun(n)
// (n sized to half a kTargetS round of C++). jsRun runs n steps of the torchnode workload.
napi_value Compare(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value args[3];
  napi_get_cb_info(env, info, &argc, args, nullptr, nullptr);
  char workload[32] = {0};
  size_t len = 0;
  int32_t rounds = 0;
  if (argc < 3 || napi_get_value_string_utf8(env, args[0], workload, sizeof workload, &len) != napi_ok ||
      napi_get_value_int32(env, args[2], &rounds) != napi_ok || rounds < 1) {
    napi_throw_type_error(env, nullptr, "compare(workload: string, jsRun: (n) => void, rounds >= 1)");
    return nullptr;
  }
  napi_value jsRun = args[1];
  bool failed = false;
  const std::function<void(long)> js = [&](long n) {
    napi_value global, count, ignored;
    napi_get_global(env, &global);
    napi_create_int64(env, n, &count);
    failed = failed || napi_call_function(env, global, jsRun, 1, &count, &ignored) != napi_ok;
  };
  std::vector<std::pair<double, double>> rows;
  measure_hook = [&](const std::function<void(long)>& run) {
    const Warmup w = warm_up(run);
    const long iters = std::max(1L, std::lround(w.last * kTargetS / 2 / w.lastS));
    // As many warm-up steps on the JS side, so that every round finds both models at the same point
    // of training: W3's kernels get faster or slower as training changes its activations.
    js(w.steps);
    for (int r = 0; r < rounds && !failed; ++r) {
      double cpp = seconds(run, iters) * 1e6 / iters;
      double jsUs = seconds(js, iters) * 1e6 / iters;
      rows.emplace_back(cpp, jsUs);
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
  napi_create_array_with_length(env, rows.size(), &out);
  for (size_t i = 0; i < rows.size(); ++i) {
    napi_value row, cpp, jsUs;
    napi_create_array_with_length(env, 2, &row);
    napi_create_double(env, rows[i].first, &cpp);
    napi_create_double(env, rows[i].second, &jsUs);
    napi_set_element(env, row, 0, cpp);
    napi_set_element(env, row, 1, jsUs);
    napi_set_element(env, out, static_cast<uint32_t>(i), row);
  }
  return out;
}

}  // namespace

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "compare", NAPI_AUTO_LENGTH, Compare, nullptr, &fn);
  napi_set_named_property(env, exports, "compare", fn);
  return exports;
}
