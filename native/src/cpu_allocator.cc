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
// malloc(n + 71), aligned by hand, leaves no slack: a freed block fits the next request of its size.
#include <c10/core/CPUAllocator.h>
#include <c10/core/alignment.h>
#include <c10/core/impl/alloc_cpu.h>
#include <c10/util/Exception.h>
#include <c10/util/numa.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "ops.h"

namespace tn {
namespace {

class HeapCpuAllocator final : public c10::Allocator {
 public:
  c10::DataPtr allocate(size_t nbytes) override {
    // Empty storages, and blocks that libtorch aligns to huge pages (THP_MEM_ALLOC_ENABLE), stay
    // with the default allocator.
    if (nbytes == 0 || HugePageAligned(nbytes)) return c10::GetDefaultCPUAllocator()->allocate(nbytes);
    TORCH_CHECK(static_cast<ptrdiff_t>(nbytes) >= 0, "alloc_cpu() seems to have been called with negative number: ", nbytes);
    void* block = std::malloc(nbytes + kSlack);
    if (block == nullptr) {
      int err = errno;
      c10::profiledCPUMemoryReporter().OutOfMemory(nbytes);
      TORCH_CHECK(false, "DefaultCPUAllocator: can't allocate memory: you tried to allocate ", nbytes,
                  " bytes. Error code ", err, " (", std::strerror(err), ")");
    }
    // The block's address is kept just below the aligned data, so the DataPtr is a plain one
    // (context == data), as the default allocator's: raw_allocate and copy-on-write accept it.
    auto address = (reinterpret_cast<uintptr_t>(block) + sizeof(void*) + c10::gAlignment - 1) & ~uintptr_t{c10::gAlignment - 1};
    void* data = reinterpret_cast<void*>(address);
    static_cast<void**>(data)[-1] = block;
    c10::NUMAMove(data, nbytes, c10::GetCurrentNUMANode());
    c10::profiledCPUMemoryReporter().New(data, nbytes);
    return {data, data, &Free, c10::Device(c10::kCPU)};
  }

  c10::DeleterFnPtr raw_deleter() const override { return &Free; }

  void copy_data(void* dest, const void* src, size_t count) const override { default_copy_data(dest, src, count); }

 private:
  static constexpr size_t kSlack = sizeof(void*) + c10::gAlignment - 1;

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
    std::free(static_cast<void**>(data)[-1]);
  }
};

}  // namespace

void InstallCpuAllocator() {
  // Never destroyed: storages freed during process exit still call into it.
  static auto* allocator = new HeapCpuAllocator();
  c10::SetCPUAllocator(allocator);
}

}  // namespace tn
