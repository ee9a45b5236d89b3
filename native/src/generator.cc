// torch.Generator: new CPU generators, the default generators, seeding and state.
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>

#include <mutex>

#include "convert.h"
#include "ops.h"

namespace tn {
namespace {

at::Generator& GenOf(napi_env env, napi_value v) {
  GeneratorBox* g = GeneratorOf(env, v);
  if (!g) ThrowType("expected a torch.Generator");
  return g->gen;
}

// generatorNew(device): a fresh generator (CPU; CUDA has only its default generators here).
napi_value GeneratorNew(napi_env env, napi_callback_info info) {
  return Guard(env, "Generator", [&] {
    Args<1> a(env, info);
    c10::Device d = IsNullish(env, a[0]) ? c10::Device(c10::kCPU) : ToDevice(env, a[0]);
    if (!d.is_cpu()) ThrowType("new generators can only be created on the CPU here; use torch.cuda.defaultGenerators");
    return WrapGenerator(env, at::detail::createCPUGenerator());
  });
}

// defaultGenerator(device): the generator torch.manualSeed seeds (shared, not a copy).
napi_value DefaultGenerator(napi_env env, napi_callback_info info) {
  return Guard(env, "defaultGenerator", [&] {
    Args<1> a(env, info);
    c10::Device d = IsNullish(env, a[0]) ? c10::Device(c10::kCPU) : ToDevice(env, a[0]);
    return WrapGenerator(env, at::globalContext().defaultGenerator(d));
  });
}

napi_value GeneratorManualSeed(napi_env env, napi_callback_info info) {
  return Guard(env, "Generator.manualSeed", [&] {
    Args<2> a(env, info);
    at::Generator& g = GenOf(env, a[0]);
    uint64_t seed = static_cast<uint64_t>(ToInt64(env, a[1], "seed"));
    std::lock_guard<std::mutex> lock(g.mutex());
    g.set_current_seed(seed);
    return Undefined(env);
  });
}

// generatorSeed(g): seeds from a non-deterministic source and returns the seed, as Generator.seed().
napi_value GeneratorSeed(napi_env env, napi_callback_info info) {
  return Guard(env, "Generator.seed", [&] {
    Args<1> a(env, info);
    at::Generator& g = GenOf(env, a[0]);
    std::lock_guard<std::mutex> lock(g.mutex());
    return FromInt64(env, static_cast<int64_t>(g.seed()));
  });
}

napi_value GeneratorInitialSeed(napi_env env, napi_callback_info info) {
  return Guard(env, "Generator.initialSeed", [&] {
    Args<1> a(env, info);
    return FromInt64(env, static_cast<int64_t>(GenOf(env, a[0]).current_seed()));
  });
}

napi_value GeneratorGetState(napi_env env, napi_callback_info info) {
  return Guard(env, "Generator.getState", [&] {
    Args<1> a(env, info);
    at::Generator& g = GenOf(env, a[0]);
    std::lock_guard<std::mutex> lock(g.mutex());
    return WrapTensor(env, g.get_state());
  });
}

napi_value GeneratorSetState(napi_env env, napi_callback_info info) {
  return Guard(env, "Generator.setState", [&] {
    Args<2> a(env, info);
    at::Generator& g = GenOf(env, a[0]);
    const at::Tensor& state = TensorOf(env, a[1], "state");
    std::lock_guard<std::mutex> lock(g.mutex());
    g.set_state(state);
    return Undefined(env);
  });
}

napi_value GeneratorDevice(napi_env env, napi_callback_info info) {
  return Guard(env, "Generator.device", [&] {
    Args<1> a(env, info);
    return FromString(env, GenOf(env, a[0]).device().str());
  });
}

}  // namespace

void RegisterGenerator(napi_env env, napi_value exports) {
  static constexpr ExportEntry kEntries[] = {
      {"generatorNew", GeneratorNew},
      {"defaultGenerator", DefaultGenerator},
      {"generatorManualSeed", GeneratorManualSeed},
      {"generatorSeed", GeneratorSeed},
      {"generatorInitialSeed", GeneratorInitialSeed},
      {"generatorGetState", GeneratorGetState},
      {"generatorSetState", GeneratorSetState},
      {"generatorDevice", GeneratorDevice},
  };
  ExportAll(env, exports, kEntries);
}

}  // namespace tn
