// libtorch C++ side of the benchmark: the floor with no binding in between.
// Usage: bench_cpp <w1|w1big|w2|w3|w3nn|w2sgd|w2adam|w3sgd|w3adam|cnninfer> <rounds>, or bench_cpp --version
// Prints one JSON line describing the process, then one per timed round (--version: libtorch's TORCH_VERSION).
#include <ATen/Version.h>
#include <c10/util/Logging.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <sys/resource.h>
#include <unistd.h>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

constexpr double kWarmupS = 1.0;  // doubling warm-up stops once this much time is spent (same on all three sides)
constexpr double kTargetS = 0.7;  // length of one timed round
constexpr double kLr = 0.01, kMomentum = 0.9;

double seconds(const std::function<void(long)>& run, long n) {
  auto t0 = Clock::now();
  run(n);
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// The doubling warm-up: batches of 1, 2, 4, ... steps until kWarmupS is spent. The last batch
// (the steadiest: the first ones pay one-off costs) sizes the timed rounds.
struct Warmup {
  long last = 1;      // steps in the last batch
  double lastS = 1;   // its seconds
  long steps = 0;     // steps run in all
};
Warmup warm_up(const std::function<void(long)>& run) {
  Warmup w;
  for (double spent = 0; spent < kWarmupS; w.last *= 2) {
    w.lastS = seconds(run, w.last);
    spent += w.lastS;
    w.steps += w.last;
  }
  w.last /= 2;
  return w;
}

// Set by inproc.cc (these workloads inside a Node process, bench/node/inproc.mjs): it times `run`
// itself, in rounds alternating with the torchnode workload's.
std::function<void(const std::function<void(long)>& run)> measure_hook;

// Warms up with doubling batches, sizes a round to ~kTargetS from the last batch's rate (the
// steadiest: the first batches pay one-off costs), then prints µs per iteration for each round.
// extra: more JSON fields for every record (loss_check's, the optimizer step's "optim").
void measure(const char* workload, const char* variant, int rounds,
             const std::function<void(long)>& run, const std::string& extra = "") {
  if (measure_hook) return measure_hook(run);
  // BENCH_FIXED_ITERS=N (for instruction counts, bench/steps.sh): 10 warm-up iterations, then exactly N
  // in one round between the marker calls getppid() and getpriority() that callgrind zeroes and dumps at.
  const char* fixed_env = std::getenv("BENCH_FIXED_ITERS");
  const long fixed = fixed_env ? std::atol(fixed_env) : 0;
  const Warmup w = fixed > 0 ? Warmup{} : warm_up(run);
  const long iters = fixed > 0 ? fixed : std::max(1L, std::lround(w.last * kTargetS / w.lastS));
  if (fixed > 0) {
    rounds = 1;
    run(10);
    getppid();
  }
  for (int r = 0; r < rounds; ++r) {
    const double cpu0 = std::clock();
    double us = seconds(run, iters) * 1e6 / iters;
    const double cpu_us = (std::clock() - cpu0) * 1e6 / CLOCKS_PER_SEC / iters;
    if (fixed > 0) getpriority(PRIO_PROCESS, 0);
    std::printf(
        "{\"impl\":\"cpp\",\"workload\":\"%s\",\"variant\":\"%s\",\"round\":%d,"
        "\"iters\":%ld,\"us\":%.4f",
        workload, variant, r, iters, us);
    if (fixed > 0) std::printf(",\"cpu_us\":%.4f", cpu_us);
    std::printf("%s}\n", extra.c_str());
    std::fflush(stdout);
  }
}

// libtorch's BLAS (BLAS_INFO in its build config), and the libblas mapped into this process if any.
std::string loaded_blas() {
  std::string config = at::show_config(), info = "unknown";
  auto at = config.find("BLAS_INFO=");
  if (at != std::string::npos) info = config.substr(at + 10, config.find_first_of(", \n", at + 10) - at - 10);
  std::ifstream maps("/proc/self/maps");
  for (std::string line; std::getline(maps, line);) {
    auto slash = line.find('/');
    if (slash != std::string::npos && line.find("libblas.so") != std::string::npos) return info + " via " + line.substr(slash);
  }
  return info;
}

void w1(int rounds, std::vector<int64_t> shape, const char* workload) {
  auto a = torch::rand(shape), b = torch::rand(shape);
  measure(workload, "c = a + b", rounds, [&](long n) {
    for (long i = 0; i < n; ++i) auto c = a + b;
  });
}

// A leaf weight: randn scaled by 1/sqrt(fan_in), as in the Python and Node sides.
torch::Tensor leaf(std::vector<int64_t> shape, double fan_in) {
  return torch::randn(shape).mul_(1 / std::sqrt(fan_in)).requires_grad_();
}

// The first step's loss and the loss after 5 steps (the 6th step's, computed before its update) as
// JSON fields: equal on all three sides only when they run the same forward, backward and update.
std::string loss_check(const std::function<torch::Tensor()>& step) {
  const double loss0 = step().item<double>();
  for (int i = 0; i < 4; ++i) step();
  const double loss5 = step().item<double>();
  char fields[80];
  std::snprintf(fields, sizeof fields, ",\"loss0\":%.9g,\"loss5\":%.9g", loss0, loss5);
  return fields;
}

// One hand-written training step: zero grads, forward, backward, SGD with momentum.
struct Trainer {
  std::vector<torch::Tensor> params, bufs;
  std::function<torch::Tensor()> loss;

  torch::Tensor step() {
    for (auto& p : params)
      if (p.grad().defined()) p.mutable_grad().zero_();
    auto l = loss();
    l.backward();
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < params.size(); ++i) {
      bufs[i].mul_(kMomentum).add_(params[i].grad());
      params[i].add_(bufs[i], -kLr);
    }
    return l;
  }

  void run(int rounds, const char* workload) {
    for (auto& p : params) bufs.push_back(torch::zeros_like(p));
    const std::string check = loss_check([&] { return step(); });
    measure(workload, "train step", rounds, [&](long n) {
      for (long i = 0; i < n; ++i) step();
    }, check);
  }
};

