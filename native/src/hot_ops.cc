// Direct (unboxed) bindings for the ops on every training step's path, where the generic
// entry point's schema matching would cost more than the kernel. Same semantics as Python:
// a number operand becomes a wrapped-number tensor and the Tensor overload runs (AddBackward0).
#include <ATen/ops/add.h>
#include <ATen/ops/div.h>
#include <ATen/ops/matmul.h>
#include <ATen/ops/mul.h>
#include <ATen/ops/sub.h>

#include "convert.h"
#include "ops.h"

namespace tn {
namespace {

bool IsNumberLike(napi_env env, napi_value v) {
  napi_valuetype t = TypeOf(env, v);
  return t == napi_number || t == napi_boolean || t == napi_bigint;
}

// alpha is the third argument when given (argc says so without a type check).
template <size_t N>
c10::Scalar Alpha(napi_env env, const Args<N>& a) {
  return a.argc < 3 || IsNullish(env, a[2]) ? c10::Scalar(1) : ToScalar(env, a[2], "alpha");
}

// The four arithmetic ops, as their Tensor overloads, out of place and in place.
struct AddOp {
  static constexpr const char* kName = "add";
  static constexpr const char* kInplaceName = "add_";
  static at::Tensor Run(const at::Tensor& x, const at::Tensor& o, const c10::Scalar& al) { return at::add(x, o, al); }
  static void RunInplace(at::Tensor& x, const at::Tensor& o, const c10::Scalar& al) { x.add_(o, al); }
};
struct SubOp {
  static constexpr const char* kName = "sub";
  static constexpr const char* kInplaceName = "sub_";
  static at::Tensor Run(const at::Tensor& x, const at::Tensor& o, const c10::Scalar& al) { return at::sub(x, o, al); }
  static void RunInplace(at::Tensor& x, const at::Tensor& o, const c10::Scalar& al) { x.sub_(o, al); }
};
struct MulOp {
  static constexpr const char* kName = "mul";
  static constexpr const char* kInplaceName = "mul_";
  static at::Tensor Run(const at::Tensor& x, const at::Tensor& o, const c10::Scalar&) { return at::mul(x, o); }
  static void RunInplace(at::Tensor& x, const at::Tensor& o, const c10::Scalar&) { x.mul_(o); }
};
struct DivOp {
  static constexpr const char* kName = "div";
  static constexpr const char* kInplaceName = "div_";
  static at::Tensor Run(const at::Tensor& x, const at::Tensor& o, const c10::Scalar&) { return at::div(x, o); }
  static void RunInplace(at::Tensor& x, const at::Tensor& o, const c10::Scalar&) { x.div_(o); }
};

// The other operand: a tensor, or a number wrapped the way Python wraps it (tensor checked first:
// it is the common case, and one Node-API call cheaper).
at::Tensor Operand(napi_env env, napi_value v) {
  if (Box* b = BoxOf(env, v)) return LiveTensor(env, b, "other");
  if (IsNumberLike(env, v)) return WrappedScalar(ToScalar(env, v, "other"));
  ThrowType("other must be a Tensor or a number");
}

// op(self, other, alpha?): other is a Tensor or a number.
template <class Op>
napi_value Binary(napi_env env, napi_callback_info info) {
  return Guard(env, Op::kName, [&] {
    Args<3> a(env, info);
    const at::Tensor& x = TensorOf(env, a[0], "self");
    return WrapTensor(env, Op::Run(x, Operand(env, a[1]), Alpha(env, a)));
  });
}

// op_(self, other, alpha?) -> undefined; the JS method returns `this`.
template <class Op>
napi_value Inplace(napi_env env, napi_callback_info info) {
  return Guard(env, Op::kInplaceName, [&] {
    Args<3> a(env, info);
    at::Tensor& x = TensorOf(env, a[0], "self");
    Op::RunInplace(x, Operand(env, a[1]), Alpha(env, a));
    return Undefined(env);
  });
}

napi_value Matmul(napi_env env, napi_callback_info info) {
  return Guard(env, "matmul", [&] {
    Args<2> a(env, info);
    return WrapTensor(env, at::matmul(TensorOf(env, a[0], "self"), TensorOf(env, a[1], "other")));
  });
}

napi_value Zero(napi_env env, napi_callback_info info) {
  return Guard(env, "zero_", [&] {
    Args<1> a(env, info);
    TensorOf(env, a[0], "self").zero_();
    return Undefined(env);
  });
}

}  // namespace

void RegisterHotOps(napi_env env, napi_value exports) {
  static constexpr ExportEntry kEntries[] = {
      {"add", Binary<AddOp>},
      {"sub", Binary<SubOp>},
      {"mul", Binary<MulOp>},
      {"div", Binary<DivOp>},
      {"add_", Inplace<AddOp>},
      {"sub_", Inplace<SubOp>},
      {"mul_", Inplace<MulOp>},
      {"div_", Inplace<DivOp>},
      {"matmul", Matmul},
      {"zero_", Zero},
  };
  ExportAll(env, exports, kEntries);
}

}  // namespace tn
