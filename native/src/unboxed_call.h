// Overloads of a few common shapes (Tensor and Scalar arguments, one Tensor result: add.Tensor,
// mul.Scalar, relu, ...), called through the dispatcher's unboxed path as at::add is: no IValue
// stack to build, box and unbox, and no reference-count traffic on the input tensors.
#pragma once

#include <ATen/core/Tensor.h>
#include <ATen/core/dispatch/Dispatcher.h>

#include <variant>

namespace tn {

// One argument in schema order: a tensor (borrowed from its handle) or a scalar.
struct UnboxedArg {
  const at::Tensor* tensor = nullptr;
  c10::Scalar scalar;
};

class UnboxedCaller {
 public:
  static constexpr size_t kMaxArgs = 3;

  // The caller for h's schema; an empty one when the schema has none of the shapes, or an
  // argument or result is more than a plain Tensor or Scalar (optional, list, written, out=).
  static UnboxedCaller For(const c10::OperatorHandle& h);

  explicit operator bool() const { return op_.index() != 0; }
  // Requires a non-empty caller and one UnboxedArg per schema argument.
  at::Tensor Call(const UnboxedArg* args) const;

 private:
  using T = const at::Tensor&;
  using S = const c10::Scalar&;
  std::variant<std::monostate, c10::TypedOperatorHandle<at::Tensor(T)>, c10::TypedOperatorHandle<at::Tensor(T, T)>,
               c10::TypedOperatorHandle<at::Tensor(T, T, S)>, c10::TypedOperatorHandle<at::Tensor(T, S)>,
               c10::TypedOperatorHandle<at::Tensor(T, S, S)>>
      op_;
};

}  // namespace tn
