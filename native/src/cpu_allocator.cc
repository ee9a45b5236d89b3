// libtorch's CPU allocator for this process: DefaultCPUAllocator's behaviour (64-byte alignment,
// profiler and NUMA reporting, its out-of-memory message), with blocks carved from plain malloc.
//
// Why: posix_memalign asks glibc for the size plus 96 bytes and gives back the slack as a small
// free chunk right after the block. In Python that chunk is soon reused by a short-lived object
// or merged again. In Node, Node-API allocates a 72-byte record for every External with a
// finalizer (each tensor handle), and those live until the GC: one lands in the slack after a
// freed 400 KB gradient, the hole left is 96 bytes too small for the next posix_memalign of the
// same size, and the heap grows by a block per training step, every new page faulted in, until the
// next scavenge frees the records (W2 ran 3.5x slower for seconds at a time in half the processes).
// malloc(n + 79), aligned by hand, leaves no slack: a freed block fits the next request of its size.
//
// Blocks of 64 KiB to 32 MiB are also kept for reuse when freed (BlockCache, bounded). Under
// glibc's default settings a training loop that frees and allocates the same large sizes every
// step made glibc shrink and regrow its heap (brk) several times per step, and every regrown page
// faulted in again: the small CNN step (bench W3) took 12-13 ms instead of 3.3 ms, with 207 thousand
// page faults against 28 thousand, while C++ ran at 3.5 ms and Python at 6.5 ms.
#include <c10/core/CPUAllocator.h>
#include <c10/core/alignment.h>
#include <c10/core/impl/alloc_cpu.h>
#include <c10/util/Exception.h>
#include <c10/util/numa.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "napi_util.h"
#include "ops.h"

namespace tn {
namespace {

// Freed blocks of one size each, for the next allocation of that size. Process-wide, as the CPU
// allocator is: tensors are freed on any thread. Bounded: a block that would overflow goes to free().
class BlockCache {
 public:
  static constexpr size_t kMinBytes = size_t{64} << 10;   // glibc's bins serve smaller ones well
  static constexpr size_t kMaxBytes = size_t{32} << 20;   // glibc mmaps larger ones: not its heap's churn

  explicit BlockCache(size_t capacity) : capacity_(capacity) {}

  void* Take(size_t nbytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = free_.find(nbytes);
    if (it == free_.end() || it->second.empty()) return nullptr;
    void* block = it->second.back();
    it->second.pop_back();
    bytes_ -= nbytes;
    return block;
  }

  // Keeps the block if it fits; false: the caller frees it. Runs in deleters: never throws.
  bool Give(void* block, size_t nbytes) noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    if (bytes_ + nbytes > capacity_) return false;
    try {
      free_[nbytes].push_back(block);
    } catch (...) {
      return false;  // no memory for the list: the block goes back to malloc
    }
    bytes_ += nbytes;
    return true;
  }

  size_t Release() {
    std::lock_guard<std::mutex> lock(mutex_);
    size_t released = bytes_;
    for (auto& [size, blocks] : free_)
      for (void* b : blocks) std::free(b);
    free_.clear();
    bytes_ = 0;
    return released;
  }

  size_t Bytes() {
    std::lock_guard<std::mutex> lock(mutex_);
    return bytes_;
  }

