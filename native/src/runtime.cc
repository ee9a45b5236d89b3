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

napi_value ManualSeed(napi_env env, napi_callback_info info) {
  return Guard(env, "manualSeed", [&] {
    Args<1> a(env, info);
    // Python accepts any int and keeps its low 64 bits; negative seeds wrap the same way.
    at::manual_seed(static_cast<uint64_t>(ToInt64(env, a[0], "seed")));
    return Undefined(env);
  });
}

napi_value InitialSeed(napi_env env, napi_callback_info) {
  return Guard(env, "initialSeed", [&] {
    uint64_t s = at::detail::getDefaultCPUGenerator().current_seed();
    return FromInt64(env, static_cast<int64_t>(s));
  });
}

napi_value SetNumThreads(napi_env env, napi_callback_info info) {
  return Guard(env, "setNumThreads", [&] {
    Args<1> a(env, info);
    int64_t n = ToInt64(env, a[0], "threads");
    if (n < 1) ThrowRange("number of threads must be positive, got " + std::to_string(n));
    at::set_num_threads(static_cast<int>(n));
    return Undefined(env);
  });
}

napi_value GetNumThreads(napi_env env, napi_callback_info) {
  return Guard(env, "getNumThreads", [&] { return FromInt64(env, at::get_num_threads()); });
}

napi_value CudaIsAvailable(napi_env env, napi_callback_info) {
  return Guard(env, "cuda.isAvailable", [&] {
    return FromBool(env, at::detail::getCUDAHooks().hasCUDA() && at::detail::getCUDAHooks().getNumGPUs() > 0);
  });
}

napi_value CudaDeviceCount(napi_env env, napi_callback_info) {
  return Guard(env, "cuda.deviceCount", [&] {
    return FromInt64(env, at::detail::getCUDAHooks().hasCUDA() ? at::detail::getCUDAHooks().getNumGPUs() : 0);
  });
}

// cudaMemoryAllocated(device index): bytes held by tensors on that GPU (the caching allocator's
// current allocated bytes, all pools), as torch.cuda.memory_allocated.
napi_value CudaMemoryAllocated(napi_env env, napi_callback_info info) {
  return Guard(env, "cuda.memoryAllocated", [&]() -> napi_value {
    Args<1> a(env, info);
    int64_t index = IsNullish(env, a[0]) ? 0 : ToInt64(env, a[0], "device");
#if TN_WITH_CUDA
    if (index < 0 || index >= at::detail::getCUDAHooks().getNumGPUs())
      ThrowRange("invalid device index " + std::to_string(index));
    auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(static_cast<c10::DeviceIndex>(index));
    return FromInt64(env, stats.allocated_bytes[0].current);  // [0]: the aggregate over pools
#else
    (void)index;
    ThrowError("this libtorch was built without CUDA; install a CUDA build of PyTorch and rebuild torchnode");
#endif
  });
}

// deviceTypes(): the device type names libtorch knows, lower case ('cpu', 'cuda', 'meta', ...), in
// c10's order: torch.device checks strings against them.
napi_value DeviceTypes(napi_env env, napi_callback_info) {
  return Guard(env, "deviceTypes", [&] {
    napi_value arr;
    Check(napi_create_array(env, &arr));
    uint32_t n = 0;
    for (int i = 0; i < static_cast<int>(c10::COMPILE_TIME_MAX_DEVICE_TYPES); ++i) {
      std::string name;
      try {
        name = c10::DeviceTypeName(static_cast<c10::DeviceType>(i), /*lower_case=*/true);
      } catch (const std::exception&) {
        continue;  // a gap in the enum
      }
      Check(napi_set_element(env, arr, n++, FromString(env, name)));
    }
    return arr;
  });
}

// buildInfo(): what this binary was built against, for the loader's flavour check and bug reports.
napi_value BuildInfo(napi_env env, napi_callback_info) {
  return Guard(env, "buildInfo", [&] {
    napi_value o;
    Check(napi_create_object(env, &o));
    Check(napi_set_named_property(env, o, "torchVersion", FromString(env, TORCH_VERSION)));
    Check(napi_set_named_property(env, o, "cuda", FromBool(env, at::detail::getCUDAHooks().hasCUDA())));
    // Built as an experimental-version module: Node >= 20.10 then runs its finalizers inside GC.
    Check(napi_set_named_property(env, o, "gcFinalizers", FromBool(env, NAPI_VERSION == NAPI_VERSION_EXPERIMENTAL)));
    Check(napi_set_named_property(env, o, "config", FromString(env, at::show_config())));
    napi_value features;
    Check(napi_create_object(env, &features));
    Check(napi_set_named_property(env, features, "namedTensors", FromBool(env, TN_HAS_NAMED_TENSORS)));
    Check(napi_set_named_property(env, o, "features", features));
    return o;
  });
}

}  // namespace

void RegisterRuntime(napi_env env, napi_value exports) {
  static constexpr ExportEntry kEntries[] = {
      {"manualSeed", ManualSeed},
      {"initialSeed", InitialSeed},
      {"setNumThreads", SetNumThreads},
      {"getNumThreads", GetNumThreads},
      {"cudaIsAvailable", CudaIsAvailable},
      {"cudaDeviceCount", CudaDeviceCount},
      {"cudaMemoryAllocated", CudaMemoryAllocated},
      {"buildInfo", BuildInfo},
      {"deviceTypes", DeviceTypes},
  };
  ExportAll(env, exports, kEntries);
}

}  // namespace tn
