// Process-wide state: RNG seed, threads, build/runtime info, CUDA availability.
#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/csrc/api/include/torch/version.h>

#if TN_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif

#include "compat.h"
#include "convert.h"
#include "ops.h"

namespace tn {
namespace {

Napi::Value ManualSeed(const Napi::CallbackInfo& info) {
  // Python accepts any int and keeps its low 64 bits; negative seeds wrap the same way.
  at::manual_seed(static_cast<uint64_t>(ToInt64(info.Env(), info[0], "seed")));
  return info.Env().Undefined();
}

Napi::Value InitialSeed(const Napi::CallbackInfo& info) {
  uint64_t s = at::detail::getDefaultCPUGenerator().current_seed();
  return Napi::Value(info.Env(), FromInt64(info.Env(), static_cast<int64_t>(s)));
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  int64_t n = ToInt64(info.Env(), info[0], "threads");
  if (n < 1) ThrowRange("number of threads must be positive, got " + std::to_string(n));
  at::set_num_threads(static_cast<int>(n));
  return info.Env().Undefined();
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), at::get_num_threads()); }

Napi::Value CudaIsAvailable(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), at::detail::getCUDAHooks().hasCUDA() && at::detail::getCUDAHooks().getNumGPUs() > 0);
}

Napi::Value CudaDeviceCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), at::detail::getCUDAHooks().hasCUDA() ? at::detail::getCUDAHooks().getNumGPUs() : 0);
}

// cudaMemoryAllocated(device index): bytes held by tensors on that GPU (the caching allocator's
// current allocated bytes, all pools), as torch.cuda.memory_allocated.
Napi::Value CudaMemoryAllocated(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t index = IsNullish(env, info[0]) ? 0 : ToInt64(env, info[0], "device");
#if TN_WITH_CUDA
  if (index < 0 || index >= at::detail::getCUDAHooks().getNumGPUs())
    ThrowRange("invalid device index " + std::to_string(index));
  auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(static_cast<c10::DeviceIndex>(index));
  return Napi::Value(env, FromInt64(env, stats.allocated_bytes[0].current));  // [0]: the aggregate over pools
#else
  (void)index;
  ThrowError("this libtorch was built without CUDA; install a CUDA build of PyTorch and rebuild torchnode");
#endif
}

// deviceTypes(): the device type names libtorch knows, lower case ('cpu', 'cuda', 'meta', ...), in
// c10's order: torch.device checks strings against them.
Napi::Value DeviceTypes(const Napi::CallbackInfo& info) {
  Napi::Array arr = Napi::Array::New(info.Env());
  uint32_t n = 0;
  for (int i = 0; i < static_cast<int>(c10::COMPILE_TIME_MAX_DEVICE_TYPES); ++i) {
    std::string name;
    try {
      name = c10::DeviceTypeName(static_cast<c10::DeviceType>(i), /*lower_case=*/true);
    } catch (const std::exception&) {
      continue;  // a gap in the enum
    }
    arr.Set(n++, name);
  }
  return arr;
}

// buildInfo(): what this binary was built against, for the loader's flavour check and bug reports.
Napi::Value BuildInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("torchVersion", TORCH_VERSION);
  o.Set("cuda", at::detail::getCUDAHooks().hasCUDA());
  // Built as an experimental-version module: Node >= 20.10 then runs its finalizers inside GC.
  o.Set("gcFinalizers", NAPI_VERSION == NAPI_VERSION_EXPERIMENTAL);
  o.Set("config", at::show_config());
  Napi::Object features = Napi::Object::New(env);
  features.Set("namedTensors", static_cast<bool>(TN_HAS_NAMED_TENSORS));
  o.Set("features", features);
  return o;
}

}  // namespace

void RegisterRuntime(napi_env env, napi_value exports) {
  static constexpr MethodEntry kEntries[] = {
      {"manualSeed", ManualSeed},
      {"initialSeed", InitialSeed},
      {"setNumThreads", SetNumThreads},
      {"getNumThreads", GetNumThreads},
      {"cudaIsAvailable", CudaIsAvailable, "cuda.isAvailable"},
      {"cudaDeviceCount", CudaDeviceCount, "cuda.deviceCount"},
      {"cudaMemoryAllocated", CudaMemoryAllocated, "cuda.memoryAllocated"},
      {"buildInfo", BuildInfo},
      {"deviceTypes", DeviceTypes},
  };
  ExportAll(env, exports, kEntries);
}

}  // namespace tn
