// Process-wide state: RNG seed, threads, build/runtime info, CUDA availability.
#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <ATen/autocast_mode.h>
#include <c10/core/InferenceMode.h>
#include <c10/util/Exception.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <c10/core/DefaultDtype.h>
#include <torch/csrc/api/include/torch/version.h>
#if TORCH_VERSION_MAJOR > 2 || TORCH_VERSION_MINOR >= 13
#include <ATen/cpu/Utils.h>
#endif

#include <dlfcn.h>

#include <c10/core/CachingDeviceAllocator.h>
#include <c10/core/impl/DeviceGuardImplInterface.h>

#include "js_pump.h"

#include <algorithm>
#include <mutex>

#include "compat.h"
#include "convert.h"
#include "ops.h"
#include "thread_generator.h"

namespace tn {
namespace {

Napi::Value ManualSeed(const Napi::CallbackInfo& info) {
  // Python accepts any int and keeps its low 64 bits; negative seeds wrap the same way.
  uint64_t seed = static_cast<uint64_t>(ToInt64(info.Env(), info[0], "seed"));
  if (at::Generator* own = ThreadGenerator()) {
    // a worker thread seeds its own generator only (the CUDA generators stay the process's)
    std::lock_guard<std::mutex> lock(own->mutex());
    own->set_current_seed(seed);
  } else {
    at::manual_seed(seed);
  }
  return info.Env().Undefined();
}

Napi::Value InitialSeed(const Napi::CallbackInfo& info) {
  uint64_t s = DefaultCpuGenerator().current_seed();
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

#if TORCH_VERSION_MAJOR > 2 || TORCH_VERSION_MINOR >= 13
static_assert(HasInitializedMember<c10::DeviceAllocator>::value, "2.13 has DeviceAllocator::initialized: the detection must see it");
#endif

// Refuses a call that needs a GPU, with what is missing: the CUDA build or a visible device.
void RequireCuda() {
  if (!at::detail::getCUDAHooks().hasCUDA())
    ThrowError(TN_WITH_CUDA ? kNoCudaDevice : "this libtorch was built without CUDA; install a CUDA build of PyTorch and rebuild torchnode");
}

c10::DeviceIndex CudaIndexArg(Napi::Env env, const Napi::Value& v) {
  int64_t index = IsNullish(env, v) ? at::detail::getCUDAHooks().current_device() : ToInt64(env, v, "device");
  if (index < 0 || index >= at::detail::getCUDAHooks().getNumGPUs()) ThrowRange("invalid device index " + std::to_string(index));
  return static_cast<c10::DeviceIndex>(index);
}

// cudaMemoryStat(device index | null, 'allocated' | 'allocatedPeak' | 'reserved' | 'reservedPeak'):
// the caching allocator's bytes, all pools, as torch.cuda.memory_allocated and its siblings; 0 without
// CUDA or before the first CUDA tensor, as Python.
Napi::Value CudaMemoryStat(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string stat = info[1].As<Napi::String>().Utf8Value();
  c10::DeviceAllocator* allocator = CudaAllocatorIfUsed();
  if (!allocator) return Napi::Number::New(env, 0);
  auto stats = allocator->getDeviceStats(CudaIndexArg(env, info[0]));
  const auto& bytes = stat.rfind("allocated", 0) == 0 ? stats.allocated_bytes[0] : stats.reserved_bytes[0];  // [0]: all pools
  const bool peak = stat.size() > 4 && stat.compare(stat.size() - 4, 4, "Peak") == 0;
  return Napi::Value(env, FromInt64(env, peak ? bytes.peak : bytes.current));
}

// cudaResetPeakMemoryStats(device index | null), as torch.cuda.reset_peak_memory_stats.
Napi::Value CudaResetPeakMemoryStats(const Napi::CallbackInfo& info) {
  RequireCuda();
  c10::DeviceIndex index = CudaIndexArg(info.Env(), info[0]);
  if (c10::DeviceAllocator* allocator = CudaAllocatorIfUsed()) allocator->resetPeakStats(index);
  return info.Env().Undefined();
}

// cudaEmptyCache(): gives the allocator's unused cached blocks back to the driver; nothing to do
// without CUDA or before the first CUDA tensor, as Python.
Napi::Value CudaEmptyCache(const Napi::CallbackInfo& info) {
  if (c10::DeviceAllocator* allocator = CudaAllocatorIfUsed()) allocator->emptyCache();
  return info.Env().Undefined();
}

// cudaCurrentDevice() / cudaSetDevice(index): this thread's current GPU (CUDA keeps one per thread).
Napi::Value CudaCurrentDevice(const Napi::CallbackInfo& info) {
  RequireCuda();
  return Napi::Number::New(info.Env(), at::detail::getCUDAHooks().current_device());
}

Napi::Value CudaSetDevice(const Napi::CallbackInfo& info) {
  RequireCuda();
  c10::DeviceIndex index = CudaIndexArg(info.Env(), info[0]);
  c10::impl::getDeviceGuardImpl(c10::kCUDA)->setDevice(c10::Device(c10::kCUDA, index));
  return info.Env().Undefined();
}

// cudaGetDeviceName(device index | null), as torch.cuda.get_device_name. libtorch's C++ API has no
// device-generic way to read it, and the addon includes no CUDA header: the driver's C ABI, whose
// library (libcuda.so.1) any process that runs CUDA has, gives the name (cuDeviceGetName).
Napi::Value CudaGetDeviceName(const Napi::CallbackInfo& info) {
  RequireCuda();
  c10::DeviceIndex index = CudaIndexArg(info.Env(), info[0]);
  void* driver = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
  if (!driver) ThrowError(std::string("cannot load the CUDA driver library libcuda.so.1: ") + dlerror());
  using InitFn = int (*)(unsigned);
  using GetFn = int (*)(int*, int);
  using NameFn = int (*)(char*, int, int);
  auto init = reinterpret_cast<InitFn>(dlsym(driver, "cuInit"));
  auto get = reinterpret_cast<GetFn>(dlsym(driver, "cuDeviceGet"));
  auto name = reinterpret_cast<NameFn>(dlsym(driver, "cuDeviceGetName"));
  char buffer[256] = {0};
  int device = 0;
  int status = !init || !get || !name ? -1 : init(0);
  if (status == 0) status = get(&device, index);
  if (status == 0) status = name(buffer, sizeof(buffer) - 1, device);
  dlclose(driver);  // the runtime holds its own reference: the library stays loaded
  if (status != 0) ThrowError("the CUDA driver could not name device " + std::to_string(index) + " (CUresult " + std::to_string(status) + ")");
  return Napi::String::New(info.Env(), buffer);
}

// cudaSynchronize(device index | null): waits for every kernel queued on that GPU.
Napi::Value CudaSynchronize(const Napi::CallbackInfo& info) {
  RequireCuda();
  at::detail::getCUDAHooks().deviceSynchronize(CudaIndexArg(info.Env(), info[0]));
  return info.Env().Undefined();
}

// The default dtype is c10's process-wide global (at::get_default_dtype), as Python's
// torch.set_default_dtype: factories, number inference and scalar type promotion inside ATen read it.
Napi::Value SetDefaultDtype(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  c10::ScalarType st = ToScalarType(info[0]);
  // Python accepts these four (the float8/float4 types have no legacy tensor type).
  if (st != c10::kHalf && st != c10::kBFloat16 && st != c10::kFloat && st != c10::kDouble)
    ThrowType(std::string("only float16, bfloat16, float32 and float64 can be the default dtype, got ") + DTypeName(st));
  c10::set_default_dtype(c10::scalarTypeToTypeMeta(st));
  return env.Undefined();
}

Napi::Value GetDefaultDtype(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Napi::Value(env, FromInt64(env, static_cast<int64_t>(c10::get_default_dtype_as_scalartype())));
}

Napi::Value SetDeterministicAlgorithms(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  at::globalContext().setDeterministicAlgorithms(ToBool(env, info[0], "mode"), ToBool(env, info[1], "warnOnly"));
  return env.Undefined();
}

// Process-wide switches (at::globalContext(), c10's warn-always) and this thread's modes (inference
// mode, the autocast cache), by name: contextFlag(name) reads one, contextFlag(name, value) sets it;
// both return the value now in effect.
struct ContextFlag {
  const char* name;
  bool (*get)();
  void (*set)(bool);
};
constexpr ContextFlag kContextFlags[] = {
    {"deterministicAlgorithms", [] { return at::globalContext().deterministicAlgorithms(); }, nullptr},
    {"deterministicAlgorithmsWarnOnly", [] { return at::globalContext().deterministicAlgorithmsWarnOnly(); }, nullptr},
    {"deterministicFillUninitializedMemory", [] { return at::globalContext().deterministicFillUninitializedMemory(); },
     [](bool b) { at::globalContext().setDeterministicFillUninitializedMemory(b); }},
    {"mkldnnEnabled", [] { return at::globalContext().userEnabledMkldnn(); }, [](bool b) { at::globalContext().setUserEnabledMkldnn(b); }},
    {"mkldnnDeterministic", [] { return at::globalContext().deterministicMkldnn(); }, [](bool b) { at::globalContext().setDeterministicMkldnn(b); }},
    {"cudnnEnabled", [] { return at::globalContext().userEnabledCuDNN(); }, [](bool b) { at::globalContext().setUserEnabledCuDNN(b); }},
    {"cudnnDeterministic", [] { return at::globalContext().deterministicCuDNN(); }, [](bool b) { at::globalContext().setDeterministicCuDNN(b); }},
    {"cudnnBenchmark", [] { return at::globalContext().benchmarkCuDNN(); }, [](bool b) { at::globalContext().setBenchmarkCuDNN(b); }},
    {"cudnnAllowTf32", [] { return at::globalContext().allowTF32CuDNN(); }, [](bool b) { at::globalContext().setAllowTF32CuDNN(b); }},
    {"mkldnnAvailable", [] { return at::hasMKLDNN(); }, nullptr},
    {"mpsAvailable", [] { return at::hasMPS(); }, nullptr},
    {"mklAvailable", [] { return at::hasMKL(); }, nullptr},
    {"openmpAvailable", [] { return at::hasOpenMP(); }, nullptr},
    {"cudnnAvailable", [] { return at::detail::getCUDAHooks().hasCuDNN(); }, nullptr},
    {"lapackAvailable", [] { return at::hasLAPACK(); }, nullptr},
    {"warnAlways", [] { return c10::WarningUtils::get_warnAlways(); }, [](bool b) { c10::WarningUtils::set_warnAlways(b); }},
    {"inferenceMode", [] { return c10::InferenceMode::is_enabled(); }, nullptr},
    {"cublasAllowTf32", [] { return at::globalContext().allowTF32CuBLAS(); }, [](bool b) { at::globalContext().setAllowTF32CuBLAS(b); }},
    // cuBLAS's half-precision reductions: the reduced-precision and split-K halves of one option, each
    // set with the other kept (torch.backends.cuda.matmul.allow_fp16_reduced_precision_reduction and _split_k).
    {"cublasFp16ReducedPrecision", [] { return at::globalContext().allowFP16ReductionCuBLAS() == at::CuBLASReductionOption::AllowReducedPrecisionWithSplitK; },
     [](bool b) { at::globalContext().setAllowFP16ReductionCuBLAS(b, true); }},
    {"cublasFp16SplitK", [] { return at::globalContext().allowFP16ReductionCuBLAS() != at::CuBLASReductionOption::DisallowReducedPrecisionDisallowSplitK; },
     [](bool b) { at::globalContext().setAllowFP16ReductionCuBLAS(false, b); }},
    {"cublasBf16ReducedPrecision", [] { return at::globalContext().allowBF16ReductionCuBLAS() == at::CuBLASReductionOption::AllowReducedPrecisionWithSplitK; },
     [](bool b) { at::globalContext().setAllowBF16ReductionCuBLAS(b, true); }},
    {"cublasBf16SplitK", [] { return at::globalContext().allowBF16ReductionCuBLAS() != at::CuBLASReductionOption::DisallowReducedPrecisionDisallowSplitK; },
     [](bool b) { at::globalContext().setAllowBF16ReductionCuBLAS(false, b); }},
    {"cublasAllowFp16Accumulation", [] { return at::globalContext().allowFP16AccumulationCuBLAS(); }, [](bool b) { at::globalContext().setAllowFP16AccumulationCuBLAS(b); }},
    {"sdpFlash", [] { return at::globalContext().userEnabledFlashSDP(); }, [](bool b) { at::globalContext().setSDPUseFlash(b); }},
    {"sdpMemEfficient", [] { return at::globalContext().userEnabledMemEfficientSDP(); }, [](bool b) { at::globalContext().setSDPUseMemEfficient(b); }},
    {"sdpMath", [] { return at::globalContext().userEnabledMathSDP(); }, [](bool b) { at::globalContext().setSDPUseMath(b); }},
    {"sdpCudnn", [] { return at::globalContext().userEnabledCuDNNSDP(); }, [](bool b) { at::globalContext().setSDPUseCuDNN(b); }},
    {"sdpOverrideable", [] { return at::globalContext().userEnabledOverrideableSDP(); }, [](bool b) { at::globalContext().setSDPUseOverrideable(b); }},
    {"sdpFp16Bf16ReductionMath", [] { return at::globalContext().allowFP16BF16ReductionMathSDP(); }, [](bool b) { at::globalContext().setAllowFP16BF16ReductionMathSDP(b); }},
    {"autocastCacheEnabled", [] { return at::autocast::is_autocast_cache_enabled(); }, [](bool b) { at::autocast::set_autocast_cache_enabled(b); }},
};

Napi::Value InitNumThreads(const Napi::CallbackInfo& info) {
  at::init_num_threads();
  return info.Env().Undefined();
}

// setFlushDenormal(on): true where the CPU supports it (SSE3), as Python's torch.set_flush_denormal.
Napi::Value SetFlushDenormal(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Napi::Value(env, FromBool(env, at::globalContext().setFlushDenormal(ToBool(env, info[0], "mode"))));
}

// The device type named by a string ('cpu', 'cuda', 'xla', ...); TypeError for anything else.
c10::DeviceType DeviceTypeOf(const std::string& name) {
  try {
    return c10::Device(name).type();
  } catch (const std::exception&) {
    ThrowType("expected a device type string ('cpu', 'cuda', ...), got '" + name + "'");
  }
}

// The device type autocast state is kept for; RangeError where autocast has none.
c10::DeviceType AutocastDeviceType(napi_env env, napi_value v) {
  std::string name = ToString(env, v, "deviceType");
  c10::DeviceType type = DeviceTypeOf(name);
  if (!at::autocast::is_autocast_available(type)) ThrowRange("unsupported autocast device type '" + name + "'");
  return type;
}

// autocastAvailable(deviceType): whether autocast supports the device type (torch.amp.is_autocast_available).
Napi::Value AutocastAvailable(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Napi::Boolean::New(env, at::autocast::is_autocast_available(DeviceTypeOf(ToString(env, info[0], "deviceType"))));
}

// autocastEnabled(deviceType, value?): this thread's autocast switch for a device type (set when value is given).
Napi::Value AutocastEnabled(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  c10::DeviceType type = AutocastDeviceType(env, info[0]);
  if (!info[1].IsUndefined()) at::autocast::set_autocast_enabled(type, ToBool(env, info[1], "enabled"));
  return Napi::Boolean::New(env, at::autocast::is_autocast_enabled(type));
}

// autocastDtype(deviceType, code?): this thread's autocast dtype code for a device type (set when code is given).
Napi::Value AutocastDtype(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  c10::DeviceType type = AutocastDeviceType(env, info[0]);
  if (!info[1].IsUndefined()) at::autocast::set_autocast_dtype(type, ToScalarType(info[1]));
  return Napi::Value(env, FromInt64(env, static_cast<int64_t>(at::autocast::get_autocast_dtype(type))));
}

// autocastNesting(delta): +1 / -1 on this thread's autocast nesting count; returns the new count.
Napi::Value AutocastNesting(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int count = ToInt64(env, info[0], "delta") > 0 ? at::autocast::increment_nesting() : at::autocast::decrement_nesting();
  return Napi::Value(env, FromInt64(env, count));
}

Napi::Value ClearAutocastCache(const Napi::CallbackInfo& info) {
  at::autocast::clear_cache();
  return info.Env().Undefined();
}

Napi::Value ContextFlagValue(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = ToString(env, info[0], "flag");
  for (const ContextFlag& f : kContextFlags) {
    if (name != f.name) continue;
    if (!info[1].IsUndefined()) {
      if (!f.set) ThrowType(name + " is read-only");
      f.set(ToBool(env, info[1], name.c_str()));
    }
    return Napi::Boolean::New(env, f.get());
  }
  ThrowType("unknown flag '" + name + "'");
}

// sdpPriorityOrder(order?): the order scaled_dot_product_attention tries its backends in (SDPBackend
// numbers), set first when given (a permutation of all of them, as libtorch requires).
Napi::Value SdpPriorityOrder(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsUndefined()) {
    std::vector<int64_t> order = ToIntList(env, info[0], "order");
    std::vector<int64_t> sorted = order;
    std::sort(sorted.begin(), sorted.end());
    for (size_t i = 0; i < sorted.size(); ++i)
      if (sorted.size() != static_cast<size_t>(at::num_sdp_backends) || sorted[i] != static_cast<int64_t>(i))
        ThrowRange("the SDP priority order must list each of the " + std::to_string(at::num_sdp_backends) + " backends (0 to " + std::to_string(at::num_sdp_backends - 1) + ") once");
    at::globalContext().setSDPPriorityOrder(order);
  }
  auto current = at::globalContext().sDPPriorityOrder();
  std::vector<int64_t> out;
  for (at::SDPBackend b : current) out.push_back(static_cast<int64_t>(b));
  return Napi::Value(env, FromIntList(env, out.data(), out.size()));
}

constexpr const char* kMatmulPrecisions[] = {"highest", "high", "medium"};  // at::Float32MatmulPrecision order

Napi::Value SetFloat32MatmulPrecision(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  at::globalContext().setFloat32MatmulPrecision(ToString(env, info[0], "precision"));  // warns and ignores others, as Python
  return env.Undefined();
}

Napi::Value GetFloat32MatmulPrecision(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Napi::Value(env, FromString(env, kMatmulPrecisions[static_cast<int>(at::globalContext().float32MatmulPrecision())]));
}

Napi::Value SetNumInteropThreads(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t n = ToInt64(env, info[0], "threads");
  if (n < 1) ThrowRange("number of threads must be positive, got " + std::to_string(n));
  at::set_num_interop_threads(static_cast<int>(n));
  return env.Undefined();
}

Napi::Value GetNumInteropThreads(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Napi::Value(env, FromInt64(env, static_cast<int64_t>(at::get_num_interop_threads())));
}

Napi::Value CpuCapability(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Napi::Value(env, FromString(env, at::get_cpu_capability()));
}

// cpuCapabilities(): what cpuinfo detected of this CPU (instruction sets, cache sizes, core counts, name), as
// Python's torch.cpu.get_capabilities(); null where libtorch has no at::cpu::get_cpu_capabilities (before 2.13).
Napi::Value CpuCapabilities(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
#if TORCH_VERSION_MAJOR > 2 || TORCH_VERSION_MINOR >= 13
  Napi::Object out = Napi::Object::New(env);
  for (const auto& [name, value] : at::cpu::get_cpu_capabilities()) out.Set(name, FromIValue(env, value, nullptr));
  return out;
#else
  return env.Null();
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
  // The folder of the libtorch library in use (its lib/): where torch/version.py (a pip install) or
  // build-version and build-hash (a libtorch archive) tell the full version and commit.
  Dl_info where{};
  if (dladdr(reinterpret_cast<void*>(&at::globalContext), &where) != 0 && where.dli_fname != nullptr) {
    std::string path = where.dli_fname;
    o.Set("libtorchDir", path.substr(0, path.rfind('/') == std::string::npos ? 0 : path.rfind('/')));
  } else {
    o.Set("libtorchDir", env.Null());
  }
  o.Set("cuda", static_cast<bool>(TN_WITH_CUDA));
  // torch.version.cuda: the CUDA runtime libtorch was built with, 'major.minor', with or without a
  // GPU as in Python (hasCUDA() is false without a device); null for a CPU-only libtorch.
  o.Set("cudaVersion", env.Null());
  if (TN_WITH_CUDA) {
    try {
      long v = at::detail::getCUDAHooks().versionCUDART();
      o.Set("cudaVersion", std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10));
    } catch (const std::exception&) {
      // left null: a CUDA libtorch whose hooks cannot say (never seen; buildInfo must not fail the import)
    }
  }
  // torch.backends.cudnn.version(): cuDNN's version number, null without cuDNN.
  if (at::detail::getCUDAHooks().hasCuDNN())
    o.Set("cudnnVersion", static_cast<double>(at::detail::getCUDAHooks().versionCuDNN()));
  else
    o.Set("cudnnVersion", env.Null());
  // Built as an experimental-version module: Node >= 20.10 then runs its finalizers inside GC.
  o.Set("gcFinalizers", NAPI_VERSION == NAPI_VERSION_EXPERIMENTAL);
  o.Set("config", at::show_config());
#ifdef _GLIBCXX_USE_CXX11_ABI
  o.Set("cxx11Abi", static_cast<bool>(_GLIBCXX_USE_CXX11_ABI));  // torch.compiled_with_cxx11_abi()
#else
  o.Set("cxx11Abi", false);
#endif
  Napi::Object features = Napi::Object::New(env);
  features.Set("namedTensors", static_cast<bool>(TN_HAS_NAMED_TENSORS));
  features.Set("gradLayoutPolicy", kHasGradLayoutSwitch);
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
      {"cudaMemoryStat", CudaMemoryStat, "cuda memory stats"},
      {"cudaResetPeakMemoryStats", CudaResetPeakMemoryStats, "cuda.resetPeakMemoryStats"},
      {"cudaEmptyCache", CudaEmptyCache, "cuda.emptyCache"},
      {"cudaCurrentDevice", CudaCurrentDevice, "cuda.currentDevice"},
      {"cudaSetDevice", CudaSetDevice, "cuda.setDevice"},
      {"cudaSynchronize", CudaSynchronize, "cuda.synchronize"},
      {"cudaGetDeviceName", CudaGetDeviceName, "cuda.getDeviceName"},
      {"buildInfo", BuildInfo},
      {"deviceTypes", DeviceTypes},
      {"setDefaultDtype", SetDefaultDtype},
      {"getDefaultDtype", GetDefaultDtype},
      {"setDeterministicAlgorithms", SetDeterministicAlgorithms, "useDeterministicAlgorithms"},
      {"contextFlag", ContextFlagValue, "backends"},
      {"sdpPriorityOrder", SdpPriorityOrder, "sdpaKernel"},
      {"setFloat32MatmulPrecision", SetFloat32MatmulPrecision},
      {"getFloat32MatmulPrecision", GetFloat32MatmulPrecision},
      {"setNumInteropThreads", SetNumInteropThreads},
      {"getNumInteropThreads", GetNumInteropThreads},
      {"cpuCapability", CpuCapability, "backends.cpu.getCpuCapability"},
      {"cpuCapabilities", CpuCapabilities, "cpu.getCapabilities"},
      {"initNumThreads", InitNumThreads},
      {"setFlushDenormal", SetFlushDenormal},
      {"autocastAvailable", AutocastAvailable, "amp.isAutocastAvailable"},
      {"autocastEnabled", AutocastEnabled, "autocast"},
      {"autocastDtype", AutocastDtype, "autocast"},
      {"autocastNesting", AutocastNesting, "autocast"},
      {"clearAutocastCache", ClearAutocastCache},
  };
  ExportAll(env, exports, kEntries);
}

}  // namespace tn
