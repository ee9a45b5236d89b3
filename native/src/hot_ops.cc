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

bool IsNumberLike(const Napi::Value& v) {
  napi_valuetype t = v.Type();
  return t == napi_number || t == napi_boolean || t == napi_bigint;
}

// alpha is the third argument when given (argc says so without a type check).
c10::Scalar Alpha(const Napi::CallbackInfo& info) {
  return info.Length() < 3 || IsNullish(info[2]) ? c10::Scalar(1) : ToScalar(info[2], "alpha");
}

// The four arithmetic ops, as their Tensor overloads, out of place and in place.
struct AddOp {
  static at::Tensor Run(const at::Tensor& x, const at::Tensor& o, const c10::Scalar& al) { return at::add(x, o, al); }
  static void RunInplace(at::Tensor& x, const at::Tensor& o, const c10::Scalar& al) { x.add_(o, al); }
};
struct SubOp {
  static at::Tensor Run(const at::Tensor& x, const at::Tensor& o, const c10::Scalar& al) { return at::sub(x, o, al); }
  static void RunInplace(at::Tensor& x, const at::Tensor& o, const c10::Scalar& al) { x.sub_(o, al); }
};
struct MulOp {
  static at::Tensor Run(const at::Tensor& x, const at::Tensor& o, const c10::Scalar&) { return at::mul(x, o); }
  static void RunInplace(at::Tensor& x, const at::Tensor& o, const c10::Scalar&) { x.mul_(o); }
};
struct DivOp {
  static at::Tensor Run(const at::Tensor& x, const at::Tensor& o, const c10::Scalar&) { return at::div(x, o); }
  static void RunInplace(at::Tensor& x, const at::Tensor& o, const c10::Scalar&) { x.div_(o); }
};

// The other operand: a tensor, or a number wrapped the way Python wraps it (tensor checked first:
// it is the common case, and one Node-API call cheaper).
at::Tensor Operand(const Napi::Value& v) {
  if (Box* b = BoxOf(v.Env(), v)) return LiveTensor(v.Env(), b, "other");
  if (IsNumberLike(v)) return WrappedScalar(ToScalar(v, "other"));
  ThrowType("other must be a Tensor or a number");
}

// op(self, other, alpha?): other is a Tensor or a number.
template <class Op>
Napi::Value Binary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const at::Tensor& x = TensorOf(env, info[0], "self");
  return Napi::Value(env, WrapTensor(env, Op::Run(x, Operand(info[1]), Alpha(info))));
}

// op_(self, other, alpha?) -> undefined; the JS method returns `this`.
template <class Op>
Napi::Value Inplace(const Napi::CallbackInfo& info) {
  at::Tensor& x = TensorOf(info.Env(), info[0], "self");
  Op::RunInplace(x, Operand(info[1]), Alpha(info));
  return info.Env().Undefined();
}

Napi::Value Matmul(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Napi::Value(env, WrapTensor(env, at::matmul(TensorOf(env, info[0], "self"), TensorOf(env, info[1], "other"))));
}

Napi::Value Zero(const Napi::CallbackInfo& info) {
  TensorOf(info.Env(), info[0], "self").zero_();
  return info.Env().Undefined();
}

}  // namespace

void RegisterHotOps(napi_env env, napi_value exports) {
  static constexpr MethodEntry kEntries[] = {
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
