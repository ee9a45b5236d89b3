// One line per op call, as Python's LoggingTensorMode logs it under capture_logs(is_mode=True)
// (torch/testing/_internal/logging_tensor.py), which checkpoint(debug=True) prints:
//   $2: f64[2, 2] = torch._ops.aten.mm.default($0, $1)
// Tensors are named $0, $1, ... in the order the log first meets them, one name per live tensor.
#pragma once
#include <ATen/core/dispatch/Dispatcher.h>
#include <c10/util/intrusive_ptr.h>

#include <string>
#include <unordered_map>
#include <vector>

namespace tn {

// Python's str(OpOverload): 'aten.mm.default', 'aten.add.Tensor'.
std::string PythonOpName(const c10::OperatorHandle& op);

class OpLog {
 public:
  // Records op(args) -> outputs (the op's returns, in schema order) and the JS stack at the call.
  void Record(const c10::OperatorHandle& op, const std::vector<c10::IValue>& args, const std::vector<c10::IValue>& outputs, std::string stack);
  const std::vector<std::string>& Lines() const { return lines_; }
  const std::vector<std::string>& Stacks() const { return stacks_; }

 private:
  std::string Name(const at::Tensor& t);
  std::string Leaf(const c10::IValue& v, const c10::Argument* arg, bool withType);
  std::string Value(const c10::IValue& v, const c10::Argument* arg, bool withType);

  std::vector<std::string> lines_, stacks_;
  // A weak reference keeps a tensor's address from being reused while its entry exists; an expired
  // entry is a tensor that died, and a new tensor there gets a new name (Python's WeakTensorKeyDictionary).
  std::unordered_map<const c10::TensorImpl*, std::pair<c10::weak_intrusive_ptr<c10::TensorImpl, c10::UndefinedTensorImpl>, int64_t>> names_;
  int64_t next_ = 0;
};

}  // namespace tn
