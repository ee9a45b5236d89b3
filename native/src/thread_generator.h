// Each worker thread's own default CPU generator: libtorch's default generator is process-wide, so a
// worker's torch.manualSeed or random draws would move the main thread's stream (Python's DataLoader
// workers are processes, each with its own). The main thread keeps libtorch's default generator.
#pragma once
#include <ATen/core/Generator.h>

namespace tn {

// The calling thread's own default CPU generator, or nullptr on the main thread (libtorch's default).
at::Generator* ThreadGenerator();
// The calling thread's default CPU generator: its own one in a worker, libtorch's on the main thread.
at::Generator DefaultCpuGenerator();

}  // namespace tn