void w2(int rounds) {
  torch::manual_seed(0);
  Trainer t;
  t.params = {leaf({128, 784}, 784), leaf({128}, 784), leaf({10, 128}, 128), leaf({10}, 128)};
  auto x = torch::randn({64, 784});
  auto y = torch::randint(10, {64});
  auto& p = t.params;
  t.loss = [&] {
    auto h = torch::relu(torch::linear(x, p[0], p[1]));
    return torch::cross_entropy_loss(torch::linear(h, p[2], p[3]), y);
  };
  t.run(rounds, "w2");
}

void w3(int rounds) {
  torch::manual_seed(0);
  Trainer t;
  t.params = {leaf({8, 1, 3, 3}, 9),   leaf({8}, 9),   leaf({16, 8, 3, 3}, 72),
              leaf({16}, 72),          leaf({10, 784}, 784), leaf({10}, 784)};
  auto x = torch::randn({32, 1, 28, 28});
  auto y = torch::randint(10, {32});
  auto& p = t.params;
  t.loss = [&] {
    auto h = torch::max_pool2d(torch::relu(torch::conv2d(x, p[0], p[1], 1, 1)), 2);
    h = torch::max_pool2d(torch::relu(torch::conv2d(h, p[2], p[3], 1, 1)), 2);
    return torch::cross_entropy_loss(torch::linear(h.flatten(1), p[4], p[5]), y);
  };
  t.run(rounds, "w3");
}

// W3 built from torch::nn modules, as the Node and Python sides build it.
struct Net : torch::nn::Module {
  torch::nn::Conv2d conv1{torch::nn::Conv2dOptions(1, 8, 3).padding(1)};
  torch::nn::Conv2d conv2{torch::nn::Conv2dOptions(8, 16, 3).padding(1)};
  torch::nn::Linear fc{784, 10};
  Net() {
    register_module("conv1", conv1);
    register_module("conv2", conv2);
    register_module("fc", fc);
  }
  torch::Tensor forward(const torch::Tensor& x) {
    auto h = torch::max_pool2d(torch::relu(conv1(x)), 2);
    return fc(torch::max_pool2d(torch::relu(conv2(h)), 2).flatten(1));
  }
};

void w3nn(int rounds) {
  torch::manual_seed(0);
  Net model;
  Trainer t;
  t.params = model.parameters();
  auto x = torch::randn({32, 1, 28, 28});
  auto y = torch::randint(10, {32});
  t.loss = [&] { return torch::nn::functional::cross_entropy(model.forward(x), y); };
  t.run(rounds, "w3nn");
}