 private:
  std::mutex mutex_;
  std::unordered_map<size_t, std::vector<void*>> free_;
  size_t bytes_ = 0;
  const size_t capacity_;
};

// TORCHNODE_CPU_CACHE_MB (default 256, 0 turns the cache off); anything but digits up to 2^30 MiB
// (a sign, a unit, a fraction) leaves the default, as the addon loads before any JS could be told.
size_t CacheCapacityFromEnv() {
  constexpr size_t kDefault = size_t{256} << 20;
  const char* v = std::getenv("TORCHNODE_CPU_CACHE_MB");
  if (v == nullptr || *v < '0' || *v > '9') return kDefault;
  char* end = nullptr;
  unsigned long long mb = std::strtoull(v, &end, 10);
  return *end == '\0' && mb <= (1ULL << 30) ? static_cast<size_t>(mb) << 20 : kDefault;
}

BlockCache& Cache() {
  static auto* cache = new BlockCache(CacheCapacityFromEnv());  // never destroyed: frees during exit still reach it
  return *cache;
}

bool Cacheable(size_t nbytes) { return nbytes >= BlockCache::kMinBytes && nbytes <= BlockCache::kMaxBytes; }

class HeapCpuAllocator final : public c10::Allocator {
 public:
  c10::DataPtr allocate(size_t nbytes) override {
    // Empty storages, and blocks that libtorch aligns to huge pages (THP_MEM_ALLOC_ENABLE), stay
    // with the default allocator.
    if (nbytes == 0 || HugePageAligned(nbytes)) return c10::GetDefaultCPUAllocator()->allocate(nbytes);
    TORCH_CHECK(static_cast<ptrdiff_t>(nbytes) >= 0, "alloc_cpu() seems to have been called with negative number: ", nbytes);
    void* block = Cacheable(nbytes) ? Cache().Take(nbytes) : nullptr;
    if (block == nullptr) block = std::malloc(nbytes + kSlack);
    if (block == nullptr && Cache().Release() > 0) block = std::malloc(nbytes + kSlack);
    if (block == nullptr) {
      int err = errno;
      c10::profiledCPUMemoryReporter().OutOfMemory(nbytes);
      TORCH_CHECK(false, "DefaultCPUAllocator: can't allocate memory: you tried to allocate ", nbytes,
                  " bytes. Error code ", err, " (", std::strerror(err), ")");
    }
    // The block's address and size are kept just below the aligned data, so the DataPtr is a plain
    // one (context == data), as the default allocator's: raw_allocate and copy-on-write accept it.
    auto address = (reinterpret_cast<uintptr_t>(block) + kHeader + c10::gAlignment - 1) & ~uintptr_t{c10::gAlignment - 1};
    void* data = reinterpret_cast<void*>(address);
    static_cast<void**>(data)[-1] = block;
    static_cast<size_t*>(data)[-2] = nbytes;
    c10::NUMAMove(data, nbytes, c10::GetCurrentNUMANode());
    c10::profiledCPUMemoryReporter().New(data, nbytes);
    return {data, data, &Free, c10::Device(c10::kCPU)};
  }

  c10::DeleterFnPtr raw_deleter() const override { return &Free; }

  void copy_data(void* dest, const void* src, size_t count) const override { default_copy_data(dest, src, count); }

 private:
  static constexpr size_t kHeader = sizeof(void*) + sizeof(size_t);
  static constexpr size_t kSlack = kHeader + c10::gAlignment - 1;

  static bool HugePageAligned(size_t nbytes) {
#if defined(__linux__) && !defined(__ANDROID__)
    return c10::c10_compute_alignment(nbytes) != c10::gAlignment;
#else
    return false;
#endif
  }

  static void Free(void* data) {
    if (data == nullptr) return;
    c10::profiledCPUMemoryReporter().Delete(data);
    void* block = static_cast<void**>(data)[-1];
    size_t nbytes = static_cast<size_t*>(data)[-2];
    if (!Cacheable(nbytes) || !Cache().Give(block, nbytes)) std::free(block);
  }
};

// cpuMemoryCached() -> bytes held for reuse; emptyCpuCache() -> bytes given back to malloc.
Napi::Value CpuMemoryCached(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(Cache().Bytes())); }
Napi::Value EmptyCpuCache(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(Cache().Release())); }

}  // namespace

void RegisterCpuAllocator(napi_env env, napi_value exports) {
  static constexpr MethodEntry kEntries[] = {
      {"cpuMemoryCached", CpuMemoryCached},
      {"emptyCpuCache", EmptyCpuCache},
  };
  ExportAll(env, exports, kEntries);
}

void InstallCpuAllocator() {
  // Never destroyed: storages freed during process exit still call into it.
  static auto* allocator = new HeapCpuAllocator();
  c10::SetCPUAllocator(allocator);
}

}  // namespace tn
