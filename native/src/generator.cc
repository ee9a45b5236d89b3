// torch.Generator: new CPU generators, the default generators, seeding and state.
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>

#include <mutex>
#include <optional>

#include "convert.h"
#include "ops.h"
#include "thread_generator.h"

namespace tn {
namespace {

thread_local std::optional<at::Generator> tThreadGenerator;  // set once in each worker thread (useThreadGenerator)

at::Generator& GenOf(napi_env env, napi_value v) {
  GeneratorBox* g = GeneratorOf(env, v);
  if (!g) ThrowType("expected a torch.Generator");
  return g->gen;
}

c10::Device DeviceArg(const Napi::CallbackInfo& info) {
  return IsNullish(info.Env(), info[0]) ? c10::Device(c10::kCPU) : ToDevice(info[0]);
}

// generatorNew(device): a fresh generator (CPU; CUDA has only its default generators here).
Napi::Value GeneratorNew(const Napi::CallbackInfo& info) {
  if (!DeviceArg(info).is_cpu()) ThrowType("new generators can only be created on the CPU here; use torch.cuda.defaultGenerators");
  return Napi::Value(info.Env(), WrapGenerator(info.Env(), at::detail::createCPUGenerator()));
}

// defaultGenerator(device): the generator torch.manualSeed seeds (shared, not a copy).
Napi::Value DefaultGenerator(const Napi::CallbackInfo& info) {
  c10::Device device = DeviceArg(info);
  if (device.is_cpu()) return Napi::Value(info.Env(), WrapGenerator(info.Env(), DefaultCpuGenerator()));
  return Napi::Value(info.Env(), WrapGenerator(info.Env(), at::globalContext().defaultGenerator(device)));
}

// useThreadGenerator(): gives the calling (worker) thread its own default CPU generator, seeded from a
// non-deterministic source as a new Python process's is; lib/native.ts calls it once when the addon loads
// off the main thread.
Napi::Value UseThreadGenerator(const Napi::CallbackInfo& info) {
  if (!tThreadGenerator) tThreadGenerator = at::detail::createCPUGenerator(c10::detail::getNonDeterministicRandom());
  return info.Env().Undefined();
}

Napi::Value GeneratorManualSeed(const Napi::CallbackInfo& info) {
  at::Generator& g = GenOf(info.Env(), info[0]);
  uint64_t seed = static_cast<uint64_t>(ToInt64(info.Env(), info[1], "seed"));
  std::lock_guard<std::mutex> lock(g.mutex());
  g.set_current_seed(seed);
  return info.Env().Undefined();
}

// generatorSeed(g): seeds from a non-deterministic source and returns the seed, as Generator.seed().
Napi::Value GeneratorSeed(const Napi::CallbackInfo& info) {
  at::Generator& g = GenOf(info.Env(), info[0]);
  std::lock_guard<std::mutex> lock(g.mutex());
  return Napi::Value(info.Env(), FromInt64(info.Env(), static_cast<int64_t>(g.seed())));
}

Napi::Value GeneratorInitialSeed(const Napi::CallbackInfo& info) {
  return Napi::Value(info.Env(), FromInt64(info.Env(), static_cast<int64_t>(GenOf(info.Env(), info[0]).current_seed())));
}

Napi::Value GeneratorGetState(const Napi::CallbackInfo& info) {
  at::Generator& g = GenOf(info.Env(), info[0]);
  std::lock_guard<std::mutex> lock(g.mutex());
  return Napi::Value(info.Env(), WrapTensor(info.Env(), g.get_state()));
}

Napi::Value GeneratorSetState(const Napi::CallbackInfo& info) {
  at::Generator& g = GenOf(info.Env(), info[0]);
  const at::Tensor& state = TensorOf(info.Env(), info[1], "state");
  std::lock_guard<std::mutex> lock(g.mutex());
  g.set_state(state);
  return info.Env().Undefined();
}

Napi::Value GeneratorDevice(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), GenOf(info.Env(), info[0]).device().str());
}

}  // namespace

at::Generator* ThreadGenerator() { return tThreadGenerator ? &*tThreadGenerator : nullptr; }

at::Generator DefaultCpuGenerator() {
  at::Generator* own = ThreadGenerator();
  return own ? *own : at::detail::getDefaultCPUGenerator();
}

void RegisterGenerator(napi_env env, napi_value exports) {
  static constexpr MethodEntry kEntries[] = {
      {"generatorNew", GeneratorNew, "Generator"},
      {"defaultGenerator", DefaultGenerator},
      {"useThreadGenerator", UseThreadGenerator},
      {"generatorManualSeed", GeneratorManualSeed, "Generator.manualSeed"},
      {"generatorSeed", GeneratorSeed, "Generator.seed"},
      {"generatorInitialSeed", GeneratorInitialSeed, "Generator.initialSeed"},
      {"generatorGetState", GeneratorGetState, "Generator.getState"},
      {"generatorSetState", GeneratorSetState, "Generator.setState"},
      {"generatorDevice", GeneratorDevice, "Generator.device"},
  };
  ExportAll(env, exports, kEntries);
}

}  // namespace tn
