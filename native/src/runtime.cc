// Process-wide state: RNG seed, threads, build/runtime info, CUDA availability.
#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <c10/core/DefaultDtype.h>
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

// The default dtype is c10's process-wide global (at::get_default_dtype), as Python's
// torch.set_default_dtype: factories, number inference and scalar type promotion inside ATen read it.
napi_value SetDefaultDtype(napi_env env, napi_callback_info info) {
  return Guard(env, "setDefaultDtype", [&] {
    Args<1> a(env, info);
    c10::ScalarType st = ToScalarType(env, a[0]);
    // Python accepts these four (the float8/float4 types have no legacy tensor type).
    if (st != c10::kHalf && st != c10::kBFloat16 && st != c10::kFloat && st != c10::kDouble)
      ThrowType(std::string("only float16, bfloat16, float32 and float64 can be the default dtype, got ") + DTypeName(st));
    c10::set_default_dtype(c10::scalarTypeToTypeMeta(st));
    return Undefined(env);
  });
}

napi_value GetDefaultDtype(napi_env env, napi_callback_info) {
  return Guard(env, "getDefaultDtype", [&] { return FromInt64(env, static_cast<int64_t>(c10::get_default_dtype_as_scalartype())); });
}

napi_value SetDeterministicAlgorithms(napi_env env, napi_callback_info info) {
  return Guard(env, "useDeterministicAlgorithms", [&] {
    Args<2> a(env, info);
    at::globalContext().setDeterministicAlgorithms(ToBool(env, a[0], "mode"), ToBool(env, a[1], "warnOnly"));
    return Undefined(env);
  });
}

// The at::globalContext() switches torch.backends exposes, by name: contextFlag(name) reads one,
// contextFlag(name, value) sets it; both return the value now in effect.
struct ContextFlag {
  const char* name;
  bool (*get)();
  void (*set)(bool);
};
constexpr ContextFlag kContextFlags[] = {
    {"deterministicAlgorithms", [] { return at::globalContext().deterministicAlgorithms(); }, nullptr},
    {"deterministicAlgorithmsWarnOnly", [] { return at::globalContext().deterministicAlgorithmsWarnOnly(); }, nullptr},
    {"mkldnnEnabled", [] { return at::globalContext().userEnabledMkldnn(); }, [](bool b) { at::globalContext().setUserEnabledMkldnn(b); }},
    {"mkldnnDeterministic", [] { return at::globalContext().deterministicMkldnn(); }, [](bool b) { at::globalContext().setDeterministicMkldnn(b); }},
    {"cudnnEnabled", [] { return at::globalContext().userEnabledCuDNN(); }, [](bool b) { at::globalContext().setUserEnabledCuDNN(b); }},
    {"cudnnDeterministic", [] { return at::globalContext().deterministicCuDNN(); }, [](bool b) { at::globalContext().setDeterministicCuDNN(b); }},
    {"cudnnBenchmark", [] { return at::globalContext().benchmarkCuDNN(); }, [](bool b) { at::globalContext().setBenchmarkCuDNN(b); }},
    {"cudnnAllowTf32", [] { return at::globalContext().allowTF32CuDNN(); }, [](bool b) { at::globalContext().setAllowTF32CuDNN(b); }},
    {"mkldnnAvailable", [] { return at::hasMKLDNN(); }, nullptr},
    {"mklAvailable", [] { return at::hasMKL(); }, nullptr},
    {"openmpAvailable", [] { return at::hasOpenMP(); }, nullptr},
    {"cudnnAvailable", [] { return at::detail::getCUDAHooks().hasCuDNN(); }, nullptr},
};

napi_value ContextFlagValue(napi_env env, napi_callback_info info) {
  return Guard(env, "backends", [&] {
    Args<2> a(env, info);
    std::string name = ToString(env, a[0], "flag");
    for (const ContextFlag& f : kContextFlags) {
      if (name != f.name) continue;
      if (TypeOf(env, a[1]) != napi_undefined) {
        if (!f.set) ThrowType(name + " is read-only");
        f.set(ToBool(env, a[1], name.c_str()));
      }
      return FromBool(env, f.get());
    }
    ThrowType("unknown flag '" + name + "'");
  });
}

constexpr const char* kMatmulPrecisions[] = {"highest", "high", "medium"};  // at::Float32MatmulPrecision order

napi_value SetFloat32MatmulPrecision(napi_env env, napi_callback_info info) {
  return Guard(env, "setFloat32MatmulPrecision", [&] {
    Args<1> a(env, info);
    at::globalContext().setFloat32MatmulPrecision(ToString(env, a[0], "precision"));  // warns and ignores others, as Python
    return Undefined(env);
  });
}

napi_value GetFloat32MatmulPrecision(napi_env env, napi_callback_info) {
  return Guard(env, "getFloat32MatmulPrecision", [&] {
    return FromString(env, kMatmulPrecisions[static_cast<int>(at::globalContext().float32MatmulPrecision())]);
  });
}

napi_value SetNumInteropThreads(napi_env env, napi_callback_info info) {
  return Guard(env, "setNumInteropThreads", [&] {
    Args<1> a(env, info);
    int64_t n = ToInt64(env, a[0], "threads");
    if (n < 1) ThrowRange("number of threads must be positive, got " + std::to_string(n));
    at::set_num_interop_threads(static_cast<int>(n));
    return Undefined(env);
  });
}

napi_value GetNumInteropThreads(napi_env env, napi_callback_info) {
  return Guard(env, "getNumInteropThreads", [&] { return FromInt64(env, static_cast<int64_t>(at::get_num_interop_threads())); });
}

napi_value CpuCapability(napi_env env, napi_callback_info) {
  return Guard(env, "backends.cpu.getCpuCapability", [&] { return FromString(env, at::get_cpu_capability()); });
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
    // torch.version.cuda: the CUDA runtime's 'major.minor', null without CUDA.
    napi_value cudaVersion = Null(env);
    if (at::detail::getCUDAHooks().hasCUDA()) {
      long v = at::detail::getCUDAHooks().versionCUDART();
      cudaVersion = FromString(env, std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10));
    }
    Check(napi_set_named_property(env, o, "cudaVersion", cudaVersion));
    // torch.backends.cudnn.version(): cuDNN's version number, null without cuDNN.
    napi_value cudnnVersion = Null(env);
    if (at::detail::getCUDAHooks().hasCuDNN()) cudnnVersion = FromInt64(env, at::detail::getCUDAHooks().versionCuDNN());
    Check(napi_set_named_property(env, o, "cudnnVersion", cudnnVersion));
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
      {"setDefaultDtype", SetDefaultDtype},
      {"getDefaultDtype", GetDefaultDtype},
      {"setDeterministicAlgorithms", SetDeterministicAlgorithms},
      {"contextFlag", ContextFlagValue},
      {"setFloat32MatmulPrecision", SetFloat32MatmulPrecision},
      {"getFloat32MatmulPrecision", GetFloat32MatmulPrecision},
      {"setNumInteropThreads", SetNumInteropThreads},
      {"getNumInteropThreads", GetNumInteropThreads},
      {"cpuCapability", CpuCapability},
  };
  ExportAll(env, exports, kEntries);
}

}  // namespace tn