// W2 and W3 with torch::nn modules and torch::optim (zero_grad, forward, backward, step), as the
// Node and Python sides with nn + optim.
struct Mlp : torch::nn::Module {
  torch::nn::Linear fc1{784, 128}, fc2{128, 10};
  Mlp() {
    register_module("fc1", fc1);
    register_module("fc2", fc2);
  }
  torch::Tensor forward(const torch::Tensor& x) { return fc2(torch::relu(fc1(x))); }
};

// Python's foreach and fused steps on CPU for these options (no weight decay, dampening, nesterov,
// amsgrad or maximize): torch/optim/sgd.py _multi_tensor_sgd and _fused_sgd, adam.py _multi_tensor_adam
// and _fused_adam, the same ATen calls with the same arguments, state created as Python creates it.
struct ListStep {
  std::vector<torch::Tensor> params, bufs, exp_avgs, exp_avg_sqs, steps;
  bool fused;

  void sgd() {
    torch::NoGradGuard no_grad;
    std::vector<torch::Tensor> grads;
    for (auto& p : params) grads.push_back(p.grad());
    const bool first = bufs.empty();
    if (fused) {
      if (first)
        for (auto& g : grads) bufs.push_back(torch::empty_like(g));
      at::_fused_sgd_(params, grads, bufs, 0.0, kMomentum, kLr, 0.0, false, false, first);
      return;
    }
    if (first) {
      for (auto& g : grads) bufs.push_back(g.detach().clone());
    } else {
      at::_foreach_mul_(bufs, kMomentum);
      at::_foreach_add_(bufs, grads, 1.0);
    }
    at::_foreach_add_(params, bufs, -kLr);
  }

  void adam(double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8) {
    torch::NoGradGuard no_grad;
    std::vector<torch::Tensor> grads;
    for (auto& p : params) grads.push_back(p.grad());
    if (steps.empty())
      for (auto& p : params) {
        steps.push_back(fused ? torch::zeros({}, p.options()) : torch::tensor(0.0));
        exp_avgs.push_back(torch::zeros_like(p, at::MemoryFormat::Preserve));
        exp_avg_sqs.push_back(torch::zeros_like(p, at::MemoryFormat::Preserve));
      }
    if (fused) {
      at::_foreach_add_(steps, 1);
      at::_fused_adam_(params, grads, exp_avgs, exp_avg_sqs, {}, steps, lr, beta1, beta2, 0.0, eps, false, false);
      return;
    }
    at::_foreach_add_(steps, torch::tensor(1.0), 1.0);
    at::_foreach_lerp_(exp_avgs, grads, 1 - beta1);
    at::_foreach_mul_(exp_avg_sqs, beta2);
    at::_foreach_addcmul_(exp_avg_sqs, grads, grads, 1 - beta2);
    std::vector<at::Scalar> step_size, bias_correction2_sqrt;
    for (auto& step : steps) {
      const double t = step.item<double>();  // Python's _get_value(step): a float, powers taken in double
      step_size.emplace_back(lr / (1 - std::pow(beta1, t)) * -1);
      bias_correction2_sqrt.emplace_back(std::pow(1 - std::pow(beta2, t), 0.5));
    }
    auto exp_avg_sq_sqrt = at::_foreach_sqrt(exp_avg_sqs);
    at::_foreach_div_(exp_avg_sq_sqrt, bias_correction2_sqrt);
    at::_foreach_add_(exp_avg_sq_sqrt, eps);
    at::_foreach_addcdiv_(params, exp_avgs, exp_avg_sq_sqrt, step_size);
  }
};

// The optimizer step variants, in the order of the Node and Python sides' (BENCH_VARIANT=i: only the i-th).
// "optim" pairs each with the other sides' variant of the same name in bench/run.mjs.
constexpr const char* kOptimVariants[] = {"default", "foreach", "fused"};

