#include "unboxed_call.h"

#include <string>
#include <utility>

namespace tn {
namespace {

template <class A>
decltype(auto) Get(const UnboxedArg& a) {
  if constexpr (std::is_same_v<std::decay_t<A>, at::Tensor>) return static_cast<const at::Tensor&>(*a.tensor);
  else return static_cast<const c10::Scalar&>(a.scalar);
}

template <class... A, size_t... I>
at::Tensor Invoke(const c10::TypedOperatorHandle<at::Tensor(A...)>& op, const UnboxedArg* args, std::index_sequence<I...>) {
  return op.call(Get<A>(args[I])...);
}

template <class... A>
at::Tensor InvokeAll(const c10::TypedOperatorHandle<at::Tensor(A...)>& op, const UnboxedArg* args) {
  return Invoke(op, args, std::index_sequence_for<A...>());
}

// The schema's shape, one letter per argument (T: Tensor, S: Scalar); empty when it has no shape here.
std::string Shape(const c10::FunctionSchema& s) {
  if (s.returns().size() != 1 || s.returns()[0].real_type()->kind() != c10::TypeKind::TensorType ||
      s.arguments().size() > UnboxedCaller::kMaxArgs)
    return "";
  std::string shape;
  for (const c10::Argument& a : s.arguments()) {
    if (a.alias_info()) return "";  // written (in place, out=) or aliased by the result: boxed
    switch (a.real_type()->kind()) {
      case c10::TypeKind::TensorType: shape += 'T'; break;
      case c10::TypeKind::NumberType: shape += 'S'; break;
      default: return "";
    }
  }
  return shape;
}

}  // namespace

UnboxedCaller UnboxedCaller::For(const c10::OperatorHandle& h) {
  UnboxedCaller c;
  const std::string shape = Shape(h.schema());
  try {
    // typed() checks the C++ signature the kernels were registered with (once, here).
    if (shape == "T") c.op_ = h.typed<at::Tensor(T)>();
    else if (shape == "TT") c.op_ = h.typed<at::Tensor(T, T)>();
    else if (shape == "TTS") c.op_ = h.typed<at::Tensor(T, T, S)>();
    else if (shape == "TS") c.op_ = h.typed<at::Tensor(T, S)>();
    else if (shape == "TSS") c.op_ = h.typed<at::Tensor(T, S, S)>();
  } catch (const c10::Error&) {
    c.op_ = std::monostate();  // registered with another C++ signature: the boxed path calls it
  }
  return c;
}

at::Tensor UnboxedCaller::Call(const UnboxedArg* args) const {
  return std::visit(
      [args](const auto& op) -> at::Tensor {
        if constexpr (std::is_same_v<std::decay_t<decltype(op)>, std::monostate>) {
          TORCH_INTERNAL_ASSERT(false, "UnboxedCaller::Call on an empty caller");
          return at::Tensor();
        } else {
          return InvokeAll(op, args);
        }
      },
      op_);
}

}  // namespace tn
