// Forward AD for backward ops that have no forward formula in libtorch (_softmax_backward_data,
// native_layer_norm_backward, nll_loss_backward, ...): Python's `import torch` registers TorchScript decompositions
// of them with the JIT decomposition registry (torch/_decomp/decompositions_for_jvp.py), which the autograd kernels
// run under forward AD. Without them forward over reverse (a jvp of a gradient) of softmax, layer norm, batch norm or
// nll_loss raises. The same decompositions come as a TorchScript archive from scripts/gen-jvp-decompositions.py.
#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/csrc/jit/passes/inliner.h>
#include <torch/csrc/jit/runtime/decomposition_registry.h>
#include <torch/csrc/jit/serialization/import.h>

#include <mutex>
#include <sstream>
#include <string>

#include "autograd.h"
#include "jvp_decompositions.inc"

namespace tn {

void RegisterJvpDecompositions() {
  // libtorch's registry is process-wide and keyed by the operator's schema: filled once, then only read
  static std::once_flag once;
  std::call_once(once, [] {
    std::istringstream archive(std::string(reinterpret_cast<const char*>(kJvpDecompositions), sizeof kJvpDecompositions));
    torch::jit::Module module;
    try {
      module = torch::jit::load(archive);
    } catch (const std::exception&) {
      // a libtorch that cannot read this archive (another release): those ops keep libtorch's own "not implemented"
      return;
    }
    for (const torch::jit::Method& method : module.get_methods()) {
      const std::string& name = method.name();  // <namespace>__<op>__<overload>
      size_t op = name.find("__"), overload = name.rfind("__");
      if (op == std::string::npos || overload == op) continue;  // forward()
      std::string suffix = name.substr(overload + 2);
      auto handle = c10::Dispatcher::singleton().findSchema(
          {name.substr(0, op) + "::" + name.substr(op + 2, overload - op - 2), suffix == "default" ? "" : suffix});
      if (!handle) continue;
      std::shared_ptr<torch::jit::Graph> graph = method.graph()->copy();
      torch::jit::Inline(*graph);
      TORCH_INTERNAL_ASSERT(!graph->inputs()[0]->hasUses(), "jvp decomposition ", name, " uses its module");
      graph->eraseInput(0);  // the module: the decomposition's graph takes the op's arguments only
      torch::jit::RegisterDecomposition(handle->schema(), graph);
    }
  });
}

}  // namespace tn