template <typename Model>
void optim_train(int rounds, const char* workload, std::vector<int64_t> input_shape, bool adam) {
  const char* only = std::getenv("BENCH_VARIANT");
  for (int v = 0; v < 3; ++v) {
    if (only && std::atoi(only) != v) continue;
    const std::string optim = kOptimVariants[v];
    // The same seed for every variant: the same weights and data as the Node and Python sides.
    torch::manual_seed(0);
    Model model;
    auto x = torch::randn(input_shape);
    auto y = torch::randint(10, {input_shape[0]});
    std::unique_ptr<torch::optim::Optimizer> opt;  // the default: torch::optim's own single-tensor loop
    if (optim == "default" && adam) opt = std::make_unique<torch::optim::Adam>(model.parameters(), torch::optim::AdamOptions(1e-3));
    if (optim == "default" && !adam) opt = std::make_unique<torch::optim::SGD>(model.parameters(), torch::optim::SGDOptions(kLr).momentum(kMomentum));
    ListStep list{model.parameters()};
    list.fused = optim == "fused";
    auto step = [&] {
      model.zero_grad();
      auto loss = torch::nn::functional::cross_entropy(model.forward(x), y);
      loss.backward();
      if (opt) opt->step();
      else if (adam) list.adam();
      else list.sgd();
      return loss;
    };
    const std::string check = loss_check(step) + ",\"optim\":\"" + optim + "\"";
    const std::string variant = std::string("torch::nn + ") +
        (opt ? (adam ? "torch::optim::Adam" : "torch::optim::SGD") : (list.fused ? (adam ? "at::_fused_adam_" : "at::_fused_sgd_") : "at::_foreach_* (Python's foreach step)"));
    measure(workload, variant.c_str(), rounds, [&](long n) {
      for (long i = 0; i < n; ++i) step();
    }, check);
  }
}

// Eager inference of the small CNN of test/fixtures/aoti on one 3x32x32 image (random weights).
void cnninfer(int rounds) {
  torch::manual_seed(0);
  auto c1w = torch::randn({16, 3, 3, 3}), c1b = torch::randn({16}), c2w = torch::randn({32, 16, 3, 3}),
       c2b = torch::randn({32}), fw = torch::randn({10, 2048}), fb = torch::randn({10});
  auto x = torch::randn({1, 3, 32, 32});
  measure("cnninfer", "eager", rounds, [&](long n) {
    for (long i = 0; i < n; ++i) {
      auto h = torch::max_pool2d(torch::relu(torch::conv2d(x, c1w, c1b, 1, 1)), 2);
      h = torch::max_pool2d(torch::relu(torch::conv2d(h, c2w, c2b, 1, 1)), 2);
      auto y = torch::linear(h.flatten(1), fw, fb);
    }
  });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::string(argv[1]) == "--version") {  // bench/run.mjs checks it against the addon's libtorch
    std::printf("%s\n", TORCH_VERSION);
    return 0;
  }
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <w1|w1big|w2|w3|w3nn|w2sgd|w2adam|w3sgd|w3adam|cnninfer> <rounds>\n", argv[0]);
    return 2;
  }
  const std::string workload = argv[1];
  const int rounds = std::atoi(argv[2]);
  c10::initLogging();  // TORCH_CPP_LOG_LEVEL, as Python's import torch and the addon read it
  at::set_num_threads(1);
  std::printf("{\"impl\":\"cpp\",\"env\":{\"version\":\"libtorch %s\",\"threads\":%d,\"blas\":\"%s\"}}\n",
              TORCH_VERSION, at::get_num_threads(), loaded_blas().c_str());
  if (workload == "w1") w1(rounds, {1}, "w1");
  else if (workload == "w1big") w1(rounds, {1000, 1000}, "w1big");
  else if (workload == "w2") w2(rounds);
  else if (workload == "w3") w3(rounds);
  else if (workload == "w3nn") w3nn(rounds);
  else if (workload == "w2sgd") optim_train<Mlp>(rounds, "w2sgd", {64, 784}, false);
  else if (workload == "w2adam") optim_train<Mlp>(rounds, "w2adam", {64, 784}, true);
  else if (workload == "w3sgd") optim_train<Net>(rounds, "w3sgd", {32, 1, 28, 28}, false);
  else if (workload == "w3adam") optim_train<Net>(rounds, "w3adam", {32, 1, 28, 28}, true);
  else if (workload == "cnninfer") cnninfer(rounds);
  else {
    std::fprintf(stderr, "unknown workload %s\n", workload.c_str());
    return 2;
  }
  return 0;
}
